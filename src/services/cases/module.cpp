#include "services/cases/module.h"

#include "services/cases/audit_api.h"
#include "services/cases/audit_client.h"

namespace hafnium::services::cases {

void CasesModule::register_routes(http::Router& router, runtime::Runtime& runtime) {
  register_audit_routes(router, runtime);
}

void CasesModule::start(runtime::Runtime& runtime) {
  runtime.clients().provide_local<AuditTrailClient>("cases", make_local_audit_client(runtime.db_ptr()));
}

}  // namespace hafnium::services::cases
