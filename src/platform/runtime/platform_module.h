#pragma once

#include "platform/runtime/module.h"

namespace hafnium::runtime {

// The runtime's own module: platform tables and the operational endpoints
// every process serves whatever its targets: /healthz, /readyz, /metrics.
class PlatformModule : public Module {
 public:
  std::string name() const override { return "platform"; }
  std::vector<store::Migration> migrations() const override;
  void register_routes(http::Router& router, Runtime& runtime) override;
  std::vector<HealthCheck> health_checks(Runtime& runtime) override;
};

}  // namespace hafnium::runtime
