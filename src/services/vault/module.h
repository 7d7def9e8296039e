#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::vault {

// The `vault` target: tokenization, envelope encryption, keys and crypto-shredding.
// It registers no routes yet: its domain arrives with its own issue.
class VaultModule : public TargetModule {
 public:
  VaultModule() : TargetModule("vault") {}
};

}  // namespace hafnium::services::vault
