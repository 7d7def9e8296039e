#pragma once

#include <map>
#include <optional>
#include <set>
#include <soci/soci.h>
#include <string>
#include <tuple>
#include <vector>

#include "platform/events/outbox.h"
#include "platform/store/database.h"
#include "platform/store/migrations.h"
#include "services/screening/domain/entity.h"

namespace hafnium::services::screening {

// Official lists imported by the operator (CLI) are shared by all tenants
// and stored under this tenant id; a tenant's own lists (custom:<name>)
// under the tenant's id. Every query of list data asks for both.
inline constexpr const char* kSharedLists = "*";

struct ListVersion {
  std::string tenant_id, id, source;
  int64_t version = 0;
  std::string status;  // active, superseded
  std::string list_date;
  int64_t entity_count = 0, added = 0, removed = 0, changed = 0;
  int64_t imported_at = 0;
  std::string actor;
};

struct StoredMatch {
  std::string id, check_id, party_key, list, entity_id, fingerprint, status;
  double score = 0;
};

// SQL of the screening target, nothing else.
class ScreeningStore {
 public:
  explicit ScreeningStore(store::Database& db) : db_(db) {}

  static std::vector<store::Migration> migrations();

  // Stores a new version of (tenant, source), computes its diff against the
  // active one, and makes it active, all in the caller's transaction: the
  // switch is atomic; a failure leaves the active version as it was.
  // Imports of one (tenant, source) take turns (lock_source): concurrent
  // ones become consecutive versions, each diffed against the one before.
  ListVersion activate(soci::session& sql, const std::string& tenant_id, const std::string& source,
                       const std::string& list_date, const std::vector<WatchlistEntity>& entities,
                       const std::string& actor);
  // Holds (tenant, source) for the caller's transaction, until it ends
  // (store::lock_for_transaction): without it two imports both read
  // version N as active, and the second failed on version N+1's key.
  void lock_source(soci::session& sql, const std::string& tenant_id, const std::string& source);
  // Whether (tenant, source) has an active version, in the caller's transaction.
  bool has_active(soci::session& sql, const std::string& tenant_id, const std::string& source);
  // Active versions visible to a tenant (its own and the shared ones); all
  // tenants' when tenant_id is empty (the server's index).
  std::vector<ListVersion> active_versions(const std::string& tenant_id);
  std::vector<WatchlistEntity> entities_of(const ListVersion& version);

  std::optional<std::string> check_document(const std::string& tenant_id, const std::string& id);
  // A tenant's checks newest first (ids are UUIDv7), after the check
  // `after` (empty: from the newest), of one party (`party_key`) and with
  // one status when given: (id, document) pairs.
  std::vector<std::pair<std::string, std::string>> list_checks(const std::string& tenant_id,
                                                               const std::string& party_key,
                                                               const std::string& status, const std::string& after,
                                                               size_t limit);
  void insert_match(soci::session& sql, const std::string& tenant_id, const StoredMatch& match);
  std::optional<StoredMatch> find_match(soci::session& sql, const std::string& tenant_id, const std::string& id);
  // The analysts' queue: a tenant's matches newest first (ids are UUIDv7),
  // after the match `after` (empty: from the newest), filtered by status
  // and list when given (status open: each open hit once, its newest
  // copy); each with its check's time and document (the party as
  // screened then, the match's names and explanation).
  struct QueuedMatch {
    StoredMatch match;
    int64_t checked_at = 0;
    std::string check_document;
  };
  std::vector<QueuedMatch> list_matches(soci::session& sql, const std::string& tenant_id, const std::string& status,
                                        const std::string& list, const std::string& after, size_t limit);
  // Per list, the matches of the checks made in [from, to) by their
  // status now, and when the oldest still open was found (how long the
  // queue has kept someone waiting).
  struct ListReview {
    std::string list;
    std::map<std::string, int64_t> by_status;
    int64_t oldest_open_checked_at = 0;  // 0: none open
  };
  std::vector<ListReview> review_by_list(const std::string& tenant_id, int64_t from, int64_t to);
  // Where the analysts' review of a check's matches stands now: each
  // match's status and its latest decision (none while open or
  // suppressed), by match id. Stored check documents keep what screening
  // found; this is what happened to it since.
  struct MatchReview {
    std::string status;
    std::string decision, reason, decided_by;
    int64_t decided_at = 0;
  };
  std::map<std::string, MatchReview> match_reviews(const std::string& tenant_id, const std::string& check_id);
  // The tenant's open matches of the same hit as `match`: the same party
  // and list entity, the entity reading the same (its fingerprint).
  std::vector<StoredMatch> open_matches_of_hit(soci::session& sql, const std::string& tenant_id,
                                               const StoredMatch& match);
  // Records a decision at `at` (micros) and makes it the match's status.
  void record_disposition(soci::session& sql, const std::string& tenant_id, const StoredMatch& match,
                          const std::string& decision, const std::string& reason, const std::string& actor,
                          int64_t at);
  // The statements that store a check, prepared once per transaction and
  // executed per party: a batch of 10,000 parties had SQLite compile
  // 40,000 statements.
  class CheckWriter {
   public:
    explicit CheckWriter(soci::session& sql);
    soci::session& session() { return sql_; }
    // The tenant's standing decisions on the party's hits, by (list,
    // entity id, fingerprint): the latest decision on each. Reads on the
    // writer's session: a check runs inside a write transaction, and
    // borrowing a second pooled session there could wait forever on a
    // pool that writers have exhausted.
    using Hit = std::tuple<std::string, std::string, std::string>;
    struct Decisions {
      std::set<Hit> false_positives;             // suppressed on later checks
      std::map<Hit, std::string> true_matches;  // confirmed: the match that was decided
    };
    Decisions decisions(const std::string& tenant_id, const std::string& party_key);
    void insert_check(const std::string& tenant_id, const std::string& id, const std::string& party_key,
                      const std::string& status, const std::string& document, const std::string& actor,
                      int64_t created_at);
    void remember_party(const std::string& tenant_id, const std::string& party_key, const std::string& party_json);
    events::OutboxWriter& outbox() { return outbox_; }

   private:
    soci::session& sql_;
    std::string tenant_, key_, id_, status_, document_, actor_;
    long long at_ = 0;
    std::string list_, entity_, fingerprint_, decision_, match_;
    soci::statement decisions_, insert_check_, remember_party_;
    events::OutboxWriter outbox_;
  };

  // Screened parties, for ongoing screening (RescreenJobs pages through
  // them; CheckWriter::remember_party keeps each one's latest form).
  struct MonitoredParty {
    std::string party;  // JSON, as last screened
    int64_t updated_at = 0;
  };
  std::optional<MonitoredParty> find_party(const std::string& tenant_id, const std::string& party_key);
  // Ends ongoing screening of a party (the customer left): it is no longer
  // re-screened and its reported hits are forgotten (on a return, its
  // undecided hits are asked again); its checks and decisions stay as the
  // record, and the decisions still apply. False when the tenant screens
  // no such party.
  static bool forget_party(soci::session& sql, const std::string& tenant_id, const std::string& party_key);
  // Hits already reported for a party (so re-screening raises only new ones).
  bool known_hit(soci::session& sql, const std::string& tenant_id, const std::string& party_key,
                 const std::string& list, const std::string& entity_id, const std::string& fingerprint);
  void add_hit(soci::session& sql, const std::string& tenant_id, const std::string& party_key,
               const std::string& list, const std::string& entity_id, const std::string& fingerprint);

 private:
  store::Database& db_;
};

}  // namespace hafnium::services::screening
