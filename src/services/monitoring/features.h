#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <soci/soci.h>
#include <string>
#include <vector>

#include "platform/events/bus.h"
#include "platform/store/database.h"
#include "platform/store/migrations.h"
#include "services/monitoring/domain/sliding_window.h"

namespace hafnium::services::monitoring {

struct WindowSpec {
  std::string name;  // "1h", "24h", "7d", "30d", "90d"
  int64_t length;
  int64_t bucket;
};
const std::vector<WindowSpec>& standard_windows();

// Sliding-window aggregates per grouping key, fed by the `transactions`
// topic: "out:<account>" (the account as debtor; distinct = creditors) and
// "in:<account>" (as creditor; distinct = debtors). Each event updates the
// keys' buckets in the store in the same transaction that records the
// event as processed, and the in-memory copy only after that commit, so a
// redelivered event changes nothing and a restart restores exactly the
// state an uninterrupted run has.
class FeatureStore {
 public:
  FeatureStore(std::shared_ptr<store::Database> db, int64_t lateness_micros);

  static std::vector<store::Migration> migrations();
  static constexpr const char* kConsumerGroup = "monitoring-features";

  void load();
  void subscribe(events::EventBus& bus);
  // Handles one transaction.ingested message (exposed for tests).
  void handle(const events::Message& message);

  // Aggregates of every standard window for the key at `at`; nullopt for
  // a key never seen.
  std::optional<std::vector<WindowStats>> stats(const std::string& tenant_id, const std::string& group_key,
                                                int64_t at) const;
  size_t keys() const;
  uint64_t late_events() const { return late_.load(); }

 private:
  using Windows = std::vector<SlidingWindow>;
  Windows fresh() const;
  void persist(soci::session& sql, const std::string& tenant_id, const std::string& key, const Windows& windows,
               int64_t event_time);

  std::shared_ptr<store::Database> db_;
  int64_t lateness_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Windows> state_;  // (tenant, key)
  std::atomic<uint64_t> late_{0};
};

}  // namespace hafnium::services::monitoring
