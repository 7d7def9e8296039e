#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "platform/store/database.h"

namespace hafnium::runtime {

struct RetentionPolicy {
  std::chrono::hours published_outbox{7 * 24};     // published events kept for replays and audits
  std::chrono::hours processed_events{30 * 24};    // consumer dedup window
  std::chrono::milliseconds interval{60'000};
};

struct SweepResult {
  size_t idempotency_keys = 0;
  size_t outbox_rows = 0;
  size_t processed_events = 0;
};

// Keeps the platform tables from growing without bound: expired
// idempotency keys, published outbox rows past retention, and consumer
// dedup records past their window. Dead letters and the audit log are never
// swept: operators decide about those.
class Housekeeping {
 public:
  Housekeeping(std::shared_ptr<store::Database> db, RetentionPolicy policy)
      : db_(std::move(db)), policy_(policy) {}
  ~Housekeeping() { stop(); }

  void start();
  void stop();
  SweepResult sweep_once();

 private:
  std::shared_ptr<store::Database> db_;
  RetentionPolicy policy_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hafnium::runtime
