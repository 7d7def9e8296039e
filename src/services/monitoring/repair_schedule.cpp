#include "services/monitoring/repair_schedule.h"

#include <algorithm>

namespace hafnium::services::monitoring {

bool RepairSchedule::due(const std::string& tenant, int64_t now) const {
  auto it = last_.find(tenant);
  return it == last_.end() || now >= it->second.ended + it->second.wait;
}

void RepairSchedule::rebuilt(const std::string& tenant, int64_t now) {
  auto [it, first] = last_.try_emplace(tenant, Rebuild{now, kFirstWaitMicros});
  if (!first) it->second = {now, std::min(it->second.wait * 2, kLongestWaitMicros)};
}

}  // namespace hafnium::services::monitoring
