#include "platform/store/migrations.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "platform/util/time.h"

namespace hafnium::store {
namespace {

// Concurrent migrators (servers starting together on one store) take
// turns across processes, each for one transaction.
constexpr long long kMigrationLock = 7342001;

void ensure_table(Database& db) {
  db.write([&](soci::session& sql) {
    // CREATE TABLE IF NOT EXISTS is not safe against a concurrent one on
    // PostgreSQL (the loser fails on the catalog's unique index).
    if (db.dialect() == Dialect::kPostgres) sql << "SELECT pg_advisory_xact_lock(" << kMigrationLock << ")";
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
           " target TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
           " applied_at BIGINT NOT NULL, PRIMARY KEY (target, version))";
  });
}

std::set<int> applied_versions(soci::session& sql, const std::string& target) {
  std::set<int> versions;
  soci::rowset<int> rows = (sql.prepare << "SELECT version FROM schema_migrations WHERE target = :t",
                            soci::use(target));
  for (int v : rows) versions.insert(v);
  return versions;
}

}  // namespace

std::vector<int> pending_migrations(Database& db, const std::string& target,
                                    const std::vector<Migration>& migrations) {
  std::vector<int> pending;
  bool has_table = db.read([&](soci::session& sql) {
    int count = 0;
    if (db.dialect() == Dialect::kSqlite) {
      sql << "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'",
          soci::into(count);
    } else {
      sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
             " AND table_name = 'schema_migrations'",
          soci::into(count);
    }
    return count > 0;
  });
  std::set<int> applied;
  if (has_table) applied = db.read([&](soci::session& sql) { return applied_versions(sql, target); });
  for (const auto& m : migrations) {
    if (!applied.contains(m.version)) pending.push_back(m.version);
  }
  return pending;
}

std::vector<AppliedMigration> apply_migrations(Database& db, const std::string& target,
                                               const std::vector<Migration>& migrations) {
  ensure_table(db);
  std::vector<Migration> ordered = migrations;
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  std::vector<AppliedMigration> applied;
  for (const auto& migration : ordered) {
    bool done = db.write([&](soci::session& sql) {
      if (db.dialect() == Dialect::kPostgres) sql << "SELECT pg_advisory_xact_lock(" << kMigrationLock << ")";
      if (applied_versions(sql, target).contains(migration.version)) return false;
      const auto& statements =
          db.dialect() == Dialect::kSqlite ? migration.sqlite : migration.postgres;
      for (const auto& statement : statements) sql << statement;
      long long now = util::now_micros();
      sql << "INSERT INTO schema_migrations (target, version, name, applied_at)"
             " VALUES (:target, :version, :name, :at)",
          soci::use(target), soci::use(migration.version), soci::use(migration.name),
          soci::use(now);
      return true;
    });
    if (done) applied.push_back({target, migration.version, migration.name});
  }
  return applied;
}

}  // namespace hafnium::store
