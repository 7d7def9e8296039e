#pragma once

#include <memory>
#include <optional>
#include <string>

#include "platform/http/request.h"
#include "platform/http/response.h"
#include "platform/store/database.h"

namespace hafnium::api {

// Idempotency-Key on POST (the IETF httpapi draft's semantics): the first
// request with a key reserves it; its response is stored; a repeat with the
// same key and the same request returns the stored response; the same key
// with another request is refused with 422; a repeat while the first is
// still running gets 409. Keys expire after the configured TTL (24 h).
class IdempotencyStore {
 public:
  IdempotencyStore(std::shared_ptr<store::Database> db, int64_t ttl_seconds)
      : db_(std::move(db)), ttl_micros_(ttl_seconds * 1'000'000) {}

  struct Begin {
    enum class Kind { kNew, kReplay } kind = Kind::kNew;
    http::Response stored;  // for kReplay
  };
  // Throws 422 (key reused for another request), 409 (still in progress),
  // 400 (malformed key).
  Begin begin(const std::string& tenant_id, const std::string& key,
              const std::string& request_fingerprint);
  void complete(const std::string& tenant_id, const std::string& key,
                const http::Response& response);
  // The handler failed without a response worth replaying (5xx): release the key.
  void release(const std::string& tenant_id, const std::string& key);
  size_t purge_expired();

  static std::string fingerprint(const http::Request& request, const std::string& subject);

 private:
  std::shared_ptr<store::Database> db_;
  int64_t ttl_micros_;
};

}  // namespace hafnium::api
