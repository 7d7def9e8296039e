#pragma once

#include <functional>
#include <string>

#include "platform/http/router.h"
#include "platform/runtime/runtime.h"

namespace hafnium::services::monitoring {

// What the detector hears of a review: the tenant, the alert, its subject,
// and whether it is closed now.
using AlertStatusListener =
    std::function<void(const std::string& tenant, const std::string& alert_id, const std::string& subject, bool closed)>;

// GET /api/v1/alerts, GET /api/v1/alerts/{id}, POST /api/v1/alerts/{id}/status.
// `on_status(...)` runs after a status change commits.
void register_alert_routes(http::Router& router, runtime::Runtime& runtime, AlertStatusListener on_status);

}  // namespace hafnium::services::monitoring
