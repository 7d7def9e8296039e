#include "services/monitoring/repair_schedule.h"

#include <algorithm>

namespace hafnium::services::monitoring {

bool RepairSchedule::may_rebuild(const std::string& tenant, int64_t now) {
  auto [it, first] = attempts_.try_emplace(tenant, Attempt{now, kFirstWaitMicros});
  if (first) return true;
  Attempt& last = it->second;
  if (now < last.at + last.wait) return false;
  last = {now, std::min(last.wait * 2, kLongestWaitMicros)};
  return true;
}

}  // namespace hafnium::services::monitoring
