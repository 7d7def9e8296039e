#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hafnium::services::monitoring {

// The tenants whose evaluations failed to commit, from the failure until
// one of their commits succeeds, and when each may be rebuilt. A failure
// leaves the tenant's engine ahead of the store: it is broken until a
// rebuild from the store begins. The first rebuild after a failure is due
// at once; if the tenant's evaluations still do not commit (a store that
// keeps refusing them), each further rebuild waits longer: 1 s after the
// previous one ended, doubling up to 30 s. A rebuild reads the tenant's
// whole history and evaluates again all it could not commit, so rebuilding
// at each of its payments would spend the detector on a tenant that cannot
// make progress. A rebuild that could not reach the store is not counted
// (the caller does not report its end): once the store is back, the tenant
// is rebuilt at once, not after a wait that grew while it was down.
// Not thread-safe.
class RepairSchedule {
 public:
  static constexpr int64_t kFirstWaitMicros = 1'000'000;
  static constexpr int64_t kLongestWaitMicros = 30'000'000;

  // The tenant's evaluations failed to commit: it is broken.
  void failed(const std::string& tenant);
  // Its evaluations committed: it is neither broken nor behind any more,
  // and its next failure is rebuilt at once.
  void committed(const std::string& tenant) { tenants_.erase(tenant); }
  // A rebuild of the tenant begins: no longer broken (a failure meanwhile
  // breaks it again).
  void rebuilding(const std::string& tenant);
  // A rebuild of the tenant ended (or failed other than for want of the
  // store) at `now`: the next one waits.
  void rebuilt(const std::string& tenant, int64_t now);

  bool broken(const std::string& tenant) const;
  // Broken, and its wait (if any) over at `now`.
  bool due(const std::string& tenant, int64_t now) const;
  std::vector<std::string> broken_tenants() const;
  // Tenants between a failure and their next commit: their monitoring is
  // behind the payments stored.
  size_t behind() const { return tenants_.size(); }
  bool empty() const { return tenants_.empty(); }

 private:
  struct Tenant {
    bool broken = true;
    int64_t rebuilt_at = INT64_MIN;  // when the last rebuild ended; none yet
    int64_t wait = 0;                // after it, before the next one
  };
  std::map<std::string, Tenant> tenants_;
};

}  // namespace hafnium::services::monitoring
