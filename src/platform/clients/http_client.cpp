#include "platform/clients/http_client.h"

#include <curl/curl.h>

#include <strings.h>

#include <thread>

namespace hafnium::clients {
namespace {

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

HttpClient::HttpClient(std::string base_url, HttpClientOptions options)
    : base_url_(std::move(base_url)), options_(options) {
  static CurlGlobal global;
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

HttpClient::~HttpClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* HttpClient::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpClient::release(void* handle) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < options_.max_idle_handles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

HttpResult HttpClient::send_once(void* raw, const HttpCall& call, const CallContext& context) {
  CURL* curl = static_cast<CURL*>(raw);
  curl_easy_reset(curl);  // keeps the connection cache, clears options
  HttpResult result;
  std::string url = base_url_ + call.path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT" || call.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  }
  curl_slist* headers = nullptr;
  bool has_content_type = false;
  for (const auto& [name, value] : call.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
    if (strcasecmp(name.c_str(), "content-type") == 0) has_content_type = true;
  }
  if (!call.body.empty() && !has_content_type) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }
  if (!context.authorization.empty()) {
    headers = curl_slist_append(headers, ("Authorization: " + context.authorization).c_str());
  }
  if (!context.traceparent.empty()) {
    headers = curl_slist_append(headers, ("traceparent: " + context.traceparent).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    result.status = 0;
    result.error = curl_easy_strerror(code);
    result.body.clear();
    return result;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  char* content_type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type) result.content_type = content_type;
  return result;
}

HttpResult HttpClient::send(const HttpCall& call, const CallContext& context) {
  int attempts = call.idempotent ? options_.max_attempts : 1;
  auto backoff = options_.retry_backoff;
  HttpResult result;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    void* handle = acquire();
    if (!handle) {
      result.error = "cannot create HTTP handle";
      return result;
    }
    result = send_once(handle, call, context);
    release(handle);
    result.attempts = attempt;
    bool retryable = result.status == 0 || result.status == 502 || result.status == 503 ||
                     result.status == 504;
    if (!retryable || attempt == attempts) break;
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
  return result;
}

}  // namespace hafnium::clients
