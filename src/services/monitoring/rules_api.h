#pragma once

#include <functional>
#include <string>

#include "platform/http/router.h"
#include "platform/runtime/runtime.h"

namespace hafnium::services::monitoring {

//   GET  /api/v1/rules                   the tenant's rules (cursor pages)
//   POST /api/v1/rules                   create; a condition that does not compile is 400 with line and column
//   GET  /api/v1/rules/{id}              one rule, with its ETag
//   PUT  /api/v1/rules/{id}              replace (If-Match): a new version; enable/disable through `enabled`
//   GET  /api/v1/rules/{id}/versions     every version with its author and time
// `on_change(tenant)` runs after a rule change commits (the detector
// recompiles the tenant's rules).
void register_rule_routes(http::Router& router, runtime::Runtime& runtime,
                          std::function<void(const std::string&)> on_change);

}  // namespace hafnium::services::monitoring
