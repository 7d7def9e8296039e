#include "services/monitoring/repair_schedule.h"

#include <algorithm>

namespace hafnium::services::monitoring {

void RepairSchedule::failed(const std::string& tenant) { tenants_[tenant].broken = true; }

void RepairSchedule::rebuilding(const std::string& tenant) {
  if (auto it = tenants_.find(tenant); it != tenants_.end()) it->second.broken = false;
}

void RepairSchedule::rebuilt(const std::string& tenant, int64_t now) {
  // A tenant whose evaluations committed during the rebuild is gone, and
  // stays gone: it is not behind.
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  it->second.rebuilt_at = now;
  it->second.wait = it->second.wait == 0 ? kFirstWaitMicros : std::min(it->second.wait * 2, kLongestWaitMicros);
}

bool RepairSchedule::broken(const std::string& tenant) const {
  auto it = tenants_.find(tenant);
  return it != tenants_.end() && it->second.broken;
}

bool RepairSchedule::due(const std::string& tenant, int64_t now) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end() || !it->second.broken) return false;
  return it->second.wait == 0 || now >= it->second.rebuilt_at + it->second.wait;
}

std::vector<std::string> RepairSchedule::broken_tenants() const {
  std::vector<std::string> out;
  for (const auto& [tenant, state] : tenants_) {
    if (state.broken) out.push_back(tenant);
  }
  return out;
}

}  // namespace hafnium::services::monitoring
