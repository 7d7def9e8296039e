#include "platform/telemetry/otlp_exporter.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "platform/clients/http_client.h"

namespace hafnium::telemetry {

namespace {
constexpr size_t kBatchSize = 512;
constexpr auto kFlushInterval = std::chrono::seconds(1);
}  // namespace

OtlpExporter::OtlpExporter(std::string endpoint, std::string service_name, size_t max_queue)
    : endpoint_(std::move(endpoint)), service_name_(std::move(service_name)), max_queue_(max_queue) {
  clients::HttpClientOptions options;
  options.request_timeout = std::chrono::milliseconds(5000);
  options.max_attempts = 2;
  http_ = std::make_unique<clients::HttpClient>(endpoint_, options);
}

OtlpExporter::~OtlpExporter() { stop(); }

void OtlpExporter::start() {
  thread_ = std::thread([this] { loop(); });
}

void OtlpExporter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OtlpExporter::record(Span span) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queue_ || stopping_) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(span));
    if (queue_.size() < kBatchSize) return;
  }
  cv_.notify_one();
}

void OtlpExporter::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait_for(lock, kFlushInterval, [this] { return stopping_ || queue_.size() >= kBatchSize; });
    while (!queue_.empty()) {
      std::vector<Span> batch;
      while (!queue_.empty() && batch.size() < kBatchSize) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lock.unlock();
      send(batch);
      lock.lock();
    }
    if (stopping_) return;
  }
}

void OtlpExporter::send(std::vector<Span>& batch) {
  clients::HttpCall call;
  call.method = "POST";
  call.path = "";
  call.body = to_otlp_json(batch, service_name_);
  call.idempotent = true;  // a collector deduplicates by span id
  auto result = http_->send(call, {});
  if (result.status >= 200 && result.status < 300) {
    exported_ += batch.size();
  } else {
    failed_ += batch.size();
    spdlog::warn("OTLP export of {} spans failed: {}", batch.size(),
                 result.status == 0 ? result.error : "HTTP " + std::to_string(result.status));
  }
}

std::string OtlpExporter::to_otlp_json(const std::vector<Span>& spans,
                                       const std::string& service_name) {
  boost::json::array out_spans;
  for (const auto& span : spans) {
    boost::json::array attributes;
    for (const auto& [key, value] : span.string_attributes) {
      attributes.push_back({{"key", key}, {"value", {{"stringValue", value}}}});
    }
    for (const auto& [key, value] : span.int_attributes) {
      // OTLP/JSON carries 64-bit integers as strings.
      attributes.push_back({{"key", key}, {"value", {{"intValue", std::to_string(value)}}}});
    }
    boost::json::object s{{"traceId", span.trace_id},
                          {"spanId", span.span_id},
                          {"name", span.name},
                          {"kind", 2},  // SPAN_KIND_SERVER
                          {"startTimeUnixNano", std::to_string(span.start_unix_nanos)},
                          {"endTimeUnixNano", std::to_string(span.end_unix_nanos)},
                          {"attributes", std::move(attributes)},
                          {"status", {{"code", span.error ? 2 : 1}}}};
    if (!span.parent_span_id.empty()) s["parentSpanId"] = span.parent_span_id;
    out_spans.push_back(std::move(s));
  }
  boost::json::object resource{
      {"attributes",
       boost::json::array{{{"key", "service.name"}, {"value", {{"stringValue", service_name}}}}}}};
  boost::json::object body{
      {"resourceSpans",
       boost::json::array{{{"resource", resource},
                           {"scopeSpans", boost::json::array{{{"scope", {{"name", "hafnium"}}},
                                                              {"spans", std::move(out_spans)}}}}}}}};
  return boost::json::serialize(body);
}

}  // namespace hafnium::telemetry
