#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "platform/config/config.h"

namespace hafnium::api {

// Rate limits per API key and per tenant. The embedded profile keeps the
// buckets in memory (per process); the distributed profile will keep them
// in Redis behind the same interface.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes one token from `key`'s bucket. Returns nullopt when allowed, or the
  // whole seconds to wait before a token is available.
  virtual std::optional<int> acquire(const std::string& key, const config::RateLimit& limit) = 0;
};

// Token bucket: `burst` tokens, refilled at `rate_per_second`. Buckets are
// sharded by key hash so that threads rarely contend on one mutex.
class InMemoryRateLimiter : public RateLimiter {
 public:
  std::optional<int> acquire(const std::string& key, const config::RateLimit& limit) override;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr size_t kShards = 16;
  Shard shards_[kShards];
};

}  // namespace hafnium::api
