#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/monitoring/domain/detection/account_index.h"
#include "services/monitoring/domain/detection/alert.h"
#include "services/monitoring/domain/detection/reference_rates.h"
#include "services/monitoring/domain/detection/rule_set.h"
#include "services/monitoring/domain/detection/transaction_graph.h"
#include "services/monitoring/domain/payment_log.h"
#include "services/monitoring/domain/sliding_window.h"
#include "services/monitoring/domain/transaction.h"

namespace hafnium::services::monitoring::detection {

struct EngineOptions {
  // Transactions up to this much older than the newest of their key still
  // land in their own window buckets.
  int64_t lateness_micros = 3600LL * 1'000'000;
  const ReferenceRates* rates = &ReferenceRates::bundled();
  size_t max_transaction_ids_per_alert = 100;
  TransactionGraph::Limits graph;
  // Account-to-account transfers form the payment graph; card spending
  // and cash do not move funds between the parties being layered.
  std::set<std::string> graph_types = {"wire", "ach", "transfer", "crypto", "cheque", "other"};
  // An account's windows in one direction are computed from a list of its
  // payments (PaymentLog) until the list holds more than this many within
  // the longest window; then they move to buckets for good. 0: buckets
  // for every account. At most 4,096 (larger values are taken as that).
  size_t payment_list_limit = 128;
};

// The monitoring engine of one tenant: windowed features per grouping key,
// account history, the time-bounded payment graph, the compiled rules and
// the alerts still collecting hits. Pure computation, no I/O: the stream
// consumer persists what it returns, the replay command writes it to a
// file, the backtest returns it. Not thread-safe; one thread at a time.
class TenantEngine {
 public:
  TenantEngine(std::string tenant_id, EngineOptions options);
  ~TenantEngine();
  TenantEngine(const TenantEngine&) = delete;
  TenantEngine& operator=(const TenantEngine&) = delete;

  // Installs a rule set. Features the new rules need that the old ones
  // did not start empty from here (windows already kept carry over).
  void set_rules(std::shared_ptr<const RuleSet> rules);
  const std::shared_ptr<const RuleSet>& rules() const { return rules_; }

  // Feeds one transaction, in event-time order as far as possible (late
  // ones within the lateness are fine). With `evaluate` false the state is
  // updated without evaluating rules: how a restart rebuilds its state.
  std::vector<AlertChange> process(const Transaction& transaction, bool evaluate = true);

  // Forgets everything (features, graph, alerts, rules): the start of a rebuild.
  void reset();

  // An alert raised before (restored from the store) that later hits join.
  // A closed alert (reviewed by an analyst) still gathers the hits of its
  // collection period but no longer counts for alert_score().
  void remember(const Alert& alert, bool closed = false);
  // An analyst closed (or reopened) an alert: from now on it does not (or
  // does again) make its subject an alerted account for alert_score().
  // Nothing happens for an alert whose collection period is over.
  void set_alert_closed(const std::string& alert_id, const std::string& subject_id, bool closed);

  // A grouping key's aggregates over one window at `at`, as the rules see
  // them (amounts in reporting-currency cents), for diagnostics and tests;
  // nullopt when no rule keeps that window for that grouping and filter.
  std::optional<WindowStats> aggregate(ResolvedFeature::Group group, const std::string& key, int64_t window,
                                       int64_t at, const std::string& filter = "") const;

  size_t keys() const;
  size_t accounts() const { return accounts_.size(); }
  // Accounts (counted per direction) whose windows are kept in buckets
  // rather than as a list of their payments.
  size_t accounts_in_buckets() const { return directions_[0].bucket_slots + directions_[1].bucket_slots; }
  // Payments evaluated too late for one or more of their windows (a
  // rebuild's replay does not count them again).
  uint64_t late_transactions() const { return late_; }
  // Counting why rules did not fire for want of a value (a missing field,
  // a division by zero...), per rule id and reason: off on the stream, on
  // for a backtest, which shows its author a rule that cannot fire.
  void count_failures(bool on) { count_failures_ = on; }
  const std::map<std::string, std::map<std::string, uint64_t>>& failures() const { return failures_; }
  // Approximate heap bytes held by features, graph and open alerts.
  size_t memory_bytes() const;

 private:
  struct Track;
  struct Evaluation;
  struct Slot {
    ResolvedFeature feature;
    size_t track = 0;   // aggregates: which track
    size_t window = 0;  // and which of its windows
    // new_distinct: the window itself at its own granularity (the window
    // above is the baseline's, window + 30 days, in coarser buckets).
    size_t recent_window = 0;
  };
  using Account = TransactionGraph::Account;
  struct AccountHistory {
    int64_t first_seen = INT64_MAX;
    int64_t last_seen = INT64_MIN;
  };

  // An account's windows in one direction (0: out of the account, 1: into
  // it): a payment list per account while it pays little, buckets in the
  // tracks' arrays once it outgrows the list (or when the direction's
  // tracks are too many for lists).
  struct Direction {
    std::vector<PaymentLog> logs;  // by account number
    std::vector<size_t> tracks;    // its per-account tracks, by their place in the list's bits
    bool lists = false;            // whether accounts start with a list
    int64_t keep = 0;              // how far back before its newest payment a list keeps payments
    uint32_t bucket_slots = 0;     // accounts moved to buckets so far
    // Whether an account's windows in this direction are read from its list.
    bool listed(const PaymentLog& log) const { return lists && !log.in_buckets(); }
  };
  Direction directions_[2];
  // Where a per-account track's windows for one account are: the list,
  // the buckets, or nowhere yet.
  const PaymentLog* list_of(const Track& track, Account account) const;
  SlidingWindow* buckets_of(Track& track, Account account, bool create);
  const SlidingWindow* buckets_of(const Track& track, Account account) const;
  // An account's aggregates over one of a per-account track's windows,
  // from its list or its buckets (empty when it has neither).
  WindowStats account_stats(const Track& track, size_t window, Account account, int64_t at, bool with_distinct) const;
  size_t account_new_distinct(const Track& track, const Slot& slot, Account account, int64_t at) const;
  // Moves an account's list into buckets (it outgrew the list, or the
  // rules changed so that its direction has no lists).
  void move_to_buckets(int direction, Account account);

  size_t slot_for(const ResolvedFeature& feature, std::vector<std::unique_ptr<Track>>& tracks);
  Account intern(const std::string& account);
  std::optional<Account> find_account(const std::string& account) const;
  // The windows of the transaction's key in a track (nullptr when the key
  // is missing or, with create false, unknown).
  SlidingWindow* windows_of(Track& track, const Transaction& t, Account debtor, Account creditor, bool creditor_side,
                            bool create);
  std::optional<double> compute(const Slot& slot, Evaluation& evaluation);
  GraphFinding graph_finding(const Slot& slot, const Evaluation& evaluation, bool evidence) const;
  std::optional<double> history_value(const ResolvedFeature& feature, const Evaluation& evaluation) const;
  std::string render(const CompiledRuleDefinition& rule, size_t rule_index, Evaluation& evaluation);
  // The values a rule reads: fields of the transaction, features by the
  // rule's call numbers (`calls`: call number -> slot). The context refers
  // to the binding, which must outlive it.
  struct Binding {
    TenantEngine* engine;
    Evaluation* evaluation;
    const std::vector<size_t>* calls;
  };
  static rules::Context context_for(const Binding& binding);
  AlertChange record(const CompiledRuleDefinition& rule, const Transaction& t, Evaluation& evaluation,
                     std::vector<rules::Fact> facts, std::string explanation, std::vector<std::string> evidence);

  static constexpr size_t kMaxListLimit = 4096;
  std::string tenant_id_;
  EngineOptions options_;
  size_t list_limit_;
  std::shared_ptr<const RuleSet> rules_;
  std::vector<std::unique_ptr<Track>> tracks_;
  std::vector<Slot> slots_;
  std::vector<std::vector<size_t>> rule_slots_;                  // per rule: call number -> slot
  std::vector<std::vector<std::vector<size_t>>> template_slots_;  // per rule, per piece: call -> slot
  // Per rule: the payment types its windows count (bit i:
  // transaction_types()[i]), listed as its alerts' evidence.
  std::vector<uint32_t> evidence_types_;
  uint32_t graph_type_bits_ = 0;  // options_.graph_types, as bits like those
  // Whether a rule lists card and cash payments out of (into) its subject:
  // the graph keeps them only on the lists some rule reads.
  bool list_other_out_ = false, list_other_in_ = false;
  // Per rule: the payment types for which its condition is false whatever
  // else the payment holds (it is not evaluated for them).
  std::vector<uint32_t> rule_never_fires_;
  // Per rule and payment type (its index in transaction_types()): the
  // condition with every test of tx.type decided for that type, which is
  // what the hot path evaluates.
  std::vector<std::vector<rules::CompiledRule>> rule_by_type_;
  std::optional<size_t> history_out_, history_in_;               // 90-day tracks history reads
  // Accounts are numbered once; per-account state lives in vectors.
  AccountIndex accounts_;
  std::vector<AccountHistory> history_;
  TransactionGraph graph_;
  std::unordered_map<std::string, Alert> open_alerts_;  // rule id \x1f subject -> alert
  // Per account (by number; empty for most): each alert's end of
  // collection period, score and review state, for alert_score(); expired
  // entries go with the open alerts. A flat array, as the rest of the
  // per-account state: alert_score is read on every transfer, and a hash
  // lookup there cost more than the 24 bytes per account.
  struct AlertMark {
    int64_t until;
    int64_t score;
    std::string alert_id;
    bool closed;
  };
  std::vector<std::vector<AlertMark>> alert_marks_;
  void note_alert(const Alert& alert, bool closed);
  // Open alerts by the end of their collection period, soonest on top:
  // forgetting the ones that ended looks at these, not at every open alert
  // (a busy tenant holds hundreds of thousands).
  struct Expiry {
    int64_t until;
    std::string key;       // in open_alerts_
    std::string alert_id;  // the alert that had the key then
    Account subject;
    bool operator>(const Expiry& other) const { return until > other.until; }
  };
  std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiries_;
  void expect_expiry(const std::string& key, const Alert& alert);
  void forget_ended_alerts();
  std::vector<std::pair<size_t, SlidingWindow*>> touched_scratch_;  // track, its windows for this payment
  std::vector<std::optional<double>> values_scratch_;
  std::vector<char> computed_scratch_;
  int64_t newest_ = INT64_MIN;
  uint64_t late_ = 0;
  bool count_failures_ = false;
  std::map<std::string, std::map<std::string, uint64_t>> failures_;
};

// Tenant engines by tenant, each behind its own lock.
class DetectionEngine {
 public:
  explicit DetectionEngine(EngineOptions options = {}) : options_(options) {}

  // Runs `f(TenantEngine&)` under the tenant's lock, creating the engine
  // (with `rules`) the first time.
  template <typename F>
  auto with_tenant(const std::string& tenant_id, F&& f) {
    auto& slot = tenant(tenant_id);
    std::lock_guard lock(slot.mutex);
    Publish publish{slot};
    return f(*slot.engine);
  }
  // Runs `f(TenantEngine&)` under the tenant's lock only when the tenant
  // has an engine already (a notification about a tenant never seen must
  // not create one without its rules); false when it has none.
  template <typename F>
  bool with_existing_tenant(const std::string& tenant_id, F&& f) {
    Slot* slot = existing(tenant_id);
    if (!slot) return false;
    std::lock_guard lock(slot->mutex);
    Publish publish{*slot};
    f(*slot->engine);
    return true;
  }
  // Totals over the tenants as of their engines' last use. Read without
  // taking any tenant's lock: a metrics scrape must answer while a tenant
  // rebuilds its state (which holds its lock for as long as reading its
  // history takes, minutes for a large tenant), not time out.
  uint64_t late_transactions() const;
  // Accounts the tenants' engines keep state for (each about 4 KB when it
  // pays once a day or two).
  size_t accounts() const;

 private:
  struct Slot {
    std::mutex mutex;
    std::unique_ptr<TenantEngine> engine;
    // The engine's figures, published when each use of it ends.
    std::atomic<size_t> accounts{0};
    std::atomic<uint64_t> late{0};
  };
  // Publishes a slot's figures when the use of its engine ends (returned
  // or thrown), still under its lock.
  struct Publish {
    Slot& slot;
    ~Publish() {
      slot.accounts.store(slot.engine->accounts(), std::memory_order_relaxed);
      slot.late.store(slot.engine->late_transactions(), std::memory_order_relaxed);
    }
  };
  Slot& tenant(const std::string& tenant_id);
  Slot* existing(const std::string& tenant_id);  // slots are never removed

  EngineOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Slot>> tenants_;
};

}  // namespace hafnium::services::monitoring::detection
