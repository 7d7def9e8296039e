#pragma once

#include <boost/json/object.hpp>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "platform/store/database.h"
#include "services/screening/domain/screener.h"
#include "services/screening/rescreen_jobs.h"
#include "services/screening/store.h"

namespace hafnium::services::screening {

struct CheckRequest {
  Party party;
  std::string reference;                         // the caller's id for the party, optional
  std::optional<std::set<std::string>> lists;    // only these sources
  double threshold = kDefaultThreshold;
};

struct Actor {
  std::string tenant_id;
  std::string name;  // "api-key:<id>", "user:<sub>", "cli:<user>"
  std::string trace_id;
};

// The screening target's use cases over the store and the in-memory
// indexes: importing list versions (then re-screening known parties),
// checks, dispositions. The indexes are immutable snapshots swapped whole
// when the set of active versions changes, so checks never wait on an
// import.
class ScreeningService {
 public:
  explicit ScreeningService(std::shared_ptr<store::Database> db) : db_(std::move(db)), store_(*db_) {}

  // Loads the active versions into memory (again, when they changed since
  // the last load). Returns true when the indexes changed.
  bool refresh();
  // True once the initial load finished (all bundled lists, not the first).
  bool loaded() const;
  void mark_ready() { ready_ = true; }

  // Imports a list version for `tenant_id` (kSharedLists for official
  // lists), activates it with the re-screening it owes the parties it
  // concerns (a pending RescreenJobs job, in the same transaction), and
  // reloads. The re-screening runs later: run_rescreens().
  ListVersion import(const std::string& tenant_id, const ParsedList& list, const Actor& actor);
  // The same only when (tenant, source) has no active version yet, decided
  // under the import's lock: servers starting together on one empty store
  // load a bundled list once between them. nullopt when one was there.
  std::optional<ListVersion> import_if_absent(const std::string& tenant_id, const ParsedList& list,
                                              const Actor& actor);
  // Called after an import committed its re-screening job (the server
  // wakes its worker).
  void on_rescreen_queued(std::function<void()> listener) { rescreen_queued_ = std::move(listener); }

  // Ongoing screening: takes the owed re-screenings (RescreenJobs::claim)
  // one after another, oldest first, and runs each page by page: every
  // party screened again, a stored check (origin ongoing_screening) for
  // each party with a hit not reported before, and screening.hit.raised
  // for each such hit, committed with the job's cursor. Returns when no
  // job is left to take or `stop` says so between pages (the job is then
  // left where it is; RescreenJobs::release hands it on).
  struct RescreenRun {
    std::string worker;  // who holds the jobs' leases
    size_t page_size = 500;
    int64_t lease_micros = 60LL * 1'000'000;
    std::function<bool()> stop;
    // After each page: the job as committed (parties_screened counts from
    // its start, whoever ran it), and its parties in all as counted when
    // this run took it.
    std::function<void(const RescreenJob&, int64_t total)> progress;
    // A job whose page failed (recorded on the job, which waits for its
    // retry while this run goes on with the next job).
    std::function<void(const RescreenJob&)> failed;
    // How long a failed job waits: the first delay, doubled with each
    // failure in a row, up to the cap.
    int64_t retry_backoff_micros = 30LL * 1'000'000;
    int64_t retry_backoff_cap_micros = 30LL * 60 * 1'000'000;
    int64_t retry_delay(int64_t failures) const;
  };
  // The jobs this run completed.
  std::vector<RescreenJob> run_rescreens(const RescreenRun& run);
  // Parties screened again since start, for the metrics.
  uint64_t parties_rescreened() const { return parties_rescreened_.load(std::memory_order_relaxed); }
  store::Database& database() { return *db_; }

  std::vector<ListVersion> lists(const std::string& tenant_id) { return store_.active_versions(tenant_id); }

  // Screens, stores the check with its matches, and emits
  // screening.check.completed, all in one transaction. Returns the stored
  // document.
  boost::json::object check(const CheckRequest& request, const Actor& actor);
  std::vector<boost::json::object> check_batch(const std::vector<CheckRequest>& requests, const Actor& actor);
  std::vector<ScreeningStore::QueuedMatch> matches(const std::string& tenant_id, const std::string& status,
                                                   const std::string& list, const std::string& after, size_t limit) {
    return db_->read([&](soci::session& sql) { return store_.list_matches(sql, tenant_id, status, list, after, limit); });
  }
  std::vector<ScreeningStore::ListReview> review_by_list(const std::string& tenant_id, int64_t from, int64_t to) {
    return store_.review_by_list(tenant_id, from, to);
  }
  // Stored checks as an analyst reads them: what screening found, with
  // each match's current status and latest decision (`disposition`) and
  // the check's `review_status` (see with_review).
  std::vector<boost::json::object> checks(const std::string& tenant_id, const std::string& reference,
                                          const std::string& status, const std::string& after, size_t limit);
  std::optional<boost::json::object> find_check(const std::string& tenant_id, const std::string& id);
  // Records a decision on a match; nullopt when the tenant has no such match.
  std::optional<boost::json::object> dispose(const std::string& match_id, const std::string& decision,
                                             const std::string& reason, const Actor& actor);

  // A party under ongoing screening, by the reference it was screened
  // with: {reference, party, monitored_since}; nullopt when none.
  std::optional<boost::json::object> monitored_party(const std::string& tenant_id, const std::string& reference);
  // Ends a party's ongoing screening (ScreeningStore::forget_party),
  // audited; false when the tenant screens no party with that reference.
  bool stop_monitoring(const std::string& reference, const Actor& actor);

  static std::string party_key(const CheckRequest& request);
  // The key of a party screened with its caller's reference.
  static std::string reference_key(const std::string& reference);
  // The caller's reference a party key was made from (nullopt for a party
  // screened without one).
  static std::optional<std::string> reference_of_key(const std::string& party_key);

  // For the metrics: checks committed since start, by outcome, and the
  // shared (official) list versions in memory now.
  uint64_t checks_clear() const { return checks_clear_.load(std::memory_order_relaxed); }
  uint64_t checks_potential_match() const { return checks_potential_.load(std::memory_order_relaxed); }
  std::vector<ListVersion> shared_versions() const;

 private:
  std::optional<ListVersion> import_version(const std::string& tenant_id, const ParsedList& list, const Actor& actor,
                                            bool only_if_absent);
  void count_outcome(const boost::json::object& document);
  boost::json::object with_review(const std::string& tenant_id, const std::string& document_text);
  struct Snapshot {
    std::set<std::string> version_ids;
    std::vector<ListVersion> versions;
    std::shared_ptr<const Screener> shared;
    std::map<std::string, std::shared_ptr<const Screener>> by_tenant;
  };
  std::shared_ptr<const Snapshot> snapshot() const;
  std::vector<Match> screen(const Snapshot& snapshot, const std::string& tenant_id, const CheckRequest& request) const;
  // Stores one party's check with the matches screening found: asked for
  // by a request, or (with `trigger`) by ongoing screening after that list
  // version activated.
  boost::json::object check_in(ScreeningStore::CheckWriter& writer, const Snapshot& snapshot, const CheckRequest& request,
                               const std::vector<Match>& matches, const Actor& actor,
                               const ListVersion* trigger = nullptr);
  // The list entry a match found: in the shared lists or the tenant's own.
  static const WatchlistEntity& entity_of(const Snapshot& snapshot, const std::string& tenant_id, const Match& match);
  // One page of a job; false when the worker lost the job's lease (the
  // page was rolled back; its new holder does it).
  bool rescreen_page(RescreenJob& job, const RescreenRun& run);
  // Stores the check and events of one re-screened party with matches, in
  // the page's transaction; how many hits were new.
  size_t record_rescreen(ScreeningStore::CheckWriter& writer, const Snapshot& snapshot, const std::string& tenant,
                         const std::string& key, const CheckRequest& request, const std::vector<Match>& matches,
                         const RescreenJob& job);

  std::shared_ptr<store::Database> db_;
  ScreeningStore store_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::atomic<bool> ready_{false};
  std::atomic<uint64_t> checks_clear_{0}, checks_potential_{0};
  std::atomic<uint64_t> parties_rescreened_{0};
  std::function<void()> rescreen_queued_;
};

boost::json::object party_to_json(const Party& party, const std::string& reference);
// A score as documents show it: four decimals (0.9524), the precision the
// matcher means; stored scores keep every digit.
double shown_score(double score);
CheckRequest party_from_stored_json(const boost::json::object& o);

}  // namespace hafnium::services::screening
