#pragma once

#include <memory>

#include "platform/http/router.h"
#include "platform/runtime/runtime.h"
#include "services/screening/service.h"

namespace hafnium::services::screening {

//   GET  /api/v1/screening/lists                        active list versions
//   POST /api/v1/screening/lists/{source}/versions      import a tenant list (custom:<name>, CSV body)
//   POST /api/v1/screening/checks                       screen one party
//   POST /api/v1/screening/checks:batch                 screen up to 10,000 parties
//   GET  /api/v1/screening/checks/{id}                  a stored check
//   POST /api/v1/screening/matches/{id}/disposition     true match / false positive
void register_screening_routes(http::Router& router, runtime::Runtime& runtime,
                               std::shared_ptr<ScreeningService> service);

inline constexpr size_t kMaxBatch = 10'000;

}  // namespace hafnium::services::screening
