#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::monitoring {

// The `monitoring` target: transaction ingestion (this far), then windowed
// features, rules and alerts (issue 4, in progress).
class MonitoringModule : public TargetModule {
 public:
  MonitoringModule() : TargetModule("monitoring") {}
  void register_routes(http::Router& router, runtime::Runtime& runtime) override;

 protected:
  std::vector<store::Migration> domain_migrations() const override;
};

}  // namespace hafnium::services::monitoring
