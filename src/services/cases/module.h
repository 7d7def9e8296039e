#pragma once

#include "services/common/target_module.h"

namespace hafnium::services::cases {

// The `cases` target: investigations, evidence, SAR reports (later issues)
// and, from the start, the reading side of the audit trail. Every target
// writes audit records through platform/audit in its own transactions; the
// cases target serves them to auditors and offers AuditTrailClient to other
// targets.
class CasesModule : public TargetModule {
 public:
  CasesModule() : TargetModule("cases") {}
  void register_routes(http::Router& router, runtime::Runtime& runtime) override;
  void start(runtime::Runtime& runtime) override;
};

}  // namespace hafnium::services::cases
