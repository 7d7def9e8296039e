#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace hafnium::services::monitoring {

// When a tenant whose monitoring state broke (its evaluations failed to
// commit, so its engine is ahead of the store) may be rebuilt again. The
// first rebuild after a failure runs at once; if the tenant's evaluations
// still do not commit (a store that keeps refusing them), each further
// rebuild waits longer: 1 s after the previous one ended, doubling up to
// 30 s. A rebuild reads the tenant's whole history and evaluates again all
// it could not commit, so rebuilding at each of its payments would spend
// the detector on a tenant that cannot make progress. A commit of the
// tenant's evaluations ends the waiting. A rebuild that could not reach
// the store is not counted (the caller does not report it): once the
// store is back, the tenant is rebuilt at once, not after a wait that grew
// while it was down. Not thread-safe.
class RepairSchedule {
 public:
  static constexpr int64_t kFirstWaitMicros = 1'000'000;
  static constexpr int64_t kLongestWaitMicros = 30'000'000;

  // Whether the tenant may be rebuilt at `now`.
  bool due(const std::string& tenant, int64_t now) const;
  // A rebuild of the tenant ended (or failed other than for want of the
  // store) at `now`: the next one waits.
  void rebuilt(const std::string& tenant, int64_t now);
  // The tenant's evaluations committed: its next failure is rebuilt at once.
  void committed(const std::string& tenant) { last_.erase(tenant); }
  bool empty() const { return last_.empty(); }

 private:
  struct Rebuild {
    int64_t ended;
    int64_t wait;  // before the next one
  };
  std::map<std::string, Rebuild> last_;
};

}  // namespace hafnium::services::monitoring
