#pragma once

#include <optional>
#include <soci/soci.h>
#include <string>
#include <vector>

#include "platform/store/database.h"

namespace hafnium::audit {

// What happened, as the caller states it. Personal data never goes in here:
// resources are named by type and id, not by content.
struct AuditEntry {
  std::string tenant_id;
  std::string actor;     // "api-key:<id>", "user:<sub>", "cli:<os user>", "system"
  std::string action;    // the action name, e.g. "tenants.api_keys.create"
  std::string resource;  // "<type>/<id>"
  std::string outcome;   // "success", "denied", "failure"
  std::string purpose;   // why, when the caller gives a reason
  std::string trace_id;
};

struct AuditRecord : AuditEntry {
  int64_t seq = 0;       // 1, 2, 3 ... per tenant
  std::string id;
  int64_t occurred_at = 0;
  std::string previous_hash;
  std::string hash;
};

struct AuditQuery {
  std::string tenant_id;  // required: the caller's tenant
  std::string actor, action, resource, outcome;
  std::optional<int64_t> from, to;  // occurred_at bounds, micros
  std::optional<int64_t> after_seq;  // cursor
  size_t limit = 50;
};

struct VerifyResult {
  bool ok = true;
  size_t records_checked = 0;
  size_t tenants_checked = 0;
  std::string problem;  // names the first record that was altered, removed or reordered
};

// An append-only, hash-chained audit trail, one chain per tenant. Each
// record's hash covers its fields, its sequence number and the previous
// record's hash, so editing, deleting or reordering any record breaks the
// chain from that point; the per-tenant head (last seq and hash) catches
// removal of the newest records. UPDATE and DELETE are refused by triggers.
class AuditLog {
 public:
  // Appends inside the caller's transaction, so the record commits if and
  // only if the change it records commits. Serialised per tenant by the
  // head row (SELECT ... FOR UPDATE on PostgreSQL, the write lock on SQLite).
  static AuditRecord append(soci::session& sql, store::Dialect dialect, const AuditEntry& entry);
  // Convenience: appends in a transaction of its own.
  static AuditRecord append(store::Database& db, const AuditEntry& entry);

  static std::vector<AuditRecord> query(store::Database& db, const AuditQuery& query);
  static VerifyResult verify(store::Database& db, const std::string& tenant_id = "");

  static std::string compute_hash(const AuditRecord& record);
  static constexpr std::string_view kGenesisHash =
      "0000000000000000000000000000000000000000000000000000000000000000";
};

}  // namespace hafnium::audit
