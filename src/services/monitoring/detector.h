#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "platform/events/bus.h"
#include "platform/store/database.h"
#include "services/monitoring/domain/detection/engine.h"

namespace hafnium::services::monitoring {

// The stream side of monitoring: consumer group `monitoring-detection` on
// the `transactions` topic. Each transaction.ingested event is evaluated by
// the tenant's engine (the default pack plus the tenant's enabled rules),
// and its alerts (raised or joined), their alert.raised events and the
// evaluation record commit in one transaction: a redelivered event finds
// its evaluation record and changes nothing. At start, and after a failed
// commit, a tenant's engine is rebuilt by feeding it the transactions it
// had evaluated, in the same order, without evaluating them again.
class Detector {
 public:
  explicit Detector(std::shared_ptr<store::Database> db);

  static constexpr const char* kConsumerGroup = "monitoring-detection";
  void load();
  void subscribe(events::EventBus& bus);
  void handle(const events::Message& message);
  // The tenant's rules changed: recompile before the next transaction.
  void rules_changed(const std::string& tenant_id);

  detection::DetectionEngine& engine() { return engine_; }
  uint64_t alerts_raised() const { return raised_.load(); }

 private:
  std::shared_ptr<const detection::RuleSet> compile_rules(soci::session& sql, const std::string& tenant_id);
  // Under the tenant's lock: state from the evaluated transactions, in order.
  void rebuild(detection::TenantEngine& engine, const std::string& tenant_id);

  std::shared_ptr<store::Database> db_;
  detection::DetectionEngine engine_;
  std::mutex mutex_;
  std::map<std::string, bool> stale_rules_;  // tenant -> rules must be reloaded
  std::map<std::string, bool> stale_state_;  // tenant -> state must be rebuilt
  std::atomic<int64_t> position_{0};
  std::atomic<uint64_t> raised_{0};
};

}  // namespace hafnium::services::monitoring
