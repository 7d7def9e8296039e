#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "platform/telemetry/episode.h"
#include "platform/telemetry/metrics.h"
#include "platform/telemetry/trace.h"

namespace hafnium::telemetry {
namespace {

TEST(Episode, LogsTheBeginningThenEveryIntervalThenTheEnd) {
  telemetry::Episode episode(std::chrono::milliseconds(50));
  EXPECT_FALSE(episode.ended().log);  // nothing was going on
  auto first = episode.occurred();
  EXPECT_TRUE(first.log);
  EXPECT_TRUE(first.began);
  EXPECT_TRUE(episode.ongoing());
  int logged = 0;
  for (int i = 0; i < 100; ++i) logged += episode.occurred().log ? 1 : 0;
  EXPECT_EQ(logged, 0);  // the same episode, within its interval
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  auto lasting = episode.occurred();
  EXPECT_TRUE(lasting.log);
  EXPECT_FALSE(lasting.began);
  EXPECT_EQ(lasting.occurrences, 102u);
  auto end = episode.ended();
  EXPECT_TRUE(end.log);
  EXPECT_EQ(end.occurrences, 102u);
  EXPECT_FALSE(episode.ongoing());
  EXPECT_FALSE(episode.ended().log);
  EXPECT_TRUE(episode.occurred().began);  // a new episode
}

TEST(Metrics, RendersPrometheusTextFormat) {
  Registry registry;
  registry.counter("requests_total", "Requests", {{"route", "/a"}}).inc(3);
  registry.gauge("queue_depth", "Depth").set(7);
  auto& h = registry.histogram("latency_seconds", "Latency", {{"route", "/a"}}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  registry.callback_gauge("rss_bytes", "RSS", [] { return 42.0; });
  std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE requests_total counter\nrequests_total{route=\"/a\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("queue_depth 7\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"/a\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum{route=\"/a\"} 5.55"), std::string::npos);
  EXPECT_NE(text.find("rss_bytes 42\n"), std::string::npos);
}

TEST(Metrics, SameNameAndLabelsIsTheSameSeries) {
  Registry registry;
  registry.counter("c", "help", {{"a", "1"}}).inc();
  registry.counter("c", "help", {{"a", "1"}}).inc();
  EXPECT_EQ(registry.counter("c", "help", {{"a", "1"}}).value(), 2u);
  EXPECT_THROW(registry.gauge("c", "help"), std::logic_error);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(Metrics, ProcessRssIsPositive) { EXPECT_GT(process_resident_bytes(), 1e6); }

TEST(Trace, ParsesW3cTraceparent) {
  auto context = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(context);
  EXPECT_EQ(context->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(context->parent_span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(context->sampled);
  auto child = continue_or_start(context);
  EXPECT_EQ(child.trace_id, context->trace_id);
  EXPECT_EQ(child.span_id.size(), 16u);
  EXPECT_NE(child.span_id, context->parent_span_id);
  EXPECT_EQ(child.traceparent().substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
}

TEST(Trace, RejectsInvalidTraceparentAndStartsANewTrace) {
  for (const char* bad : {"", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"}) {
    EXPECT_FALSE(parse_traceparent(bad)) << bad;
  }
  auto fresh = continue_or_start(std::nullopt);
  EXPECT_EQ(fresh.trace_id.size(), 32u);
}

}  // namespace
}  // namespace hafnium::telemetry
