#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hafnium::clients {
class HttpClient;
}

namespace hafnium::telemetry {

struct Span {
  std::string trace_id;        // 32 hex
  std::string span_id;         // 16 hex
  std::string parent_span_id;  // empty for a root span
  std::string name;            // "GET /api/v1/whoami" (the route pattern, never the raw path)
  int64_t start_unix_nanos = 0;
  int64_t end_unix_nanos = 0;
  bool error = false;
  std::vector<std::pair<std::string, std::string>> string_attributes;
  std::vector<std::pair<std::string, int64_t>> int_attributes;
};

// Exports server spans as OTLP/HTTP JSON (POST <endpoint>, by default
// http://host:4318/v1/traces) in batches from a background thread. The
// request path never waits: spans go into a bounded queue and are dropped,
// and counted, when the collector cannot keep up.
class OtlpExporter {
 public:
  OtlpExporter(std::string endpoint, std::string service_name, size_t max_queue = 8192);
  ~OtlpExporter();

  void start();
  // Sends what is queued, then stops.
  void stop();
  void record(Span span);

  uint64_t exported() const { return exported_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t failed() const { return failed_.load(); }

  static std::string to_otlp_json(const std::vector<Span>& spans, const std::string& service_name);

 private:
  void loop();
  void send(std::vector<Span>& batch);

  std::string endpoint_;
  std::string service_name_;
  size_t max_queue_;
  std::unique_ptr<clients::HttpClient> http_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Span> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> exported_{0}, dropped_{0}, failed_{0};
};

}  // namespace hafnium::telemetry
