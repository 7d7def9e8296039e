#pragma once

#include <boost/json/object.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "platform/store/database.h"
#include "services/screening/domain/screener.h"
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
  // lists), activates it, reloads, re-screens the parties it concerns and
  // raises screening.hit.raised for their new matches. Returns the version
  // and how many new hits were raised.
  std::pair<ListVersion, size_t> import(const std::string& tenant_id, const ParsedList& list, const Actor& actor);

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
  std::vector<std::pair<std::string, std::string>> checks(const std::string& tenant_id, const std::string& reference,
                                                           const std::string& status, const std::string& after,
                                                           size_t limit) {
    return store_.list_checks(tenant_id, reference.empty() ? std::string() : reference_key(reference), status, after,
                              limit);
  }
  std::optional<std::string> find_check(const std::string& tenant_id, const std::string& id) {
    return store_.check_document(tenant_id, id);
  }
  // Records a decision on a match; nullopt when the tenant has no such match.
  std::optional<boost::json::object> dispose(const std::string& match_id, const std::string& decision,
                                             const std::string& reason, const Actor& actor);

  static std::string party_key(const CheckRequest& request);
  // The key of a party screened with its caller's reference.
  static std::string reference_key(const std::string& reference);

  // For the metrics: checks committed since start, by outcome, and the
  // shared (official) list versions in memory now.
  uint64_t checks_clear() const { return checks_clear_.load(std::memory_order_relaxed); }
  uint64_t checks_potential_match() const { return checks_potential_.load(std::memory_order_relaxed); }
  std::vector<ListVersion> shared_versions() const;

 private:
  void count_outcome(const boost::json::object& document);
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
  boost::json::object check_in(soci::session& sql, const Snapshot& snapshot, const CheckRequest& request,
                               const std::vector<Match>& matches, const Actor& actor,
                               const ListVersion* trigger = nullptr);
  size_t rescreen(const std::string& tenant_id, const Actor& actor, const ListVersion& trigger);

  std::shared_ptr<store::Database> db_;
  ScreeningStore store_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::atomic<bool> ready_{false};
  std::atomic<uint64_t> checks_clear_{0}, checks_potential_{0};
};

boost::json::object party_to_json(const Party& party, const std::string& reference);
// A score as documents show it: four decimals (0.9524), the precision the
// matcher means; stored scores keep every digit.
double shown_score(double score);
CheckRequest party_from_stored_json(const boost::json::object& o);

}  // namespace hafnium::services::screening
