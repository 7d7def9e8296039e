#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::screening {

// The `screening` target: watchlists, name matching, dispositions and ongoing re-screening.
// It registers no routes yet: its domain arrives with its own issue.
class ScreeningModule : public TargetModule {
 public:
  ScreeningModule() : TargetModule("screening") {}
};

}  // namespace hafnium::services::screening
