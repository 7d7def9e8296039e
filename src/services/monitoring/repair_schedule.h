#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace hafnium::services::monitoring {

// When a tenant whose monitoring state broke (its evaluations failed to
// commit, so its engine is ahead of the store) may be rebuilt again. The
// first rebuild after a failure runs at once; if the tenant's evaluations
// still do not commit (a store that keeps refusing them, or is down), each
// further rebuild waits longer: 1 s after the previous one, doubling up to
// 30 s. A rebuild reads the tenant's whole history and evaluates again all
// it could not commit, so rebuilding at each of its payments would spend
// the detector on a tenant that cannot make progress. A commit of the
// tenant's evaluations ends the waiting. Not thread-safe.
class RepairSchedule {
 public:
  static constexpr int64_t kFirstWaitMicros = 1'000'000;
  static constexpr int64_t kLongestWaitMicros = 30'000'000;

  // Whether the tenant may be rebuilt at `now`; when it may, the rebuild is
  // recorded as its latest attempt.
  bool may_rebuild(const std::string& tenant, int64_t now);
  // The tenant's evaluations committed: its next failure is rebuilt at once.
  void committed(const std::string& tenant) { attempts_.erase(tenant); }
  bool empty() const { return attempts_.empty(); }

 private:
  struct Attempt {
    int64_t at;
    int64_t wait;  // before the next attempt
  };
  std::map<std::string, Attempt> attempts_;
};

}  // namespace hafnium::services::monitoring
