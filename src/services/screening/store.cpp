#include "services/screening/store.h"

#include <boost/json.hpp>
#include <map>

#include "platform/store/filters.h"
#include "platform/store/row.h"
#include "platform/store/transaction_lock.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"
#include "services/screening/domain/entity_json.h"

namespace hafnium::services::screening {

std::vector<store::Migration> ScreeningStore::migrations() {
  std::vector<std::string> ddl = {
      "CREATE TABLE screening_list_versions (tenant_id TEXT NOT NULL, id TEXT NOT NULL, source TEXT NOT NULL,"
      " version BIGINT NOT NULL, status TEXT NOT NULL, list_date TEXT NOT NULL, entity_count BIGINT NOT NULL,"
      " added BIGINT NOT NULL, removed BIGINT NOT NULL, changed BIGINT NOT NULL, imported_at BIGINT NOT NULL,"
      " actor TEXT NOT NULL, PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, source, version))",
      "CREATE TABLE screening_list_entities (tenant_id TEXT NOT NULL, version_id TEXT NOT NULL,"
      " entity_id TEXT NOT NULL, fingerprint TEXT NOT NULL, document TEXT NOT NULL,"
      " PRIMARY KEY (tenant_id, version_id, entity_id))",
      "CREATE TABLE screening_checks (tenant_id TEXT NOT NULL, id TEXT NOT NULL, party_key TEXT NOT NULL,"
      " status TEXT NOT NULL, document TEXT NOT NULL, actor TEXT NOT NULL, created_at BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, id))",
      "CREATE TABLE screening_matches (tenant_id TEXT NOT NULL, id TEXT NOT NULL, check_id TEXT NOT NULL,"
      " party_key TEXT NOT NULL, list TEXT NOT NULL, entity_id TEXT NOT NULL, fingerprint TEXT NOT NULL,"
      " score DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, PRIMARY KEY (tenant_id, id))",
      "CREATE TABLE screening_dispositions (tenant_id TEXT NOT NULL, id TEXT NOT NULL, match_id TEXT NOT NULL,"
      " party_key TEXT NOT NULL, list TEXT NOT NULL, entity_id TEXT NOT NULL, fingerprint TEXT NOT NULL,"
      " decision TEXT NOT NULL, reason TEXT NOT NULL, actor TEXT NOT NULL, created_at BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, id))",
      "CREATE INDEX screening_dispositions_party ON screening_dispositions (tenant_id, party_key)",
      "CREATE TABLE screening_parties (tenant_id TEXT NOT NULL, party_key TEXT NOT NULL, party TEXT NOT NULL,"
      " updated_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, party_key))",
      "CREATE TABLE screening_party_hits (tenant_id TEXT NOT NULL, party_key TEXT NOT NULL, list TEXT NOT NULL,"
      " entity_id TEXT NOT NULL, fingerprint TEXT NOT NULL,"
      " PRIMARY KEY (tenant_id, party_key, list, entity_id, fingerprint))",
  };
  std::vector<std::string> queue = {
      "CREATE INDEX screening_matches_queue ON screening_matches (tenant_id, status, id)"};
  std::vector<std::string> by_party = {
      "CREATE INDEX screening_checks_party ON screening_checks (tenant_id, party_key, id)"};
  // A check's matches and their decisions, read whenever a check is shown.
  std::vector<std::string> reviews = {
      "CREATE INDEX screening_matches_check ON screening_matches (tenant_id, check_id)",
      "CREATE INDEX screening_dispositions_match ON screening_dispositions (tenant_id, match_id)"};
  // A hit's copies (the same party and list entry in several checks):
  // the open queue lists one, a decision answers all.
  std::vector<std::string> by_hit = {
      "CREATE INDEX screening_matches_hit ON screening_matches"
      " (tenant_id, party_key, list, entity_id, fingerprint, status)"};
  // Re-screening owed after each list version (RescreenJobs): the job with
  // its cursor and lease, and each tenant's share of its counts.
  std::vector<std::string> rescreens = {
      "CREATE TABLE screening_rescreens (version_id TEXT NOT NULL PRIMARY KEY, scope TEXT NOT NULL,"
      " source TEXT NOT NULL, version BIGINT NOT NULL, actor TEXT NOT NULL, trace_id TEXT NOT NULL,"
      " status TEXT NOT NULL, after_tenant TEXT NOT NULL, after_key TEXT NOT NULL,"
      " parties_screened BIGINT NOT NULL, hits_raised BIGINT NOT NULL, created_at BIGINT NOT NULL,"
      " started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL, lease_owner TEXT NOT NULL,"
      " lease_until BIGINT NOT NULL)",
      "CREATE INDEX screening_rescreens_unfinished ON screening_rescreens (status, created_at)",
      "CREATE TABLE screening_rescreen_tenants (version_id TEXT NOT NULL, tenant_id TEXT NOT NULL,"
      " parties_screened BIGINT NOT NULL, hits_raised BIGINT NOT NULL, PRIMARY KEY (version_id, tenant_id))"};
  // A re-screening whose pages keep failing steps aside for a while
  // (RescreenJobs::fail) instead of holding up every later one.
  std::vector<std::string> retries = {
      "ALTER TABLE screening_rescreens ADD COLUMN failures BIGINT NOT NULL DEFAULT 0",
      "ALTER TABLE screening_rescreens ADD COLUMN retry_at BIGINT NOT NULL DEFAULT 0",
      "ALTER TABLE screening_rescreens ADD COLUMN last_error TEXT NOT NULL DEFAULT ''"};
  // A re-screening made redundant by a later version's (RescreenJobs::claim).
  std::vector<std::string> superseded = {
      "ALTER TABLE screening_rescreens ADD COLUMN superseded_by TEXT NOT NULL DEFAULT ''"};
  return {{2, "screening lists, checks, matches, dispositions, ongoing screening", ddl, ddl},
          {3, "screening matches queued by status", queue, queue},
          {4, "screening checks listed by party", by_party, by_party},
          {5, "screening re-screening jobs", rescreens, rescreens},
          {6, "screening matches and decisions by check", reviews, reviews},
          {7, "screening matches by hit", by_hit, by_hit},
          {8, "screening re-screening retries", retries, retries},
          {9, "screening re-screenings superseded by a later version", superseded, superseded}};
}

namespace {
ListVersion version_from(const soci::row& row) {
  ListVersion v;
  v.tenant_id = store::get_string(row, 0);
  v.id = store::get_string(row, 1);
  v.source = store::get_string(row, 2);
  v.version = store::get_int64(row, 3);
  v.status = store::get_string(row, 4);
  v.list_date = store::get_string(row, 5);
  v.entity_count = store::get_int64(row, 6);
  v.added = store::get_int64(row, 7);
  v.removed = store::get_int64(row, 8);
  v.changed = store::get_int64(row, 9);
  v.imported_at = store::get_int64(row, 10);
  v.actor = store::get_string(row, 11);
  return v;
}
constexpr const char* kVersionColumns =
    "SELECT tenant_id, id, source, version, status, list_date, entity_count, added, removed, changed,"
    " imported_at, actor FROM screening_list_versions";
}  // namespace

void ScreeningStore::lock_source(soci::session& sql, const std::string& tenant_id, const std::string& source) {
  store::lock_for_transaction(sql, db_.dialect(), "screening.lists\x1f" + tenant_id + '\x1f' + source);
}

bool ScreeningStore::has_active(soci::session& sql, const std::string& tenant_id, const std::string& source) {
  long long count = 0;
  sql << "SELECT COUNT(*) FROM screening_list_versions WHERE tenant_id = :t AND source = :s AND status = 'active'",
      soci::use(tenant_id), soci::use(source), soci::into(count);
  return count > 0;
}

ListVersion ScreeningStore::activate(soci::session& sql, const std::string& tenant_id,
                                     const std::string& source, const std::string& list_date,
                                     const std::vector<WatchlistEntity>& entities,
                                     const std::string& actor) {
  lock_source(sql, tenant_id, source);
  // The active version and its fingerprints, for the diff.
  std::optional<ListVersion> previous;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kVersionColumns) +
                            " WHERE tenant_id = :t AND source = :s AND status = 'active'",
         soci::use(tenant_id), soci::use(source));
    for (const auto& row : rows) previous = version_from(row);
  }
  std::map<std::string, std::string> old_fingerprints;
  if (previous) {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT entity_id, fingerprint FROM screening_list_entities"
                        " WHERE tenant_id = :t AND version_id = :v",
         soci::use(tenant_id), soci::use(previous->id));
    for (const auto& row : rows) old_fingerprints[store::get_string(row, 0)] = store::get_string(row, 1);
  }
  ListVersion v;
  v.tenant_id = tenant_id;
  v.id = util::uuid_v7();
  v.source = source;
  v.version = previous ? previous->version + 1 : 1;
  v.status = "active";
  v.list_date = list_date;
  v.entity_count = static_cast<int64_t>(entities.size());
  v.imported_at = util::now_micros();
  v.actor = actor;
  std::string entity_id, fingerprint, document;
  soci::statement insert =
      (sql.prepare << "INSERT INTO screening_list_entities (tenant_id, version_id, entity_id, fingerprint, document)"
                      " VALUES (:t, :v, :e, :f, :d)",
       soci::use(tenant_id), soci::use(v.id), soci::use(entity_id), soci::use(fingerprint), soci::use(document));
  std::set<std::string> seen;
  for (const auto& e : entities) {
    if (!seen.insert(e.id).second) continue;  // lists occasionally repeat an entry
    entity_id = e.id;
    fingerprint = e.fingerprint();
    document = boost::json::serialize(entity_to_json(e));
    insert.execute(true);
    auto it = old_fingerprints.find(e.id);
    if (it == old_fingerprints.end()) ++v.added;
    else if (it->second != fingerprint) ++v.changed;
  }
  for (const auto& [id, fp] : old_fingerprints) {
    if (!seen.contains(id)) ++v.removed;
  }
  v.entity_count = static_cast<int64_t>(seen.size());
  if (previous) {
    sql << "UPDATE screening_list_versions SET status = 'superseded' WHERE tenant_id = :t AND id = :id",
        soci::use(tenant_id), soci::use(previous->id);
    // Entities of superseded versions are not kept: the diff and counts are.
    sql << "DELETE FROM screening_list_entities WHERE tenant_id = :t AND version_id = :v",
        soci::use(tenant_id), soci::use(previous->id);
  }
  long long version = v.version, count = v.entity_count, added = v.added, removed = v.removed,
            changed = v.changed, at = v.imported_at;
  sql << "INSERT INTO screening_list_versions (tenant_id, id, source, version, status, list_date, entity_count,"
         " added, removed, changed, imported_at, actor) VALUES (:t, :id, :s, :v, 'active', :d, :n, :a, :r, :c, :at, :actor)",
      soci::use(tenant_id), soci::use(v.id), soci::use(source), soci::use(version), soci::use(v.list_date),
      soci::use(count), soci::use(added), soci::use(removed), soci::use(changed), soci::use(at), soci::use(actor);
  return v;
}

std::vector<ListVersion> ScreeningStore::active_versions(const std::string& tenant_id) {
  return db_.read([&](soci::session& sql) {
    std::vector<ListVersion> out;
    if (tenant_id.empty()) {
      soci::rowset<soci::row> rows = sql.prepare << std::string(kVersionColumns) + " WHERE status = 'active' ORDER BY source";
      for (const auto& row : rows) out.push_back(version_from(row));
    } else {
      std::string shared = kSharedLists;
      soci::rowset<soci::row> rows =
          (sql.prepare << std::string(kVersionColumns) +
                              " WHERE status = 'active' AND tenant_id IN (:shared, :t) ORDER BY source",
           soci::use(shared), soci::use(tenant_id));
      for (const auto& row : rows) out.push_back(version_from(row));
    }
    return out;
  });
}

std::vector<WatchlistEntity> ScreeningStore::entities_of(const ListVersion& version) {
  return db_.read([&](soci::session& sql) {
    std::vector<WatchlistEntity> out;
    out.reserve(static_cast<size_t>(version.entity_count));
    soci::rowset<std::string> rows =
        (sql.prepare << "SELECT document FROM screening_list_entities WHERE tenant_id = :t AND version_id = :v",
         soci::use(version.tenant_id), soci::use(version.id));
    for (const auto& document : rows) out.push_back(entity_from_json(boost::json::parse(document)));
    return out;
  });
}

std::optional<std::string> ScreeningStore::check_document(const std::string& tenant_id, const std::string& id) {
  return db_.read([&](soci::session& sql) -> std::optional<std::string> {
    std::string document;
    soci::indicator ind;
    sql << "SELECT document FROM screening_checks WHERE tenant_id = :t AND id = :id", soci::use(tenant_id),
        soci::use(id), soci::into(document, ind);
    if (!sql.got_data()) return std::nullopt;
    return document;
  });
}

std::vector<std::pair<std::string, std::string>> ScreeningStore::list_checks(const std::string& tenant_id,
                                                                             const std::string& party_key,
                                                                             const std::string& status,
                                                                             const std::string& after, size_t limit) {
  return db_.read([&](soci::session& sql) {
    std::vector<std::pair<std::string, std::string>> out;
    long long n = static_cast<long long>(limit);
    // A party's history goes through screening_checks_party (2 s for one
    // party among a million checks when the filter hid the column).
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, document FROM screening_checks WHERE tenant_id = :t" +
                            store::equals_if_given("party_key", "k", !party_key.empty()) +
                            store::equals_if_given("status", "s", !status.empty()) +
                            store::if_given("id < :after", "after", !after.empty()) + " ORDER BY id DESC LIMIT :n",
         soci::use(tenant_id), soci::use(party_key), soci::use(status), soci::use(after), soci::use(n));
    for (const auto& row : rows) out.emplace_back(store::get_string(row, 0), store::get_string(row, 1));
    return out;
  });
}

void ScreeningStore::insert_match(soci::session& sql, const std::string& tenant_id, const StoredMatch& m) {
  double score = m.score;
  sql << "INSERT INTO screening_matches (tenant_id, id, check_id, party_key, list, entity_id, fingerprint, score, status)"
         " VALUES (:t, :id, :c, :k, :l, :e, :f, :s, :st)",
      soci::use(tenant_id), soci::use(m.id), soci::use(m.check_id), soci::use(m.party_key), soci::use(m.list),
      soci::use(m.entity_id), soci::use(m.fingerprint), soci::use(score), soci::use(m.status);
}

namespace {
// A match's columns (prefixed by the table's alias when joined), in the
// order match_from_row reads them.
constexpr const char* kMatchColumns[] = {"id", "check_id", "party_key", "list", "entity_id", "fingerprint", "status",
                                         "score"};
std::string match_columns(const std::string& alias) {
  std::string out;
  for (const char* column : kMatchColumns) out += (out.empty() ? "" : ", ") + alias + column;
  return out;
}
StoredMatch match_from_row(const soci::row& row) {
  StoredMatch m;
  m.id = store::get_string(row, 0);
  m.check_id = store::get_string(row, 1);
  m.party_key = store::get_string(row, 2);
  m.list = store::get_string(row, 3);
  m.entity_id = store::get_string(row, 4);
  m.fingerprint = store::get_string(row, 5);
  m.status = store::get_string(row, 6);
  m.score = row.get<double>(7);
  return m;
}
}  // namespace

std::optional<StoredMatch> ScreeningStore::find_match(soci::session& sql, const std::string& tenant_id,
                                                      const std::string& id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " + match_columns("") + " FROM screening_matches WHERE tenant_id = :t AND id = :id",
       soci::use(tenant_id), soci::use(id));
  for (const auto& row : rows) return match_from_row(row);
  return std::nullopt;
}

std::vector<ScreeningStore::ListReview> ScreeningStore::review_by_list(const std::string& tenant_id, int64_t from,
                                                                       int64_t to) {
  return db_.read([&](soci::session& sql) {
    std::map<std::string, ListReview> by_list;
    long long f = from, t = to;
    // A hit is counted once however many checks found it again (a party
    // screened at every payment finds the same list entry each time, and
    // one decision answers every copy): a party, a list entry, and the
    // entry as it read. It stands as its most advanced copy: decided, else
    // open, else suppressed by an earlier false-positive decision.
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT list, standing, COUNT(*), MIN(oldest_open) FROM ("
                        " SELECT m.list AS list, MAX(CASE m.status WHEN 'true_match' THEN 4"
                        " WHEN 'false_positive' THEN 3 WHEN 'open' THEN 2 ELSE 1 END) AS standing,"
                        " MIN(CASE WHEN m.status = 'open' THEN c.created_at END) AS oldest_open"
                        " FROM screening_matches m"
                        " JOIN screening_checks c ON c.tenant_id = m.tenant_id AND c.id = m.check_id"
                        " WHERE m.tenant_id = :t AND c.created_at >= :from AND c.created_at < :to"
                        " GROUP BY m.list, m.party_key, m.entity_id, m.fingerprint) hits"
                        " GROUP BY list, standing",
         soci::use(tenant_id), soci::use(f), soci::use(t));
    static const char* const kStanding[] = {"", "suppressed", "open", "false_positive", "true_match"};
    for (const auto& row : rows) {
      auto& review = by_list[store::get_string(row, 0)];
      const int64_t standing = store::get_int64(row, 1);
      const std::string status = standing >= 1 && standing <= 4 ? kStanding[standing] : "suppressed";
      review.by_status[status] += store::get_int64(row, 2);
      if (status == "open") review.oldest_open_checked_at = store::get_optional_int64(row, 3).value_or(0);
    }
    std::vector<ListReview> out;
    for (auto& [list, review] : by_list) {
      review.list = list;
      out.push_back(std::move(review));
    }
    return out;
  });
}

std::map<std::string, ScreeningStore::MatchReview> ScreeningStore::match_reviews(const std::string& tenant_id,
                                                                                   const std::string& check_id) {
  return db_.read([&](soci::session& sql) {
    std::map<std::string, MatchReview> out;
    // Decisions oldest first: the latest one stands. (Ordered by the
    // decision only: ordering by the match's id too had SQLite walk the
    // tenant's every match in id order instead of the check's few through
    // their index, 1 ms a check.)
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT m.id, m.status, d.decision, d.reason, d.actor, d.created_at FROM screening_matches m"
                        " LEFT JOIN screening_dispositions d ON d.tenant_id = m.tenant_id AND d.match_id = m.id"
                        " WHERE m.tenant_id = :t AND m.check_id = :c ORDER BY d.created_at, d.id",
         soci::use(tenant_id), soci::use(check_id));
    for (const auto& row : rows) {
      auto& review = out[store::get_string(row, 0)];
      review.status = store::get_string(row, 1);
      if (auto decision = store::get_optional_string(row, 2)) {
        review.decision = *decision;
        review.reason = store::get_optional_string(row, 3).value_or("");
        review.decided_by = store::get_optional_string(row, 4).value_or("");
        review.decided_at = store::get_optional_int64(row, 5).value_or(0);
      }
    }
    return out;
  });
}

std::vector<StoredMatch> ScreeningStore::open_matches_of_hit(soci::session& sql, const std::string& tenant_id,
                                                             const StoredMatch& match) {
  std::vector<StoredMatch> out;
  // Through the hit's index (SQLite, without statistics, took the queue's
  // and read every open match of the tenant).
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " + match_columns("") + " FROM screening_matches" +
                          (db_.dialect() == store::Dialect::kSqlite ? " INDEXED BY screening_matches_hit" : "") +
                          " WHERE tenant_id = :t AND status = 'open' AND party_key = :k"
                          " AND list = :l AND entity_id = :e AND fingerprint = :f ORDER BY id",
       soci::use(tenant_id), soci::use(match.party_key), soci::use(match.list), soci::use(match.entity_id),
       soci::use(match.fingerprint));
  for (const auto& row : rows) out.push_back(match_from_row(row));
  return out;
}

void ScreeningStore::record_disposition(soci::session& sql, const std::string& tenant_id, const StoredMatch& m,
                                        const std::string& decision, const std::string& reason,
                                        const std::string& actor, int64_t decided_at) {
  std::string id = util::uuid_v7();
  long long at = decided_at;
  sql << "INSERT INTO screening_dispositions (tenant_id, id, match_id, party_key, list, entity_id, fingerprint,"
         " decision, reason, actor, created_at) VALUES (:t, :id, :m, :k, :l, :e, :f, :d, :r, :a, :at)",
      soci::use(tenant_id), soci::use(id), soci::use(m.id), soci::use(m.party_key), soci::use(m.list),
      soci::use(m.entity_id), soci::use(m.fingerprint), soci::use(decision), soci::use(reason), soci::use(actor),
      soci::use(at);
  sql << "UPDATE screening_matches SET status = :s WHERE tenant_id = :t AND id = :id", soci::use(decision),
      soci::use(tenant_id), soci::use(m.id);
}

namespace {
// No newer open copy of the same hit. SQLite, without statistics (nothing
// here runs ANALYZE), walked the queue index for every candidate (all
// newer open matches); it is told to take the hit's index.
std::string newest_open_copy(store::Dialect dialect) {
  return std::string(" AND NOT EXISTS (SELECT 1 FROM screening_matches newer") +
         (dialect == store::Dialect::kSqlite ? " INDEXED BY screening_matches_hit" : "") +
         " WHERE newer.tenant_id = m.tenant_id AND newer.party_key = m.party_key AND newer.list = m.list"
         " AND newer.entity_id = m.entity_id AND newer.fingerprint = m.fingerprint AND newer.status = 'open'"
         " AND newer.id > m.id)";
}
}  // namespace

std::vector<ScreeningStore::QueuedMatch> ScreeningStore::list_matches(soci::session& sql, const std::string& tenant_id,
                                                                      const std::string& status, const std::string& list,
                                                                      const std::string& after, size_t limit) {
  std::vector<QueuedMatch> out;
  long long n = static_cast<long long>(limit);
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " + match_columns("m.") + ", c.created_at, c.document FROM screening_matches m"
                      " JOIN screening_checks c ON c.tenant_id = m.tenant_id AND c.id = m.check_id"
                      " WHERE m.tenant_id = :t" +
                          store::equals_if_given("m.status", "s", !status.empty()) +
                          store::equals_if_given("m.list", "l", !list.empty()) +
                          store::if_given("m.id < :after", "after", !after.empty()) +
                          // Waiting for a decision, a hit open in several
                          // checks (the party was checked again) is one
                          // question, listed once: its newest copy (one
                          // decision answers every copy).
                          (status == "open" ? newest_open_copy(db_.dialect()) : std::string()) +
                          " ORDER BY m.id DESC LIMIT :n",
       soci::use(tenant_id), soci::use(status), soci::use(list), soci::use(after), soci::use(n));
  for (const auto& row : rows) {
    QueuedMatch q;
    q.match = match_from_row(row);
    q.checked_at = store::get_int64(row, 8);
    q.check_document = store::get_string(row, 9);
    out.push_back(std::move(q));
  }
  return out;
}

namespace {
constexpr const char* kDecisionsOfParty =
    "SELECT list, entity_id, fingerprint, decision, match_id FROM screening_dispositions"
    " WHERE tenant_id = :t AND party_key = :k ORDER BY created_at, id";
constexpr const char* kInsertCheck =
    "INSERT INTO screening_checks (tenant_id, id, party_key, status, document, actor, created_at)"
    " VALUES (:t, :id, :k, :s, :d, :a, :at)";
constexpr const char* kRememberParty =
    "INSERT INTO screening_parties (tenant_id, party_key, party, updated_at) VALUES (:t, :k, :p, :at)"
    " ON CONFLICT (tenant_id, party_key) DO UPDATE SET party = excluded.party, updated_at = excluded.updated_at";
}  // namespace

ScreeningStore::CheckWriter::CheckWriter(soci::session& sql)
    : sql_(sql),
      decisions_((sql.prepare << kDecisionsOfParty, soci::into(list_), soci::into(entity_), soci::into(fingerprint_),
                  soci::into(decision_), soci::into(match_), soci::use(tenant_), soci::use(key_))),
      insert_check_((sql.prepare << kInsertCheck, soci::use(tenant_), soci::use(id_), soci::use(key_),
                     soci::use(status_), soci::use(document_), soci::use(actor_), soci::use(at_))),
      remember_party_((sql.prepare << kRememberParty, soci::use(tenant_), soci::use(key_), soci::use(document_),
                       soci::use(at_))),
      outbox_(sql) {}

ScreeningStore::CheckWriter::Decisions ScreeningStore::CheckWriter::decisions(const std::string& tenant_id,
                                                                             const std::string& party_key) {
  tenant_ = tenant_id;
  key_ = party_key;
  std::map<Hit, std::pair<std::string, std::string>> latest;  // hit -> (decision, match), oldest first
  decisions_.execute();
  while (decisions_.fetch()) latest[{list_, entity_, fingerprint_}] = {decision_, match_};
  Decisions out;
  for (const auto& [hit, decided] : latest) {
    if (decided.first == "false_positive") out.false_positives.insert(hit);
    if (decided.first == "true_match") out.true_matches[hit] = decided.second;
  }
  return out;
}

void ScreeningStore::CheckWriter::insert_check(const std::string& tenant_id, const std::string& id,
                                               const std::string& party_key, const std::string& status,
                                               const std::string& document, const std::string& actor,
                                               int64_t created_at) {
  tenant_ = tenant_id;
  id_ = id;
  key_ = party_key;
  status_ = status;
  document_ = document;
  actor_ = actor;
  at_ = created_at;
  insert_check_.execute(true);
}

void ScreeningStore::CheckWriter::remember_party(const std::string& tenant_id, const std::string& party_key,
                                                 const std::string& party_json) {
  tenant_ = tenant_id;
  key_ = party_key;
  document_ = party_json;
  at_ = util::now_micros();
  remember_party_.execute(true);
}

std::optional<ScreeningStore::MonitoredParty> ScreeningStore::find_party(const std::string& tenant_id,
                                                                         const std::string& party_key) {
  return db_.read([&](soci::session& sql) -> std::optional<MonitoredParty> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT party, updated_at FROM screening_parties WHERE tenant_id = :t AND party_key = :k",
         soci::use(tenant_id), soci::use(party_key));
    for (const auto& row : rows) return MonitoredParty{store::get_string(row, 0), store::get_int64(row, 1)};
    return std::nullopt;
  });
}

bool ScreeningStore::forget_party(soci::session& sql, const std::string& tenant_id, const std::string& party_key) {
  soci::statement remove = (sql.prepare << "DELETE FROM screening_parties WHERE tenant_id = :t AND party_key = :k",
                            soci::use(tenant_id), soci::use(party_key));
  remove.execute(true);
  if (remove.get_affected_rows() == 0) return false;
  sql << "DELETE FROM screening_party_hits WHERE tenant_id = :t AND party_key = :k", soci::use(tenant_id),
      soci::use(party_key);
  return true;
}

bool ScreeningStore::known_hit(soci::session& sql, const std::string& tenant_id, const std::string& party_key,
                               const std::string& list, const std::string& entity_id, const std::string& fingerprint) {
  int count = 0;
  sql << "SELECT COUNT(*) FROM screening_party_hits WHERE tenant_id = :t AND party_key = :k AND list = :l"
         " AND entity_id = :e AND fingerprint = :f",
      soci::use(tenant_id), soci::use(party_key), soci::use(list), soci::use(entity_id), soci::use(fingerprint),
      soci::into(count);
  return count > 0;
}

void ScreeningStore::add_hit(soci::session& sql, const std::string& tenant_id, const std::string& party_key,
                             const std::string& list, const std::string& entity_id, const std::string& fingerprint) {
  sql << "INSERT INTO screening_party_hits (tenant_id, party_key, list, entity_id, fingerprint)"
         " VALUES (:t, :k, :l, :e, :f) ON CONFLICT DO NOTHING",
      soci::use(tenant_id), soci::use(party_key), soci::use(list), soci::use(entity_id), soci::use(fingerprint);
}

}  // namespace hafnium::services::screening
