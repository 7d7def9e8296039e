#pragma once

#include <memory>

#include "services/common/target_module.h"

namespace hafnium::services::monitoring {

class Detector;
class EvaluationGate;

// The `monitoring` target: transaction ingestion and the sliding-window
// features fed by the `transactions` topic, rules, and the detector that
// evaluates the default pack and the tenant's rules on the stream.
class MonitoringModule : public TargetModule {
 public:
  MonitoringModule() : TargetModule("monitoring") {}
  void register_routes(http::Router& router, runtime::Runtime& runtime) override;
  void register_consumers(events::EventBus& bus, runtime::Runtime& runtime) override;
  void start(runtime::Runtime& runtime) override;
  void stop() override;

  Detector& detector() { return *detector_; }

 protected:
  std::vector<store::Migration> domain_migrations() const override;

 private:
  void ensure_detector(runtime::Runtime& runtime);
  std::shared_ptr<Detector> detector_;
  std::shared_ptr<EvaluationGate> gate_;  // with the routes: holds ingestion back while the detector is behind
};

}  // namespace hafnium::services::monitoring
