#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hafnium::clients {

// What a call between targets carries from the request that caused it: the
// caller's credential (so the peer authorises the same principal) and the
// trace (so one trace spans both processes).
struct CallContext {
  std::string authorization;  // the original "Bearer ..." value
  std::string traceparent;
};

struct HttpCall {
  std::string method = "GET";
  std::string path;  // "/api/v1/audit?limit=10"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Safe to send twice: GET/PUT/DELETE, or POST with an Idempotency-Key.
  bool idempotent = false;
};

struct HttpResult {
  int status = 0;  // 0: no response (connection failed)
  std::string body;
  std::string content_type;
  std::string error;  // transport error when status is 0
  int attempts = 0;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds request_timeout{10000};
  int max_attempts = 3;  // for idempotent calls; others are sent once
  std::chrono::milliseconds retry_backoff{50};
  size_t max_idle_handles = 16;
};

// A small HTTP/1.1 client for calls between targets, on libcurl: a pool of
// handles that keep their connections alive, timeouts, and retries with
// backoff on connection failures and 502/503/504 for idempotent calls.
class HttpClient {
 public:
  HttpClient(std::string base_url, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult send(const HttpCall& call, const CallContext& context);

 private:
  void* acquire();
  void release(void* handle);
  HttpResult send_once(void* handle, const HttpCall& call, const CallContext& context);

  std::string base_url_;
  HttpClientOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_;
};

}  // namespace hafnium::clients
