#include "services/screening/service.h"

#include <boost/json.hpp>
#include <cstdio>

#include "platform/audit/audit_log.h"
#include "platform/events/outbox.h"
#include "platform/util/crypto.h"
#include "platform/util/json_text.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"
#include "services/screening/domain/entity_json.h"

namespace hafnium::services::screening {

double shown_score(double v) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return std::strtod(buffer, nullptr);
}

namespace {

std::string version_key(const ListVersion& v) { return v.tenant_id + "/" + v.id; }

}  // namespace

boost::json::object party_to_json(const Party& party, const std::string& reference) {
  boost::json::array identifiers;
  for (const auto& i : party.identifiers) identifiers.push_back({{"type", i.type}, {"value", i.value}, {"country", i.country}});
  boost::json::object o{{"name", party.name}, {"type", kind_name(party.kind)}, {"identifiers", std::move(identifiers)}};
  o["birth_date"] = party.birth_date.empty() ? boost::json::value(nullptr) : boost::json::value(party.birth_date);
  o["country"] = party.country.empty() ? boost::json::value(nullptr) : boost::json::value(party.country);
  o["reference"] = reference.empty() ? boost::json::value(nullptr) : boost::json::value(reference);
  return o;
}

CheckRequest party_from_stored_json(const boost::json::object& o) {
  CheckRequest r;
  auto str = [&](const char* k) -> std::string {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  r.party.name = str("name");
  r.party.kind = kind_from_name(str("type"));
  r.party.birth_date = str("birth_date");
  r.party.country = str("country");
  r.reference = str("reference");
  if (const auto* ids = o.if_contains("identifiers"); ids && ids->is_array()) {
    for (const auto& i : ids->as_array()) {
      const auto& io = i.as_object();
      r.party.identifiers.push_back({std::string(io.at("type").as_string()), std::string(io.at("value").as_string()),
                                     std::string(io.at("country").as_string())});
    }
  }
  return r;
}

std::string ScreeningService::party_key(const CheckRequest& request) {
  if (!request.reference.empty()) return reference_key(request.reference);
  std::string material = normalize_name(request.party.name).joined() + "|" + request.party.birth_date + "|" +
                         request.party.country + "|" + kind_name(request.party.kind);
  return "h:" + util::sha256_hex(material).substr(0, 32);
}

std::shared_ptr<const ScreeningService::Snapshot> ScreeningService::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

bool ScreeningService::loaded() const { return ready_ && snapshot() != nullptr; }

bool ScreeningService::refresh() {
  auto versions = store_.active_versions("");
  std::set<std::string> ids;
  for (const auto& v : versions) ids.insert(version_key(v));
  auto current = snapshot();
  if (current && current->version_ids == ids) return false;
  auto next = std::make_shared<Snapshot>();
  next->version_ids = ids;
  next->versions = versions;
  std::vector<WatchlistEntity> shared;
  std::map<std::string, std::vector<WatchlistEntity>> by_tenant;
  for (const auto& v : versions) {
    auto entities = store_.entities_of(v);
    auto& target = v.tenant_id == kSharedLists ? shared : by_tenant[v.tenant_id];
    for (auto& e : entities) target.push_back(std::move(e));
  }
  next->shared = std::make_shared<const Screener>(std::make_shared<const WatchlistIndex>(std::move(shared)));
  for (auto& [tenant, entities] : by_tenant) {
    next->by_tenant[tenant] = std::make_shared<const Screener>(std::make_shared<const WatchlistIndex>(std::move(entities)));
  }
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(next);
  return true;
}

std::vector<Match> ScreeningService::screen(const Snapshot& s, const std::string& tenant_id,
                                            const CheckRequest& request) const {
  ScreeningOptions options;
  options.threshold = request.threshold;
  if (request.lists) options.lists = &*request.lists;
  auto matches = s.shared->screen(request.party, options);
  if (auto it = s.by_tenant.find(tenant_id); it != s.by_tenant.end()) {
    auto own = it->second->screen(request.party, options);
    for (auto& m : own) matches.push_back(std::move(m));
    std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) { return a.score > b.score; });
  }
  return matches;
}

namespace {
constexpr std::string_view kReferencePrefix = "ref:";
// Who decided a match that took over an earlier confirmation of the hit.
constexpr const char* kCarriedOver = "system:carried-over";

// What became of a check's result, from its matches' statuses now:
// nothing to review (clear, or every match suppressed), matches awaiting
// a decision, or decided (a single true match makes the party one).
const char* review_status(size_t open, size_t true_matches, size_t false_positives) {
  return open > 0 ? "pending" : true_matches > 0 ? "true_match" : false_positives > 0 ? "false_positive" : "none";
}

boost::json::value disposition_json(const std::string& decision, const std::string& reason,
                                    const std::string& decided_by, int64_t decided_at) {
  return boost::json::object{{"decision", decision},
                             {"reason", reason},
                             {"decided_by", decided_by},
                             {"decided_at", util::format_rfc3339(decided_at)}};
}
}  // namespace

std::string ScreeningService::reference_key(const std::string& reference) {
  return std::string(kReferencePrefix) + reference;
}

std::optional<std::string> ScreeningService::reference_of_key(const std::string& party_key) {
  if (!party_key.starts_with(kReferencePrefix)) return std::nullopt;
  return party_key.substr(kReferencePrefix.size());
}

const WatchlistEntity& ScreeningService::entity_of(const Snapshot& s, const std::string& tenant_id, const Match& m) {
  const Screener& screener = m.list.starts_with("custom:") ? *s.by_tenant.at(tenant_id) : *s.shared;
  return screener.index().entities()[m.entity_index];
}

boost::json::object ScreeningService::check_in(ScreeningStore::CheckWriter& writer, const Snapshot& s,
                                               const CheckRequest& request,
                                               const std::vector<Match>& matches, const Actor& actor,
                                               const ListVersion* trigger) {
  std::string id = util::uuid_v7();
  std::string key = party_key(request);
  soci::session& sql = writer.session();
  // One time for the check: its document and its row (which the lists
  // and summaries filter on) say the same.
  const int64_t created_at = util::now_micros();
  const auto decided = writer.decisions(actor.tenant_id, key);
  boost::json::array rendered;
  size_t open = 0, confirmed = 0;
  for (const auto& m : matches) {
    const auto& entity = entity_of(s, actor.tenant_id, m);
    std::string fingerprint = entity.fingerprint();
    // A hit the tenant decided before, on the entity as it reads now,
    // keeps that decision: cleared as a false positive, it is suppressed;
    // confirmed, it is a true match again (recorded as carried over from
    // the decided match), not a question for another analyst.
    const ScreeningStore::CheckWriter::Hit hit{m.list, m.entity_id, fingerprint};
    const bool is_suppressed = decided.false_positives.contains(hit);
    const auto confirmed_in = decided.true_matches.find(hit);
    const bool is_confirmed = !is_suppressed && confirmed_in != decided.true_matches.end();
    StoredMatch stored{util::uuid_v7(), id,          key, m.list, m.entity_id, fingerprint,
                       is_suppressed ? "suppressed" : is_confirmed ? "true_match" : "open", m.score};
    store_.insert_match(sql, actor.tenant_id, stored);
    const std::string carried_reason = is_confirmed ? "confirmed before, in match " + confirmed_in->second : "";
    if (is_confirmed) {
      ++confirmed;
      store_.record_disposition(sql, actor.tenant_id, stored, "true_match", carried_reason, kCarriedOver, created_at);
    } else if (!is_suppressed) {
      ++open;
    }
    // Reported to the tenant (open or confirmed): ongoing screening does
    // not raise it again. (A confirmation carried over to a party screened
    // again after its ongoing screening ended had been raised anew.)
    if (!is_suppressed) store_.add_hit(sql, actor.tenant_id, key, m.list, m.entity_id, fingerprint);
    boost::json::array features;
    for (const auto& f : m.features) {
      features.push_back({{"name", f.name}, {"contribution", shown_score(f.contribution)}, {"detail", f.detail}});
    }
    rendered.push_back({{"id", stored.id},
                        {"list", m.list},
                        {"entity_id", m.entity_id},
                        {"entity_type", kind_name(entity.kind)},
                        {"name", entity.primary_name()},
                        {"matched_name", m.matched_name},
                        {"score", shown_score(m.score)},
                        {"name_score", shown_score(m.name_score)},
                        {"features", std::move(features)},
                        {"reasons", boost::json::array(m.reasons.begin(), m.reasons.end())},
                        {"programs", boost::json::array(entity.programs.begin(), entity.programs.end())},
                        {"status", stored.status},
                        {"disposition", is_confirmed
                                            ? disposition_json("true_match", carried_reason, kCarriedOver, created_at)
                                            : boost::json::value(nullptr)}});
  }
  boost::json::array lists;
  for (const auto& v : s.versions) {
    if (v.tenant_id != kSharedLists && v.tenant_id != actor.tenant_id) continue;
    if (request.lists && !request.lists->contains(v.source)) continue;
    lists.push_back({{"source", v.source},
                     {"version", v.version},
                     {"list_date", v.list_date.empty() ? boost::json::value(nullptr) : boost::json::value(v.list_date)}});
  }
  // A confirmed match is never "clear": the party is on the list.
  std::string status = open > 0 || confirmed > 0 ? "potential_match" : "clear";
  boost::json::object document{{"id", id},
                               {"status", status},
                               {"party", party_to_json(request.party, request.reference)},
                               {"threshold", request.threshold},
                               {"lists", std::move(lists)},
                               {"matches", std::move(rendered)},
                               {"origin", trigger ? "ongoing_screening" : "request"},
                               {"created_at", util::format_rfc3339(created_at)},
                               {"review_status", review_status(open, confirmed, 0)}};
  if (trigger) document["trigger"] = {{"source", trigger->source}, {"version", trigger->version}};
  std::string text = util::to_json_text(document);
  writer.insert_check(actor.tenant_id, id, key, status, text, actor.name, created_at);
  writer.remember_party(actor.tenant_id, key, boost::json::serialize(party_to_json(request.party, request.reference)));
  writer.outbox().enqueue("screening.checks",
                          events::make_envelope("screening.check.completed", actor.tenant_id, key,
                                                boost::json::object{{"check_id", id}, {"status", status},
                                                                    {"matches", open},
                                                                    {"true_matches", confirmed}},
                                                actor.trace_id));
  return document;
}

boost::json::object ScreeningService::with_review(const std::string& tenant_id, const std::string& document_text) {
  auto parsed = boost::json::parse(document_text);
  auto& document = parsed.as_object();
  // A check that found nothing has nothing to review: no query (most
  // checks of a page are clear, and on PostgreSQL each query is a round
  // trip: 500 of them took 0.1 s).
  const auto reviews = document.at("matches").as_array().empty()
                           ? std::map<std::string, ScreeningStore::MatchReview>{}
                           : store_.match_reviews(tenant_id, std::string(document.at("id").as_string()));
  size_t open = 0, true_matches = 0, false_positives = 0;
  for (auto& item : document.at("matches").as_array()) {
    auto& match = item.as_object();
    auto it = reviews.find(std::string(match.at("id").as_string()));
    if (it != reviews.end()) {
      const auto& review = it->second;
      match["status"] = review.status;
      match["disposition"] = review.decision.empty()
                                 ? boost::json::value(nullptr)
                                 : disposition_json(review.decision, review.reason, review.decided_by, review.decided_at);
    }
    const auto& status = match.at("status");
    if (status == "open") ++open;
    if (status == "true_match") ++true_matches;
    if (status == "false_positive") ++false_positives;
  }
  // `status` stays what screening found; the review says what became of it.
  document["review_status"] = review_status(open, true_matches, false_positives);
  return std::move(document);
}

std::vector<boost::json::object> ScreeningService::checks(const std::string& tenant_id, const std::string& reference,
                                                          const std::string& status, const std::string& after,
                                                          size_t limit) {
  std::vector<boost::json::object> out;
  for (const auto& [id, document] : store_.list_checks(
           tenant_id, reference.empty() ? std::string() : reference_key(reference), status, after, limit)) {
    out.push_back(with_review(tenant_id, document));
  }
  return out;
}

std::optional<boost::json::object> ScreeningService::find_check(const std::string& tenant_id, const std::string& id) {
  auto document = store_.check_document(tenant_id, id);
  if (!document) return std::nullopt;
  return with_review(tenant_id, *document);
}

std::optional<boost::json::object> ScreeningService::monitored_party(const std::string& tenant_id,
                                                                     const std::string& reference) {
  auto found = store_.find_party(tenant_id, reference_key(reference));
  if (!found) return std::nullopt;
  const auto party = boost::json::parse(found->party);
  return boost::json::object{{"reference", reference},
                             {"party", party},
                             {"monitored", true},
                             {"last_screened_at", util::format_rfc3339(found->updated_at)}};
}

bool ScreeningService::stop_monitoring(const std::string& reference, const Actor& actor) {
  return db_->write([&](soci::session& sql) {
    if (!ScreeningStore::forget_party(sql, actor.tenant_id, reference_key(reference))) return false;
    audit::AuditLog::append(sql, db_->dialect(),
                            {actor.tenant_id, actor.name, "screening.parties.remove", "screening_party/" + reference,
                             "success", "", actor.trace_id});
    return true;
  });
}

void ScreeningService::count_outcome(const boost::json::object& document) {
  (document.at("status") == "clear" ? checks_clear_ : checks_potential_).fetch_add(1, std::memory_order_relaxed);
}

std::vector<ListVersion> ScreeningService::shared_versions() const {
  std::vector<ListVersion> out;
  if (auto s = snapshot()) {
    for (const auto& v : s->versions) {
      if (v.tenant_id == kSharedLists) out.push_back(v);
    }
  }
  return out;
}

boost::json::object ScreeningService::check(const CheckRequest& request, const Actor& actor) {
  auto s = snapshot();
  if (!s) throw std::runtime_error("watchlists are not loaded yet");
  // Screening reads only memory: done before the transaction, so that the
  // store's write lock (SQLite has one for everyone) waits only for the
  // writes.
  const auto matches = screen(*s, actor.tenant_id, request);
  auto document = db_->write([&](soci::session& sql) {
    ScreeningStore::CheckWriter writer(sql);
    auto document = check_in(writer, *s, request, matches, actor);
    audit::AuditLog::append(sql, db_->dialect(),
                            {actor.tenant_id, actor.name, "screening.check", "screening_check/" + std::string(document.at("id").as_string()),
                             "success", "", actor.trace_id});
    return document;
  });
  count_outcome(document);  // counted once committed
  return document;
}

std::vector<boost::json::object> ScreeningService::check_batch(const std::vector<CheckRequest>& requests,
                                                               const Actor& actor) {
  auto s = snapshot();
  if (!s) throw std::runtime_error("watchlists are not loaded yet");
  // Screened before the transaction (as check() is): a batch of 10,000
  // took half a second to screen, and held every other writer (payments
  // being ingested) that long.
  std::vector<std::vector<Match>> matches;
  matches.reserve(requests.size());
  for (const auto& request : requests) matches.push_back(screen(*s, actor.tenant_id, request));
  auto documents = db_->write([&](soci::session& sql) {
    std::vector<boost::json::object> out;
    out.reserve(requests.size());
    ScreeningStore::CheckWriter writer(sql);
    for (size_t i = 0; i < requests.size(); ++i) out.push_back(check_in(writer, *s, requests[i], matches[i], actor));
    audit::AuditLog::append(sql, db_->dialect(),
                            {actor.tenant_id, actor.name, "screening.check", "screening_batch/" + std::to_string(requests.size()) + "_parties",
                             "success", "", actor.trace_id});
    return out;
  });
  for (const auto& document : documents) count_outcome(document);
  return documents;
}

std::optional<boost::json::object> ScreeningService::dispose(const std::string& match_id, const std::string& decision,
                                                             const std::string& reason, const Actor& actor) {
  return db_->write([&](soci::session& sql) -> std::optional<boost::json::object> {
    auto match = store_.find_match(sql, actor.tenant_id, match_id);
    if (!match) return std::nullopt;
    // The same hit (party, list entry as it reads now) still open in other
    // checks (the party was checked again before anyone decided) is the
    // same question: one decision answers it everywhere, so that no copy
    // waits in the queue for a second analyst.
    std::vector<StoredMatch> decided = {*match};
    for (auto& same : store_.open_matches_of_hit(sql, actor.tenant_id, *match)) {
      if (same.id != match->id) decided.push_back(std::move(same));
    }
    boost::json::array also;
    const int64_t decided_at = util::now_micros();
    for (const auto& m : decided) {
      store_.record_disposition(sql, actor.tenant_id, m, decision, reason, actor.name, decided_at);
      audit::AuditLog::append(sql, db_->dialect(),
                              {actor.tenant_id, actor.name, "screening.disposition", "screening_match/" + m.id,
                               "success", decision, actor.trace_id});
      // The institution acts on a decision (a confirmed sanctions match
      // freezes the customer's accounts): its systems learn of it without
      // polling. On the party's key, after the hits it decides. The
      // reason is the analyst's note and stays in the store.
      const auto reference = reference_of_key(m.party_key);
      events::Outbox::enqueue(
          sql, "screening.hits",
          events::make_envelope("screening.match.decided", actor.tenant_id, m.party_key,
                                boost::json::object{{"match_id", m.id},
                                                    {"check_id", m.check_id},
                                                    {"party_key", m.party_key},
                                                    {"reference", reference ? boost::json::value(*reference)
                                                                            : boost::json::value(nullptr)},
                                                    {"list", m.list},
                                                    {"entity_id", m.entity_id},
                                                    {"decision", decision},
                                                    {"decided_by", actor.name}},
                                actor.trace_id));
      if (m.id != match_id) also.push_back(boost::json::value(m.id));
    }
    return boost::json::object{{"match_id", match_id},   {"check_id", match->check_id},
                               {"list", match->list},    {"entity_id", match->entity_id},
                               {"decision", decision},   {"reason", reason},
                               {"decided_by", actor.name}, {"decided_at", util::format_rfc3339(decided_at)},
                               {"also_decided", std::move(also)}};
  });
}

}  // namespace hafnium::services::screening
