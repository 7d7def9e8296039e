#pragma once

#include <memory>

#include "services/common/target_module.h"

namespace hafnium::services::monitoring {

class FeatureStore;

// The `monitoring` target: transaction ingestion and the sliding-window
// features fed by the `transactions` topic (issue 4, in progress: rules,
// alerts and typologies are not built yet).
class MonitoringModule : public TargetModule {
 public:
  MonitoringModule() : TargetModule("monitoring") {}
  void register_routes(http::Router& router, runtime::Runtime& runtime) override;
  void register_consumers(events::EventBus& bus, runtime::Runtime& runtime) override;
  void start(runtime::Runtime& runtime) override;

  FeatureStore& features() { return *features_; }

 protected:
  std::vector<store::Migration> domain_migrations() const override;

 private:
  void ensure_features(runtime::Runtime& runtime);
  std::shared_ptr<FeatureStore> features_;
};

}  // namespace hafnium::services::monitoring
