#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::signals {

// The `signals` target: device and session signals and step-up decisions.
// It registers no routes yet: its domain arrives with its own issue.
class SignalsModule : public TargetModule {
 public:
  SignalsModule() : TargetModule("signals") {}
};

}  // namespace hafnium::services::signals
