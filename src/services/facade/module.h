#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::facade {

// The `facade` target: the front door. Authentication, rate limits and
// idempotency keys run in the shared request pipeline of every process; the
// facade adds the routes that belong to no domain target: who am I, the
// OpenAPI document, and a tenant's API keys.
class FacadeModule : public TargetModule {
 public:
  FacadeModule() : TargetModule("facade") {}
  void register_routes(http::Router& router, runtime::Runtime& runtime) override;
};

}  // namespace hafnium::services::facade
