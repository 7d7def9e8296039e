#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <soci/soci.h>
#include <string>
#include <tuple>
#include <vector>

#include "platform/store/database.h"

namespace hafnium::services::screening {

// A re-screening owed after a list version activated: every party screened
// before (of the list's tenant, or of every tenant for an official list)
// is screened again. It is stored in the same transaction that activates
// the version, so an acknowledged import always has its re-screening, and
// it advances page by page with a cursor committed together with the
// page's checks and events: a process that dies in the middle leaves the
// job where its last page ended, and whoever takes it over next (the
// server's worker, the next `hafnium lists import`) goes on from there,
// screening no party twice and skipping none.
struct RescreenJob {
  std::string version_id;  // the version that activated (one job per version)
  std::string scope;       // the tenant whose parties, or kSharedLists: every tenant's
  std::string source;
  int64_t version = 0;
  std::string actor, trace_id;
  // pending, running, completed, or superseded: a later version of the
  // same list was still waiting for its re-screening when this one was
  // taken (superseded_by), and that one screens every party instead.
  std::string status;
  std::string superseded_by;
  std::string after_tenant, after_key;  // the last party done (empty: none yet)
  int64_t parties_screened = 0, hits_raised = 0;
  int64_t created_at = 0, started_at = 0, finished_at = 0;  // 0: not yet
  // Attempts that failed since the last page committed, and when the job
  // may be taken again (0: at once). The error is the operator's: it may
  // come from any tenant's party, so no tenant is shown it.
  int64_t failures = 0, retry_at = 0;
  std::string last_error;
};

// One tenant's share of a job, as that tenant may see it (an official
// list's job also screens other tenants' parties, which it must not count).
struct RescreenProgress {
  std::string status;  // the job's
  int64_t parties_screened = 0, hits_raised = 0;
  int64_t started_at = 0, finished_at = 0;
  int64_t failures = 0, retry_at = 0;  // as in RescreenJob
};

// SQL of re-screening jobs (tables created by the screening migrations).
class RescreenJobs {
 public:
  // Stores a pending job for a version, in the caller's transaction.
  static void enqueue(soci::session& sql, const std::string& version_id, const std::string& scope,
                      const std::string& source, int64_t version, const std::string& actor,
                      const std::string& trace_id);
  // Takes the oldest unfinished job nobody holds (or whose holder's lease
  // ran out, or that `worker` holds already) and that is not waiting to be
  // retried, for `lease_micros`; nullopt when there is none. A job taken
  // while a later version of its list waits for its own comes back
  // `superseded` (and finished): the caller takes the next.
  static std::optional<RescreenJob> claim(store::Database& db, const std::string& worker, int64_t lease_micros);
  // The job's next parties after its cursor, in (tenant, key) order:
  // (tenant, key, party JSON).
  static std::vector<std::tuple<std::string, std::string, std::string>> next_parties(store::Database& db,
                                                                                   const RescreenJob& job,
                                                                                   size_t limit);
  // Parties the job has yet to screen (for a progress bar).
  static int64_t parties_left(store::Database& db, const RescreenJob& job);
  // Commits a page's progress in the caller's transaction (the one that
  // stores the page's checks and events): the new cursor, the counts per
  // tenant, and completion when `last`. False, changing nothing, when
  // `worker` no longer holds the job (its lease ran out and another took
  // it): the caller must then roll the page back.
  struct Page {
    std::string last_tenant, last_key;
    std::map<std::string, std::pair<int64_t, int64_t>> per_tenant;  // tenant -> (parties, hits)
    bool last = false;
  };
  static bool advance(soci::session& sql, RescreenJob& job, const std::string& worker, int64_t lease_micros,
                      const Page& page);
  // Records a failed attempt of `worker`'s job (a page that could not be
  // screened or stored: nothing of it committed) and hands the job back,
  // to be taken again from `retry_at` on, so that a job that fails on
  // every attempt does not stop the jobs queued after it. The job keeps
  // its cursor: nothing is skipped, whenever it succeeds. False when
  // `worker` no longer held it.
  static bool fail(store::Database& db, RescreenJob& job, const std::string& worker, const std::string& error,
                   int64_t retry_at);
  // Jobs whose last attempt failed (waiting for their retry), for the metrics.
  static int64_t failing(store::Database& db);
  // Gives up `worker`'s unfinished jobs so that the next worker resumes
  // them at once (a clean stop; a crash waits for the lease to run out).
  static void release(store::Database& db, const std::string& worker);
  // The tenant's view of the jobs of these versions, by version id.
  static std::map<std::string, RescreenProgress> progress(store::Database& db, const std::string& tenant_id,
                                                          const std::vector<std::string>& version_ids);
  static int64_t unfinished(store::Database& db);
  // The job of a version, whole (for the operator).
  static std::optional<RescreenJob> find(store::Database& db, const std::string& version_id);
};

}  // namespace hafnium::services::screening
