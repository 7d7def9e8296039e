#include "services/monitoring/rules_store.h"

#include <algorithm>

#include "platform/store/row.h"
#include "platform/util/time.h"

namespace hafnium::services::monitoring {

std::vector<store::Migration> RulesStore::migrations() {
  std::vector<std::string> ddl = {
      "CREATE TABLE monitoring_rules (tenant_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,"
      " condition TEXT NOT NULL, severity TEXT NOT NULL, score BIGINT NOT NULL, explanation TEXT NOT NULL,"
      " enabled INTEGER NOT NULL, version BIGINT NOT NULL, author TEXT NOT NULL, created_at BIGINT NOT NULL,"
      " updated_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, id))",
      "CREATE TABLE monitoring_rule_versions (tenant_id TEXT NOT NULL, rule_id TEXT NOT NULL, version BIGINT NOT NULL,"
      " name TEXT NOT NULL, condition TEXT NOT NULL, severity TEXT NOT NULL, score BIGINT NOT NULL,"
      " explanation TEXT NOT NULL, enabled INTEGER NOT NULL, author TEXT NOT NULL, created_at BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, rule_id, version))"};
  std::vector<std::string> placement;
  for (const char* table : {"monitoring_rules", "monitoring_rule_versions"}) {
    for (const char* column : {"typology TEXT NOT NULL DEFAULT 'custom'", "subject TEXT NOT NULL DEFAULT 'debtor'",
                               "suppression TEXT NOT NULL DEFAULT '24h'"}) {
      placement.push_back(std::string("ALTER TABLE ") + table + " ADD COLUMN " + column);
    }
  }
  return {{4, "rules and their versions", ddl, ddl},
          {8, "rules: typology, subject and suppression", placement, placement}};
}

namespace {
void insert_version(soci::session& sql, const std::string& tenant_id, const RuleRecord& r) {
  long long version = r.version, score = r.score, at = r.updated_at;
  int enabled = r.enabled ? 1 : 0;
  sql << "INSERT INTO monitoring_rule_versions (tenant_id, rule_id, version, name, condition, severity, score,"
         " explanation, enabled, author, created_at, typology, subject, suppression)"
         " VALUES (:t, :id, :v, :n, :c, :s, :sc, :e, :en, :a, :at, :ty, :su, :sp)",
      soci::use(tenant_id), soci::use(r.id), soci::use(version), soci::use(r.name), soci::use(r.condition),
      soci::use(r.severity), soci::use(score), soci::use(r.explanation), soci::use(enabled), soci::use(r.author),
      soci::use(at), soci::use(r.typology), soci::use(r.subject), soci::use(r.suppression);
}

RuleRecord from_row(const soci::row& row) {
  RuleRecord r;
  r.id = store::get_string(row, 0);
  r.name = store::get_string(row, 1);
  r.condition = store::get_string(row, 2);
  r.severity = store::get_string(row, 3);
  r.score = store::get_int64(row, 4);
  r.explanation = store::get_string(row, 5);
  r.enabled = store::get_int64(row, 6) != 0;
  r.version = store::get_int64(row, 7);
  r.author = store::get_string(row, 8);
  r.created_at = store::get_int64(row, 9);
  r.updated_at = store::get_int64(row, 10);
  r.typology = store::get_string(row, 11);
  r.subject = store::get_string(row, 12);
  r.suppression = store::get_string(row, 13);
  return r;
}
constexpr const char* kColumns =
    "SELECT id, name, condition, severity, score, explanation, enabled, version, author, created_at, updated_at,"
    " typology, subject, suppression FROM monitoring_rules";
// The same shape from the versions table (a version's time as both times).
constexpr const char* kVersionColumns =
    "SELECT rule_id, name, condition, severity, score, explanation, enabled, version, author,"
    " created_at, created_at, typology, subject, suppression FROM monitoring_rule_versions";
}  // namespace

void RulesStore::insert(soci::session& sql, const std::string& tenant_id, const RuleRecord& r) {
  long long version = r.version, score = r.score, created = r.created_at, updated = r.updated_at;
  int enabled = r.enabled ? 1 : 0;
  sql << "INSERT INTO monitoring_rules (tenant_id, id, name, condition, severity, score, explanation, enabled,"
         " version, author, created_at, updated_at, typology, subject, suppression)"
         " VALUES (:t, :id, :n, :c, :s, :sc, :e, :en, :v, :a, :ca, :ua, :ty, :su, :sp)",
      soci::use(tenant_id), soci::use(r.id), soci::use(r.name), soci::use(r.condition), soci::use(r.severity),
      soci::use(score), soci::use(r.explanation), soci::use(enabled), soci::use(version), soci::use(r.author),
      soci::use(created), soci::use(updated), soci::use(r.typology), soci::use(r.subject), soci::use(r.suppression);
  insert_version(sql, tenant_id, r);
}

void RulesStore::update(soci::session& sql, const std::string& tenant_id, const RuleRecord& r) {
  long long version = r.version, score = r.score, updated = r.updated_at;
  int enabled = r.enabled ? 1 : 0;
  sql << "UPDATE monitoring_rules SET name = :n, condition = :c, severity = :s, score = :sc, explanation = :e,"
         " enabled = :en, version = :v, author = :a, updated_at = :ua, typology = :ty, subject = :su,"
         " suppression = :sp WHERE tenant_id = :t AND id = :id",
      soci::use(r.name), soci::use(r.condition), soci::use(r.severity), soci::use(score), soci::use(r.explanation),
      soci::use(enabled), soci::use(version), soci::use(r.author), soci::use(updated), soci::use(r.typology),
      soci::use(r.subject), soci::use(r.suppression), soci::use(tenant_id), soci::use(r.id);
  insert_version(sql, tenant_id, r);
}

std::optional<RuleRecord> RulesStore::find(soci::session& sql, const std::string& tenant_id, const std::string& id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kColumns) + " WHERE tenant_id = :t AND id = :id", soci::use(tenant_id), soci::use(id));
  for (const auto& row : rows) return from_row(row);
  return std::nullopt;
}

std::vector<RuleRecord> RulesStore::list(soci::session& sql, const std::string& tenant_id, const std::string& after,
                                         size_t limit) {
  std::vector<RuleRecord> out;
  long long n = static_cast<long long>(limit);
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kColumns) + " WHERE tenant_id = :t AND id > :after ORDER BY id LIMIT :n",
       soci::use(tenant_id), soci::use(after), soci::use(n));
  for (const auto& row : rows) out.push_back(from_row(row));
  return out;
}

std::vector<RuleRecord> RulesStore::versions(soci::session& sql, const std::string& tenant_id, const std::string& id) {
  std::vector<RuleRecord> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kVersionColumns) + " WHERE tenant_id = :t AND rule_id = :id ORDER BY version",
       soci::use(tenant_id), soci::use(id));
  for (const auto& row : rows) out.push_back(from_row(row));
  return out;
}

void RulesStore::keep_replaced_pack_rule(soci::session& sql, const std::string& tenant_id, const RuleRecord& pack) {
  insert_version(sql, tenant_id, pack);
}

void RulesStore::note_pack_change(soci::session& sql, const std::string& tenant_id, RuleRecord& rule) {
  const auto* packed = find_pack_rule(rule.id);
  if (!packed) return;
  const RuleRecord now = pack_record(*packed);
  long long first = 1;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kVersionColumns) + " WHERE tenant_id = :t AND rule_id = :id AND version = :v",
       soci::use(tenant_id), soci::use(rule.id), soci::use(first));
  for (const auto& row : rows) {
    const RuleRecord replaced = from_row(row);
    if (replaced.author != kPackAuthor) return;  // not the pack's: unknown
    rule.pack_changed = replaced.name != now.name || replaced.condition != now.condition ||
                        replaced.severity != now.severity || replaced.score != now.score ||
                        replaced.explanation != now.explanation || replaced.enabled != now.enabled ||
                        replaced.typology != now.typology || replaced.subject != now.subject ||
                        replaced.suppression != now.suppression;
  }
}

std::optional<RuleRecord> RulesStore::effective(soci::session& sql, const std::string& tenant_id,
                                                const std::string& id) {
  if (auto stored = find(sql, tenant_id, id)) {
    note_pack_change(sql, tenant_id, *stored);
    return stored;
  }
  if (const auto* packed = find_pack_rule(id)) return pack_record(*packed);
  return std::nullopt;
}

const detection::RuleDefinition* find_pack_rule(const std::string& id) {
  for (const auto& r : detection::default_pack()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

RuleRecord pack_record(const detection::RuleDefinition& d) {
  RuleRecord r;
  r.id = d.id;
  r.name = d.name;
  r.condition = d.condition;
  r.severity = d.severity;
  r.explanation = d.explanation;
  r.typology = d.typology;
  r.subject = d.subject;
  r.suppression = d.suppression;
  r.score = d.score;
  r.enabled = d.enabled;
  r.version = d.version;
  r.author = kPackAuthor;
  return r;
}

boost::json::object rule_to_json(const RuleRecord& r) {
  auto time_or_null = [](int64_t micros) -> boost::json::value {
    if (micros == 0) return nullptr;  // the pack's own version: shipped, not written
    return boost::json::value(util::format_rfc3339(micros));
  };
  return {{"id", r.id},
          {"name", r.name},
          {"condition", r.condition},
          {"severity", r.severity},
          {"score", r.score},
          {"explanation", r.explanation},
          {"typology", r.typology},
          {"subject", r.subject},
          {"suppression", r.suppression},
          {"enabled", r.enabled},
          {"version", r.version},
          {"author", r.author},
          {"source", find_pack_rule(r.id) ? "default-pack" : "tenant"},
          {"pack_changed", r.pack_changed ? boost::json::value(*r.pack_changed) : boost::json::value(nullptr)},
          {"created_at", time_or_null(r.created_at)},
          {"updated_at", time_or_null(r.updated_at)}};
}

detection::RuleDefinition to_definition(const RuleRecord& r) {
  detection::RuleDefinition d;
  d.id = r.id;
  d.name = r.name;
  d.typology = r.typology;
  d.subject = r.subject;
  d.suppression = r.suppression;
  d.condition = r.condition;
  d.severity = r.severity;
  d.score = r.score;
  d.explanation = r.explanation;
  d.enabled = r.enabled;
  d.version = r.version;
  return d;
}

std::vector<detection::RuleDefinition> active_rule_definitions(soci::session& sql, const std::string& tenant_id) {
  std::vector<detection::RuleDefinition> definitions = detection::default_pack();
  const size_t pack = definitions.size();
  // Every rule of the tenant, page by page: a tenant with more rules than
  // one page must not lose the rest without a word.
  constexpr size_t kPage = 1'000;
  std::string after;
  for (;;) {
    auto page = RulesStore::list(sql, tenant_id, after, kPage);
    for (const auto& r : page) {
      // The tenant's version of a pack rule takes the pack rule's place;
      // only the pack's part is searched for it (a tenant may have
      // thousands of rules).
      const auto pack_end = definitions.begin() + static_cast<std::ptrdiff_t>(pack);
      auto packed = std::find_if(definitions.begin(), pack_end,
                                 [&](const detection::RuleDefinition& d) { return d.id == r.id; });
      if (packed != pack_end) {
        *packed = to_definition(r);
      } else {
        definitions.push_back(to_definition(r));
      }
    }
    if (page.size() < kPage) break;
    after = page.back().id;
  }
  return definitions;
}

}  // namespace hafnium::services::monitoring
