#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/audit/audit_log.h"
#include "platform/clients/http_client.h"
#include "platform/store/database.h"

namespace hafnium::services::cases {

struct AuditPage {
  std::vector<audit::AuditRecord> items;
  std::optional<std::string> next_cursor;
};

struct AuditFilter {
  std::string actor, action, resource, outcome;
  std::string from, to;  // RFC 3339
  std::string cursor;
  size_t limit = 50;
};

// The cases target's client for the audit trail, as other targets see it.
// In one process it reads the store directly; across processes it calls
// GET /api/v1/audit on the cases deployment with the caller's credential,
// so the peer applies the same authorization and tenant filter.
class AuditTrailClient {
 public:
  virtual ~AuditTrailClient() = default;
  virtual AuditPage list(const std::string& tenant_id, const AuditFilter& filter,
                         const clients::CallContext& context) = 0;
};

std::shared_ptr<AuditTrailClient> make_local_audit_client(std::shared_ptr<store::Database> db);
std::shared_ptr<AuditTrailClient> make_http_audit_client(std::shared_ptr<clients::HttpClient> http);

// Shared by the route and the local client: runs the filter for a tenant.
// Throws a validation ApiError for bad filter values.
AuditPage query_audit(store::Database& db, const std::string& tenant_id, const AuditFilter& filter);

}  // namespace hafnium::services::cases
