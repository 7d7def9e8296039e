#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::monitoring {

// The `monitoring` target: transaction ingestion, windowed features, rules and alerts.
// It registers no routes yet: its domain arrives with its own issue.
class MonitoringModule : public TargetModule {
 public:
  MonitoringModule() : TargetModule("monitoring") {}
};

}  // namespace hafnium::services::monitoring
