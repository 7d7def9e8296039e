#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::identity {

// The `identity` target: customers (persons, businesses), the KYC workflow, documents and beneficial ownership.
// It registers no routes yet: its domain arrives with its own issue.
class IdentityModule : public TargetModule {
 public:
  IdentityModule() : TargetModule("identity") {}
};

}  // namespace hafnium::services::identity
