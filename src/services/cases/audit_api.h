#pragma once

#include <boost/json/object.hpp>

#include "platform/audit/audit_log.h"
#include "platform/http/router.h"
#include "platform/runtime/runtime.h"

namespace hafnium::services::cases {

// GET /api/v1/audit?actor=&action=&resource=&outcome=&from=&to=&limit=&cursor=
void register_audit_routes(http::Router& router, runtime::Runtime& runtime);
boost::json::object render_audit_record(const audit::AuditRecord& record);

}  // namespace hafnium::services::cases
