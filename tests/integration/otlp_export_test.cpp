// Server spans reach an OTLP/HTTP collector as JSON, with the caller's trace.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/recording_server.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

TEST(OtlpExport, ServerSpansArePostedAsOtlpJson) {
  RecordingServer collector([](const http::Request&) { return http::Response::json(200, boost::json::object{}); });

  InProcessServer::Options server_options;
  server_options.configure = [&collector](config::Config& c) { c.otlp_endpoint = collector.url("/v1/traces"); };
  InProcessServer server(std::move(server_options));
  auto res = server.client().request("GET", "/api/v1/whoami",
                                     {{"Authorization", "Bearer " + server.admin_key()},
                                      {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  ASSERT_EQ(res.status, 200);
  server.runtime().stop();  // flushes the exporter

  auto requests = collector.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].path, "/v1/traces");
  bool found = false;
  for (const auto& request : requests) {
    auto doc = boost::json::parse(request.body);
    const auto& resource = doc.at("resourceSpans").at(0);
    EXPECT_EQ(resource.at("resource").at("attributes").at(0).at("value").at("stringValue").as_string(), "hafnium");
    for (const auto& span : resource.at("scopeSpans").at(0).at("spans").as_array()) {
      if (span.at("name").as_string() != "GET /api/v1/whoami") continue;
      found = true;
      EXPECT_EQ(span.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
      EXPECT_EQ(span.at("parentSpanId").as_string(), "00f067aa0ba902b7");
      EXPECT_EQ(span.at("kind").as_int64(), 2);
      EXPECT_EQ(res.header("traceparent").substr(36, 16), span.at("spanId").as_string());
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace hafnium::testing
