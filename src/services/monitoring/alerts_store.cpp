#include "services/monitoring/alerts_store.h"

#include <boost/json.hpp>
#include <algorithm>
#include <limits>
#include <map>

#include "platform/api/period.h"
#include "platform/store/filters.h"
#include "platform/store/row.h"
#include "platform/util/time.h"

namespace hafnium::services::monitoring {

std::vector<store::Migration> AlertsStore::migrations() {
  std::vector<std::string> ddl = {
      "CREATE TABLE monitoring_alerts (tenant_id TEXT NOT NULL, id TEXT NOT NULL, rule_id TEXT NOT NULL,"
      " subject_id TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT NOT NULL,"
      " raised_at BIGINT NOT NULL, window_until BIGINT NOT NULL, document TEXT NOT NULL, updated_at BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, id))",
      "CREATE INDEX monitoring_alerts_window ON monitoring_alerts (tenant_id, window_until)",
      "CREATE TABLE monitoring_evaluations (tenant_id TEXT NOT NULL, transaction_id TEXT NOT NULL,"
      " position BIGINT NOT NULL, PRIMARY KEY (tenant_id, transaction_id))",
      "CREATE INDEX monitoring_evaluations_order ON monitoring_evaluations (tenant_id, position)"};
  std::vector<std::string> by_time = {
      "CREATE INDEX monitoring_alerts_raised ON monitoring_alerts (tenant_id, raised_at, id)"};
  // Who changed an alert's status and when (updated_at also moves with
  // every later hit).
  std::vector<std::string> reviewed_by = {
      "ALTER TABLE monitoring_alerts ADD COLUMN status_changed_by TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE monitoring_alerts ADD COLUMN status_changed_at BIGINT NOT NULL DEFAULT 0"};
  // How a closed alert was resolved (AlertsStore::kResolutions), for the
  // rules' false-positive rates.
  std::vector<std::string> resolution = {
      "ALTER TABLE monitoring_alerts ADD COLUMN resolution TEXT NOT NULL DEFAULT ''"};
  // One account's alerts, one rule's alerts: what an investigation and a
  // rule's owner list (without them, a filter walked the tenant's every
  // alert in time order).
  std::vector<std::string> by_subject_and_rule = {
      "CREATE INDEX monitoring_alerts_subject ON monitoring_alerts (tenant_id, subject_id, raised_at, id)",
      "CREATE INDEX monitoring_alerts_rule ON monitoring_alerts (tenant_id, rule_id, raised_at, id)"};
  return {{5, "alerts and the detector's evaluation order", ddl, ddl},
          {9, "alerts listed newest first", by_time, by_time},
          {10, "who changed an alert's status, and when", reviewed_by, reviewed_by},
          {11, "how closed alerts were resolved", resolution, resolution},
          {12, "alerts listed by subject and by rule", by_subject_and_rule, by_subject_and_rule}};
}

std::string AlertsStore::document_of(const detection::Alert& alert) {
  return boost::json::serialize(detection::alert_to_json(alert));
}

// A later hit of an alert already stored changes its document only: the
// columns the indexes hold (rule, subject, times) stay as raised.
AlertsStore::Upserter::Upserter(soci::session& sql)
    : statement_((sql.prepare << "INSERT INTO monitoring_alerts (tenant_id, id, rule_id, subject_id, severity, status,"
                                 " status_reason, raised_at, window_until, document, updated_at)"
                                 " VALUES (:t, :id, :r, :s, :sv, :st, :sr, :ra, :wu, :d, :u)"
                                 " ON CONFLICT (tenant_id, id) DO UPDATE SET document = excluded.document,"
                                 " updated_at = excluded.updated_at",
                  soci::use(tenant_), soci::use(id_), soci::use(rule_), soci::use(subject_), soci::use(severity_),
                  soci::use(open_), soci::use(no_reason_), soci::use(raised_), soci::use(until_), soci::use(document_),
                  soci::use(at_))) {}

void AlertsStore::Upserter::upsert(const std::string& tenant_id, const detection::Alert& a, std::string document,
                                   int64_t now) {
  tenant_ = tenant_id;
  id_ = a.id;
  rule_ = a.rule_id;
  subject_ = a.subject_id;
  severity_ = a.severity;
  document_ = std::move(document);
  raised_ = a.raised_at;
  until_ = a.window_until;
  at_ = now;
  statement_.execute(true);
}

namespace {
constexpr const char* kColumns =
    "SELECT document, status, status_reason, updated_at, status_changed_by, status_changed_at, resolution"
    " FROM monitoring_alerts";

detection::Alert alert_from_document(const std::string& document) {
  auto o = boost::json::parse(document).as_object();
  detection::Alert a;
  a.id = std::string(o.at("id").as_string());
  a.rule_id = std::string(o.at("rule_id").as_string());
  a.rule_version = o.at("rule_version").as_int64();
  a.rule_name = std::string(o.at("rule_name").as_string());
  a.typology = std::string(o.at("typology").as_string());
  a.subject_id = std::string(o.at("subject").at("id").as_string());
  a.severity = std::string(o.at("severity").as_string());
  a.score = o.at("score").as_int64();
  a.raised_at = util::parse_rfc3339(std::string(o.at("raised_at").as_string())).value_or(0);
  a.window_until = util::parse_rfc3339(std::string(o.at("window_until").as_string())).value_or(0);
  a.explanation = std::string(o.at("explanation").as_string());
  for (const auto& id : o.at("transaction_ids").as_array()) a.transaction_ids.emplace_back(id.as_string());
  a.hits = o.at("hits").as_int64();
  return a;
}

StoredAlert from_row(const soci::row& row) {
  StoredAlert s;
  std::string document = store::get_string(row, 0);
  s.alert = alert_from_document(document);
  s.document = boost::json::parse(document).as_object();
  s.status = store::get_string(row, 1);
  s.status_reason = store::get_string(row, 2);
  s.updated_at = store::get_int64(row, 3);
  s.status_changed_by = store::get_string(row, 4);
  s.status_changed_at = store::get_int64(row, 5);
  s.resolution = store::get_string(row, 6);
  return s;
}
}  // namespace

std::optional<StoredAlert> AlertsStore::find(soci::session& sql, const std::string& tenant_id, const std::string& id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kColumns) + " WHERE tenant_id = :t AND id = :id", soci::use(tenant_id), soci::use(id));
  for (const auto& row : rows) {
    return from_row(row);
  }
  return std::nullopt;
}

std::string AlertsStore::Position::encode() const { return std::to_string(raised_at) + "/" + id; }

std::optional<AlertsStore::Position> AlertsStore::Position::decode(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  Position p;
  size_t consumed = 0;
  try {
    p.raised_at = std::stoll(text.substr(0, slash), &consumed);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (consumed != slash) return std::nullopt;
  p.id = text.substr(slash + 1);
  return p;
}

std::vector<StoredAlert> AlertsStore::list(soci::session& sql, const std::string& tenant_id, const Filter& f,
                                           const std::optional<Position>& after, size_t limit) {
  std::vector<StoredAlert> out;
  long long n = static_cast<long long>(limit);
  // Without a cursor the page starts after the newest possible position.
  long long after_time = after ? after->raised_at : std::numeric_limits<long long>::max();
  std::string after_id = after ? after->id : std::string();
  long long from = f.raised_from.value_or(std::numeric_limits<long long>::min());
  long long to = f.raised_to.value_or(std::numeric_limits<long long>::max());
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kColumns) + " WHERE tenant_id = :t" +
                          store::equals_if_given("subject_id", "sub", !f.subject_id.empty()) +
                          store::equals_if_given("rule_id", "r", !f.rule_id.empty()) +
                          store::equals_if_given("status", "s", !f.status.empty()) +
                          store::equals_if_given("severity", "sev", !f.severity.empty()) +
                          store::equals_if_given("resolution", "res", !f.resolution.empty()) +
                          " AND (raised_at < :at OR (raised_at = :at2 AND id < :id))"
                          " AND raised_at >= :from AND raised_at < :to"
                          " ORDER BY raised_at DESC, id DESC LIMIT :n",
       soci::use(tenant_id), soci::use(f.subject_id), soci::use(f.rule_id), soci::use(f.status), soci::use(f.severity),
       soci::use(f.resolution), soci::use(after_time), soci::use(after_time), soci::use(after_id), soci::use(from),
       soci::use(to), soci::use(n));
  for (const auto& row : rows) out.push_back(from_row(row));
  return out;
}

void AlertsStore::set_status(soci::session& sql, const std::string& tenant_id, const std::string& id,
                             const StatusChange& change, int64_t now) {
  long long at = now;
  sql << "UPDATE monitoring_alerts SET status = :s, status_reason = :r, resolution = :res, updated_at = :u,"
         " status_changed_by = :a, status_changed_at = :u2 WHERE tenant_id = :t AND id = :id",
      soci::use(change.status), soci::use(change.reason), soci::use(change.resolution), soci::use(at),
      soci::use(change.actor), soci::use(at), soci::use(tenant_id), soci::use(id);
}

bool AlertsStore::is_resolution(const std::string& text) {
  return std::find(std::begin(kResolutions), std::end(kResolutions), text) != std::end(kResolutions);
}

std::vector<AlertsStore::RuleOutcomes> AlertsStore::outcomes_by_rule(soci::session& sql, const std::string& tenant_id,
                                                                    int64_t from, int64_t to) {
  std::map<std::string, RuleOutcomes> by_rule;
  long long f = from, t = to;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT rule_id, status, resolution, COUNT(*), MIN(raised_at) FROM monitoring_alerts"
                      " WHERE tenant_id = :t AND raised_at >= :from AND raised_at < :to"
                      " GROUP BY rule_id, status, resolution",
       soci::use(tenant_id), soci::use(f), soci::use(t));
  for (const auto& row : rows) {
    auto& outcomes = by_rule[store::get_string(row, 0)];
    const int64_t n = store::get_int64(row, 3);
    outcomes.raised += n;
    if (store::get_string(row, 1) == "open") {
      outcomes.open += n;
      outcomes.oldest_open_raised_at = store::get_int64(row, 4);
    } else {
      outcomes.closed += n;
      outcomes.resolutions[store::get_string(row, 2)] += n;  // "" for alerts closed before resolutions
    }
  }
  std::vector<RuleOutcomes> out;
  for (auto& [rule_id, outcomes] : by_rule) {
    outcomes.rule_id = rule_id;
    out.push_back(std::move(outcomes));
  }
  return out;
}

std::vector<AlertsStore::Window> AlertsStore::open_windows(soci::session& sql, const std::string& tenant_id,
                                                           int64_t since) {
  std::vector<Window> out;
  long long s = since;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT document, status FROM monitoring_alerts WHERE tenant_id = :t AND window_until >= :s"
                      " ORDER BY raised_at",
       soci::use(tenant_id), soci::use(s));
  for (const auto& row : rows) {
    out.push_back({alert_from_document(store::get_string(row, 0)), store::get_string(row, 1) == "closed"});
  }
  return out;
}

boost::json::object stored_alert_to_json(const StoredAlert& s) {
  auto o = s.document;
  o["status"] = s.status;
  o["status_reason"] = s.status_reason;
  o["updated_at"] = util::format_rfc3339(s.updated_at);
  o["resolution"] = s.resolution.empty() ? boost::json::value(nullptr) : boost::json::value(s.resolution);
  // Null until an analyst changes the status.
  o["status_changed_by"] = s.status_changed_by.empty() ? boost::json::value(nullptr) : boost::json::value(s.status_changed_by);
  o["status_changed_at"] = api::time_or_null(s.status_changed_at);
  return o;
}

}  // namespace hafnium::services::monitoring
