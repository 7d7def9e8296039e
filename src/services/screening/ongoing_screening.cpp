// ScreeningService's list imports and the ongoing screening they owe:
// each activated version is followed by a durable re-screening job
// (RescreenJobs) that workers run page by page.
#include <algorithm>
#include <set>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "platform/audit/audit_log.h"
#include "platform/events/outbox.h"
#include "platform/util/error_text.h"
#include "platform/util/time.h"
#include "services/screening/service.h"

namespace hafnium::services::screening {

ListVersion ScreeningService::import(const std::string& tenant_id, const ParsedList& list, const Actor& actor) {
  return *import_version(tenant_id, list, actor, false);
}

std::optional<ListVersion> ScreeningService::import_if_absent(const std::string& tenant_id, const ParsedList& list,
                                                              const Actor& actor) {
  return import_version(tenant_id, list, actor, true);
}

std::optional<ListVersion> ScreeningService::import_version(const std::string& tenant_id, const ParsedList& list,
                                                            const Actor& actor, bool only_if_absent) {
  auto version = db_->write([&](soci::session& sql) -> std::optional<ListVersion> {
    if (only_if_absent) {
      store_.lock_source(sql, tenant_id, list.source);  // activate takes it again: it stacks
      if (store_.has_active(sql, tenant_id, list.source)) return std::nullopt;
    }
    auto v = store_.activate(sql, tenant_id, list.source, list.list_date, list.entities, actor.name);
    std::string audit_tenant = tenant_id == kSharedLists ? actor.tenant_id : tenant_id;
    if (!audit_tenant.empty()) {
      audit::AuditLog::append(sql, db_->dialect(),
                              {audit_tenant, actor.name, "screening.lists.import",
                               "list_version/" + list.source + "/" + std::to_string(v.version), "success", "", actor.trace_id});
    }
    events::Outbox::enqueue(sql, "screening.lists",
                            events::make_envelope("screening.list.updated", tenant_id, list.source,
                                                  boost::json::object{{"source", list.source}, {"version", v.version},
                                                                      {"entities", v.entity_count}, {"added", v.added},
                                                                      {"removed", v.removed}, {"changed", v.changed}},
                                                  actor.trace_id));
    // The version and the re-screening it owes commit together: no
    // acknowledged import goes without its re-screening.
    RescreenJobs::enqueue(sql, v.id, tenant_id, list.source, v.version, actor.name, actor.trace_id);
    return v;
  });
  if (!version) return version;
  refresh();
  if (rescreen_queued_) rescreen_queued_();
  return version;
}

namespace {
// Thrown inside a page's transaction when its job changed hands: the page
// rolls back and its new holder does it again.
struct LeaseLost {};
}  // namespace

int64_t ScreeningService::RescreenRun::retry_delay(int64_t failures) const {
  int64_t delay = retry_backoff_micros;
  for (int64_t i = 1; i < failures && delay < retry_backoff_cap_micros; ++i) delay *= 2;
  return std::min(delay, retry_backoff_cap_micros);
}

std::vector<RescreenJob> ScreeningService::run_rescreens(const RescreenRun& run) {
  std::vector<RescreenJob> completed;
  auto stopping = [&] { return run.stop && run.stop(); };
  std::set<std::string> failed_here;  // a job retried this soon is not retried by this run
  while (!stopping()) {
    auto job = RescreenJobs::claim(*db_, run.worker, run.lease_micros);
    if (!job) break;
    if (failed_here.contains(job->version_id)) {
      RescreenJobs::release(*db_, run.worker);
      break;
    }
    if (job->status == "superseded") {
      spdlog::info("re-screening after {} version {} superseded by a later version's", job->source, job->version);
      continue;
    }
    // The version may have been activated by another process: screen
    // against the lists as they are now, that version included.
    refresh();
    // Its parties in all: those a previous holder screened, and those left.
    const int64_t total = job->parties_screened + RescreenJobs::parties_left(*db_, *job);
    bool held = true;
    try {
      while (held && job->status != "completed" && !stopping()) {
        held = rescreen_page(*job, run);
        if (held && run.progress) run.progress(*job, total);
      }
    } catch (const std::exception& error) {
      // The failed page committed nothing. The job steps aside until its
      // retry (later and later while it keeps failing) and the jobs queued
      // after it go on; if even this cannot be recorded (the store is
      // down), the error goes to the caller, which tries again later.
      const int64_t delay = run.retry_delay(job->failures + 1);
      if (RescreenJobs::fail(*db_, *job, run.worker, util::error_text(error, 300), util::now_micros() + delay)) {
        spdlog::error("re-screening after {} version {} failed ({} in a row), retried in {} s: {}", job->source,
                      job->version, job->failures, delay / 1'000'000, job->last_error);
        if (run.failed) run.failed(*job);
      }
      failed_here.insert(job->version_id);
      continue;
    }
    if (job->status == "completed") {
      spdlog::info("re-screening after {} version {} completed: {} parties, {} new hits", job->source, job->version,
                   job->parties_screened, job->hits_raised);
      completed.push_back(*job);
    } else if (!held) {
      spdlog::warn("re-screening after {} version {} was taken over by another worker", job->source, job->version);
    }
  }
  return completed;
}

bool ScreeningService::rescreen_page(RescreenJob& job, const RescreenRun& run) {
  auto s = snapshot();
  if (!s) throw std::runtime_error("watchlists are not loaded yet");
  const auto parties = RescreenJobs::next_parties(*db_, job, run.page_size);
  RescreenJobs::Page page;
  page.last = parties.size() < run.page_size;
  if (!parties.empty()) {
    page.last_tenant = std::get<0>(parties.back());
    page.last_key = std::get<1>(parties.back());
  }
  // Screening reads only memory: done before the transaction, which then
  // holds the store's write lock only to record what it found.
  struct Found {
    const std::string* tenant;
    const std::string* key;
    CheckRequest request;
    std::vector<Match> matches;
  };
  std::vector<Found> found;
  size_t unreadable = 0;
  for (const auto& [tenant, key, party_json] : parties) {
    ++page.per_tenant[tenant].first;
    CheckRequest request;
    try {
      const auto parsed = boost::json::parse(party_json);
      request = party_from_stored_json(parsed.as_object());
    } catch (const std::exception&) {
      ++unreadable;  // written by check_in, so never expected; must not stall every later job
      continue;
    }
    auto matches = screen(*s, tenant, request);
    if (!matches.empty()) found.push_back({&tenant, &key, std::move(request), std::move(matches)});
  }
  if (unreadable > 0) {
    spdlog::error("re-screening after {} version {}: {} stored parties could not be read and were skipped",
                  job.source, job.version, unreadable);
  }
  try {
    db_->write([&](soci::session& sql) {
      ScreeningStore::CheckWriter writer(sql);
      for (const auto& f : found) {
        page.per_tenant[*f.tenant].second +=
            static_cast<int64_t>(record_rescreen(writer, *s, *f.tenant, *f.key, f.request, f.matches, job));
      }
      if (!RescreenJobs::advance(sql, job, run.worker, run.lease_micros, page)) throw LeaseLost{};
    });
  } catch (const LeaseLost&) {
    return false;
  }
  parties_rescreened_.fetch_add(parties.size(), std::memory_order_relaxed);
  return true;
}

size_t ScreeningService::record_rescreen(ScreeningStore::CheckWriter& writer, const Snapshot& s, const std::string& tenant,
                                         const std::string& key, const CheckRequest& request,
                                         const std::vector<Match>& matches, const RescreenJob& job) {
  // The hits not reported for this party before (nor cleared as false
  // positives of the same entity content). The check holds only these:
  // hits reported before stay with the check that reported them, as
  // repeated here they would wait in the queue twice and be decided twice.
  soci::session& sql = writer.session();
  const auto suppressed = writer.decisions(tenant, key).false_positives;
  std::vector<Match> new_matches;
  for (const auto& m : matches) {
    const std::string fingerprint = entity_of(s, tenant, m).fingerprint();
    if (suppressed.contains({m.list, m.entity_id, fingerprint})) continue;
    if (store_.known_hit(sql, tenant, key, m.list, m.entity_id, fingerprint)) continue;
    new_matches.push_back(m);
  }
  if (new_matches.empty()) return 0;
  // A check of the party with the new hits, stored like any other, so that
  // an analyst opens it and disposes of them; each new hit's event names
  // the check and the match.
  ListVersion trigger;
  trigger.source = job.source;
  trigger.version = job.version;
  Actor party_actor{tenant, job.actor, job.trace_id};
  auto document = check_in(writer, s, request, new_matches, party_actor, &trigger);
  for (const auto& rendered : document.at("matches").as_array()) {
    const auto& m = rendered.as_object();
    writer.outbox().enqueue("screening.hits",
                            events::make_envelope("screening.hit.raised", tenant, key,
                                                  boost::json::object{{"party_key", key},
                                                                      {"reference", request.reference},
                                                                      {"check_id", document.at("id")},
                                                                      {"match_id", m.at("id")},
                                                                      {"list", m.at("list")},
                                                                      {"entity_id", m.at("entity_id")},
                                                                      {"matched_name", m.at("matched_name")},
                                                                      {"score", m.at("score")}},
                                                  job.trace_id));
  }
  return new_matches.size();
}

}  // namespace hafnium::services::screening
