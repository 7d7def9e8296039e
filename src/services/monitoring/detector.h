#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "platform/events/bus.h"
#include "platform/store/database.h"
#include "services/monitoring/domain/detection/engine.h"
#include "services/monitoring/repair_schedule.h"

namespace hafnium::services::monitoring {

// The stream side of monitoring: consumer group `monitoring-detection` on
// the `transactions` topic. Each transaction.ingested event is evaluated in
// memory by the tenant's engine (the default pack plus the tenant's enabled
// rules); its evaluation record (the transaction and its position in the
// detector's order), its alerts (raised or joined) and their alert.raised
// events are committed by a committer thread in batches (every few
// milliseconds), so the store sees one transaction per batch, not per event.
//
// Nothing is lost and nothing counts twice:
// - the evaluation record is the truth: a redelivered event whose
//   transaction is evaluated (committed or pending) is skipped;
// - at start, each tenant's engine is rebuilt by feeding it the evaluated
//   transactions in their recorded order without evaluating them, then
//   every stored transaction without an evaluation record (acknowledged by
//   the bus but not committed before a crash) is evaluated, in ingestion
//   order, before any new event;
// - a failed commit marks the batch's tenants: what is still pending is
//   committed, and the rebuild and catch-up above run again (the failed
//   batch's transactions are evaluated again, after what did commit), on
//   the repair thread, at once. A tenant whose evaluations still do not
//   commit is rebuilt again only as RepairSchedule allows. Until it is
//   rebuilt, its events stay stored and unevaluated for the rebuild's
//   catch-up.
class Detector {
 public:
  explicit Detector(std::shared_ptr<store::Database> db);
  ~Detector();

  static constexpr const char* kConsumerGroup = "monitoring-detection";
  void load();
  void subscribe(events::EventBus& bus);
  void handle(const events::Message& message);
  // An analyst closed or reopened an alert (committed): a closed alert no
  // longer makes its subject an alerted account for alert_score().
  void alert_status_changed(const std::string& tenant_id, const std::string& alert_id, const std::string& subject_id,
                            bool closed);
  // The tenant's rules changed: recompile before the next transaction.
  void rules_changed(const std::string& tenant_id);
  // Commits what is pending and stops the committer (after the bus stopped).
  void stop();
  // Commits what is pending now (tests, shutdown).
  void flush();

  detection::DetectionEngine& engine() { return engine_; }
  uint64_t alerts_raised() const { return raised_.load(); }
  uint64_t evaluated() const { return evaluated_.load(); }
  // How far behind evaluation runs: the time from a transaction's commit
  // (its event's time) to the detector taking it up, as of the latest one
  // taken up; zero once none has been for a second (nothing waits).
  std::chrono::microseconds evaluation_delay() const;
  uint64_t commit_failures() const { return commit_failures_.load(); }
  // Tenant states rebuilt because their evaluations had failed to commit.
  uint64_t repairs() const { return repairs_.load(); }
  // Tenants whose evaluations failed to commit and have not committed
  // since: their payments are not being evaluated (or not kept).
  size_t tenants_behind() {
    std::lock_guard lock(mutex_);
    return repair_schedule_.behind();
  }
  // Evaluated, not yet committed (their alerts not yet stored).
  size_t pending() {
    std::lock_guard lock(pending_mutex_);
    return pending_.size();
  }

 private:
  struct Pending {
    std::string tenant_id;
    std::string transaction_id;
    int64_t position;
    std::vector<detection::AlertChange> changes;
    std::string trace_id;
  };

  std::shared_ptr<const detection::RuleSet> compile_rules(soci::session& sql, const std::string& tenant_id);
  // Under the tenant's lock: state from the evaluated transactions, in
  // order, then the stored transactions never evaluated.
  void rebuild(detection::TenantEngine& engine, const std::string& tenant_id);
  // Whether the tenant's state broke and is not rebuilt yet: its events
  // stay stored and unevaluated for the rebuild's catch-up.
  bool broken(const std::string& tenant_id);
  // Under the tenant's lock, on the repair thread: rebuilds the tenant if
  // its state broke and the schedule allows a rebuild now.
  void repair(detection::TenantEngine& engine, const std::string& tenant_id);
  // The repair thread: rebuilds broken tenants, at once after a failed
  // commit and then as RepairSchedule allows. Rebuilds run only here, not
  // on the bus's threads, where they held up other tenants' events and a
  // failure sent the event back for retries and dead-lettering.
  void repair_broken_tenants();
  void evaluate(detection::TenantEngine& engine, const std::string& tenant_id, const Transaction& transaction,
                const std::string& trace_id);
  // Whether the event's transaction was evaluated already (committed or
  // pending). Within one process an event is handled once (the bus retries
  // only when the handler threw, before anything was evaluated), so only
  // events created before the tenant's last rebuild ended (plus a minute of
  // clock margin) can name an evaluated transaction: those are checked
  // against the store, the others against the pending set alone.
  bool evaluated_or_pending(const std::string& tenant_id, const std::string& transaction_id, int64_t event_time);
  void committer();
  // Commits what is pending; called with pending_mutex_ held (released
  // while the store works).
  void commit_pending(std::unique_lock<std::mutex>& lock);
  // Commits a batch; when it fails, each tenant's evaluations in it on
  // their own (one tenant's that the store refuses must not stop the
  // others'), and the tenants whose evaluations did not commit are rebuilt.
  void commit(std::vector<Pending> batch);
  // One transaction: the evaluation records, alerts and alert events.
  void write(const std::vector<Pending>& batch);

  std::shared_ptr<store::Database> db_;
  detection::DetectionEngine engine_;
  std::mutex mutex_;  // guards the maps below
  std::map<std::string, bool> stale_rules_;  // tenant -> rules must be reloaded
  std::map<std::string, int64_t> rebuilt_at_;  // tenant -> when its last rebuild ended
  RepairSchedule repair_schedule_;  // tenants whose evaluations failed to commit
  bool repairer_stopping_ = false;
  bool repair_wanted_ = false;  // a commit failed since the repair thread last looked
  std::condition_variable repair_cv_;  // with mutex_
  std::thread repairer_;
  int64_t loaded_at_ = INT64_MAX;              // tenants first seen later: since load()
  std::atomic<int64_t> position_{0};

  std::mutex pending_mutex_;
  std::condition_variable pending_cv_;
  std::vector<Pending> pending_;
  std::set<std::pair<std::string, std::string>> pending_ids_;  // (tenant, transaction) not yet committed
  bool committing_ = false;
  bool stopping_ = false;
  std::thread committer_;

  std::atomic<uint64_t> raised_{0};
  std::atomic<uint64_t> evaluated_{0};
  // Wall-clock micros: the latest handled event's delay, and when it was
  // handled (evaluation_delay).
  std::atomic<int64_t> last_delay_{0}, last_handled_at_{0};
  std::atomic<uint64_t> commit_failures_{0};
  std::atomic<uint64_t> repairs_{0};
};

// The transaction an ingested event describes (the event carries every
// field rules read, none that identify a person); nullopt for an event of
// an older shape that lacks them.
std::optional<Transaction> transaction_from_event(const boost::json::object& data);

}  // namespace hafnium::services::monitoring
