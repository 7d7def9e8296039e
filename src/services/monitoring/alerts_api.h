#pragma once

#include "platform/http/router.h"
#include "platform/runtime/runtime.h"

namespace hafnium::services::monitoring {

// GET /api/v1/alerts, GET /api/v1/alerts/{id}, POST /api/v1/alerts/{id}/status.
void register_alert_routes(http::Router& router, runtime::Runtime& runtime);

}  // namespace hafnium::services::monitoring
