#include "platform/runtime/platform_schema.h"

namespace hafnium::runtime {

namespace {

// Most DDL is the same in both dialects; the differences are the outbox
// sequence (AUTOINCREMENT vs BIGSERIAL) and how the audit log refuses
// updates and deletes (SQLite triggers vs a PL/pgSQL trigger function).
store::Migration both(int version, std::string name, std::vector<std::string> common,
                      std::vector<std::string> sqlite_only, std::vector<std::string> postgres_only) {
  store::Migration m{version, std::move(name), common, common};
  m.sqlite.insert(m.sqlite.end(), sqlite_only.begin(), sqlite_only.end());
  m.postgres.insert(m.postgres.end(), postgres_only.begin(), postgres_only.end());
  return m;
}

std::string outbox_table(const char* sequence_column) {
  return std::string("CREATE TABLE outbox (seq ") + sequence_column +
         ", id TEXT NOT NULL UNIQUE,"
         " tenant_id TEXT NOT NULL, topic TEXT NOT NULL, event_key TEXT NOT NULL,"
         " event_type TEXT NOT NULL, payload TEXT NOT NULL, created_at BIGINT NOT NULL,"
         " published_at BIGINT)";
}

}  // namespace

std::vector<store::Migration> platform_migrations() {
  auto m1 = both(
      1, "tenants, api keys, outbox, consumers, dead letters",
      {
          "CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
          " created_at BIGINT NOT NULL)",
          "CREATE TABLE api_keys (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
          " name TEXT NOT NULL, roles TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,"
          " created_at BIGINT NOT NULL, revoked_at BIGINT, last_used_at BIGINT,"
          " version BIGINT NOT NULL DEFAULT 1)",
          "CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id)",
          "CREATE TABLE processed_events (consumer_group TEXT NOT NULL, event_id TEXT NOT NULL,"
          " tenant_id TEXT NOT NULL, processed_at BIGINT NOT NULL,"
          " PRIMARY KEY (consumer_group, event_id))",
          "CREATE TABLE dead_letters (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, topic TEXT NOT NULL,"
          " consumer_group TEXT NOT NULL, event_id TEXT NOT NULL, event_key TEXT NOT NULL,"
          " payload TEXT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL,"
          " failed_at BIGINT NOT NULL, replayed_at BIGINT)",
      },
      {outbox_table("INTEGER PRIMARY KEY AUTOINCREMENT"),
       "CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL"},
      {outbox_table("BIGSERIAL PRIMARY KEY"),
       "CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL"});

  auto m2 = both(
      2, "hash-chained audit log, idempotency keys",
      {
          "CREATE TABLE audit_log (tenant_id TEXT NOT NULL, seq BIGINT NOT NULL, id TEXT NOT NULL UNIQUE,"
          " occurred_at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
          " resource TEXT NOT NULL, outcome TEXT NOT NULL, purpose TEXT NOT NULL,"
          " trace_id TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL,"
          " PRIMARY KEY (tenant_id, seq))",
          "CREATE INDEX audit_log_time ON audit_log (tenant_id, occurred_at)",
          "CREATE TABLE audit_heads (tenant_id TEXT PRIMARY KEY, last_seq BIGINT NOT NULL,"
          " last_hash TEXT NOT NULL)",
          "CREATE TABLE idempotency_keys (tenant_id TEXT NOT NULL, idem_key TEXT NOT NULL,"
          " request_hash TEXT NOT NULL, state TEXT NOT NULL, response_status INTEGER,"
          " response_headers TEXT, response_body TEXT, created_at BIGINT NOT NULL,"
          " expires_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, idem_key))",
          "CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)",
      },
      // Append-only: the application never updates or deletes audit rows.
      {"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
       " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
       "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
       " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"},
      {"CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS"
       " $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
       "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
       " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"});

  // Retention sweeps delete by age; these keep them to index range scans.
  auto m3 = both(3, "indexes for retention sweeps",
                 {"CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL",
                  "CREATE INDEX processed_events_age ON processed_events (processed_at)"},
                 {}, {});
  // An auditor asks what happened to one resource (an alert, a match) and
  // what one actor did: without these, either filter read the tenant's
  // whole trail.
  auto m4 = both(4, "audit trail by resource and by actor",
                 {"CREATE INDEX audit_log_resource ON audit_log (tenant_id, resource, seq)",
                  "CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor, seq)"},
                 {}, {});
  // ...and what was done of one kind (every alert closed, every list
  // imported), often a rare action in a long trail.
  auto m5 = both(5, "audit trail by action",
                 {"CREATE INDEX audit_log_action ON audit_log (tenant_id, action, seq)"}, {}, {});
  // ...and what was refused or failed (outcome denied or failure): a few
  // rows among a tenant's successes, which the query read all of.
  auto m6 = both(6, "audit trail by outcome",
                 {"CREATE INDEX audit_log_outcome ON audit_log (tenant_id, outcome, seq)"}, {}, {});
  return {m1, m2, m3, m4, m5, m6};
}

}  // namespace hafnium::runtime
