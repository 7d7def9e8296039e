#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::risk {

// The `risk` target: unified risk scores from rules and the ML model, with reason codes.
// It registers no routes yet: its domain arrives with its own issue.
class RiskModule : public TargetModule {
 public:
  RiskModule() : TargetModule("risk") {}
};

}  // namespace hafnium::services::risk
