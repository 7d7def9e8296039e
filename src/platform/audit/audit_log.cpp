#include "platform/audit/audit_log.h"

#include <stdexcept>

#include "platform/store/filters.h"
#include "platform/store/row.h"
#include "platform/util/crypto.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"

namespace hafnium::audit {

std::string AuditLog::compute_hash(const AuditRecord& r) {
  // Length-prefixed fields: no separator can be forged by a field's content.
  std::string canonical;
  auto field = [&](std::string_view value) {
    canonical += std::to_string(value.size());
    canonical.push_back(':');
    canonical.append(value);
    canonical.push_back(';');
  };
  field("v1");
  field(r.tenant_id);
  field(std::to_string(r.seq));
  field(r.id);
  field(std::to_string(r.occurred_at));
  field(r.actor);
  field(r.action);
  field(r.resource);
  field(r.outcome);
  field(r.purpose);
  field(r.trace_id);
  field(r.previous_hash);
  return util::sha256_hex(canonical);
}

AuditRecord AuditLog::append(soci::session& sql, store::Dialect dialect, const AuditEntry& entry) {
  if (entry.tenant_id.empty()) throw std::invalid_argument("audit record without tenant");
  // Make sure the head exists, then lock it. (SOCI binds by reference until
  // the statement runs: never bind a temporary.)
  const std::string genesis(kGenesisHash);
  sql << "INSERT INTO audit_heads (tenant_id, last_seq, last_hash) VALUES (:t, 0, :h)"
         " ON CONFLICT (tenant_id) DO NOTHING",
      soci::use(entry.tenant_id), soci::use(genesis);
  long long last_seq = 0;
  std::string last_hash;
  std::string select = "SELECT last_seq, last_hash FROM audit_heads WHERE tenant_id = :t";
  if (dialect == store::Dialect::kPostgres) select += " FOR UPDATE";
  sql << select, soci::use(entry.tenant_id), soci::into(last_seq), soci::into(last_hash);

  AuditRecord record;
  static_cast<AuditEntry&>(record) = entry;
  record.seq = last_seq + 1;
  record.id = util::uuid_v7();
  record.occurred_at = util::now_micros();
  record.previous_hash = last_hash;
  record.hash = compute_hash(record);

  long long seq = record.seq;
  long long at = record.occurred_at;
  sql << "INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor, action, resource,"
         " outcome, purpose, trace_id, previous_hash, hash) VALUES (:tenant, :seq, :id, :at,"
         " :actor, :action, :resource, :outcome, :purpose, :trace, :prev, :hash)",
      soci::use(record.tenant_id), soci::use(seq), soci::use(record.id), soci::use(at),
      soci::use(record.actor), soci::use(record.action), soci::use(record.resource),
      soci::use(record.outcome), soci::use(record.purpose), soci::use(record.trace_id),
      soci::use(record.previous_hash), soci::use(record.hash);
  sql << "UPDATE audit_heads SET last_seq = :seq, last_hash = :hash WHERE tenant_id = :t",
      soci::use(seq), soci::use(record.hash), soci::use(record.tenant_id);
  return record;
}

AuditRecord AuditLog::append(store::Database& db, const AuditEntry& entry) {
  return db.write([&](soci::session& sql) { return append(sql, db.dialect(), entry); });
}

namespace {
constexpr const char* kColumns =
    "SELECT tenant_id, seq, id, occurred_at, actor, action, resource, outcome, purpose, trace_id,"
    " previous_hash, hash FROM audit_log";

AuditRecord from_row(const soci::row& row) {
  AuditRecord r;
  r.tenant_id = store::get_string(row, 0);
  r.seq = store::get_int64(row, 1);
  r.id = store::get_string(row, 2);
  r.occurred_at = store::get_int64(row, 3);
  r.actor = store::get_string(row, 4);
  r.action = store::get_string(row, 5);
  r.resource = store::get_string(row, 6);
  r.outcome = store::get_string(row, 7);
  r.purpose = store::get_string(row, 8);
  r.trace_id = store::get_string(row, 9);
  r.previous_hash = store::get_string(row, 10);
  r.hash = store::get_string(row, 11);
  return r;
}
}  // namespace

std::vector<AuditRecord> AuditLog::query(store::Database& db, const AuditQuery& q) {
  if (q.tenant_id.empty()) throw std::invalid_argument("audit query without tenant");
  return db.read([&](soci::session& sql) {
    // A given filter is an equality the planner can take to an index
    // (resource, actor); an absent one binds its empty value all the same.
    std::string where = " WHERE tenant_id = :tenant";
    where += store::equals_if_given("actor", "actor", !q.actor.empty());
    where += store::equals_if_given("action", "action", !q.action.empty());
    where += store::equals_if_given("resource", "resource", !q.resource.empty());
    where += store::equals_if_given("outcome", "outcome", !q.outcome.empty());
    where += " AND occurred_at >= :from AND occurred_at <= :to AND seq > :after";
    long long from = q.from.value_or(0);
    long long to = q.to.value_or(INT64_MAX);
    long long after = q.after_seq.value_or(0);
    long long limit = static_cast<long long>(q.limit);
    std::vector<AuditRecord> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kColumns) + where + " ORDER BY seq LIMIT :limit",
         soci::use(q.tenant_id), soci::use(q.actor), soci::use(q.action), soci::use(q.resource),
         soci::use(q.outcome), soci::use(from), soci::use(to), soci::use(after), soci::use(limit));
    for (const auto& row : rows) out.push_back(from_row(row));
    return out;
  });
}

VerifyResult AuditLog::verify(store::Database& db, const std::string& tenant_id) {
  VerifyResult result;
  db.read([&](soci::session& sql) {
    std::vector<std::pair<std::string, std::pair<int64_t, std::string>>> heads;
    {
      soci::rowset<soci::row> rows = sql.prepare
          << "SELECT tenant_id, last_seq, last_hash FROM audit_heads ORDER BY tenant_id";
      for (const auto& row : rows) {
        std::string tenant = store::get_string(row, 0);
        if (!tenant_id.empty() && tenant != tenant_id) continue;
        heads.push_back({tenant, {store::get_int64(row, 1), store::get_string(row, 2)}});
      }
    }
    for (const auto& [tenant, head] : heads) {
      ++result.tenants_checked;
      int64_t expected_seq = 1;
      std::string previous(kGenesisHash);
      soci::rowset<soci::row> rows =
          (sql.prepare << std::string(kColumns) + " WHERE tenant_id = :t ORDER BY seq",
           soci::use(tenant));
      for (const auto& row : rows) {
        AuditRecord record = from_row(row);
        ++result.records_checked;
        std::string where = "tenant " + tenant + ", record seq " + std::to_string(record.seq) +
                            " (id " + record.id + ")";
        if (record.seq != expected_seq) {
          result.ok = false;
          result.problem = record.seq > expected_seq
                               ? "record seq " + std::to_string(expected_seq) + " of tenant " +
                                     tenant + " was removed (next present: seq " +
                                     std::to_string(record.seq) + ")"
                               : where + " is out of order";
          return;
        }
        if (record.previous_hash != previous) {
          result.ok = false;
          result.problem = where + " does not link to its predecessor (reordered or predecessor altered)";
          return;
        }
        if (compute_hash(record) != record.hash) {
          result.ok = false;
          result.problem = where + " was altered (hash mismatch)";
          return;
        }
        previous = record.hash;
        ++expected_seq;
      }
      if (expected_seq - 1 != head.first || previous != head.second) {
        result.ok = false;
        result.problem = "tenant " + tenant + ": chain ends at seq " +
                         std::to_string(expected_seq - 1) + " but the head records seq " +
                         std::to_string(head.first) + " (newest records removed)";
        return;
      }
    }
  });
  return result;
}

}  // namespace hafnium::audit
