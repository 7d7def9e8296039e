#include "platform/api/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace hafnium::api {

std::optional<int> InMemoryRateLimiter::acquire(const std::string& key,
                                                const config::RateLimit& limit) {
  if (limit.rate_per_second <= 0) return std::nullopt;
  double burst = std::max(1.0, limit.burst);
  auto now = std::chrono::steady_clock::now();
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  auto [it, inserted] = shard.buckets.try_emplace(key);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = burst;
  } else {
    double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst, bucket.tokens + elapsed * limit.rate_per_second);
  }
  bucket.updated = now;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  double wait = (1.0 - bucket.tokens) / limit.rate_per_second;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

}  // namespace hafnium::api
