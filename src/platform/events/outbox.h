#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <soci/soci.h>
#include <string>
#include <thread>

#include "platform/events/bus.h"
#include "platform/events/envelope.h"
#include "platform/store/database.h"

namespace hafnium::events {

// The transactional outbox. A target writes its state change and the event
// in one transaction (`enqueue` takes the caller's session); the relay then
// publishes committed rows to the bus. So an event exists if and only if its
// change committed, and it is published after commit.
class Outbox {
 public:
  static void enqueue(soci::session& sql, const std::string& topic, const Envelope& envelope);
};

// The same for many events in one transaction: the INSERT is prepared once
// and executed per event (a batch of 1,000 ingested payments would otherwise
// parse the same SQL 1,000 times).
class OutboxWriter {
 public:
  // An event rendered to its row ahead of the transaction that enqueues it:
  // rendering is JSON work, and a writer that enqueues many events does it
  // before taking the store's write lock, which every other writer waits for.
  struct Rendered {
    Rendered(std::string topic, const Envelope& envelope);
    std::string topic, id, tenant_id, key, type, payload;
  };

  explicit OutboxWriter(soci::session& sql);
  void enqueue(const std::string& topic, const Envelope& envelope);
  void enqueue(Rendered event);

 private:
  std::string id_, tenant_, topic_, key_, type_, payload_;
  long long at_ = 0;
  soci::statement statement_;
};

struct RelayStats {
  uint64_t published = 0;
  int64_t in_flight = 0;
};

// Polls the outbox for unpublished rows (and is woken early by `wake`),
// publishes them in sequence order, and marks each row published when the
// bus confirms delivery. Rows published but not confirmed before a crash are
// published again on the next start: delivery is at least once.
//
// Two threads: the relay publishes, the marker writes confirmations. Marking
// is a write and waits behind the store's other writers (a busy ingestion
// holds the write lock most of the time); done on the publishing thread it
// paced publishing by that queue, and consumers starved while the outbox
// filled.
class OutboxRelay {
 public:
  OutboxRelay(std::shared_ptr<store::Database> db, EventBus& bus,
              std::chrono::milliseconds poll_interval);
  ~OutboxRelay();

  void start();
  // Publishes what is pending and waits (up to `timeout`) until the bus
  // confirmed it all; then stops. Returns false on timeout.
  bool flush_and_stop(std::chrono::milliseconds timeout);
  void wake();
  bool running() const { return running_.load(); }
  RelayStats stats() const;
  // Number of committed rows not yet confirmed (for /readyz and metrics).
  int64_t backlog();

 private:
  void loop();
  size_t publish_batch();
  void confirm(int64_t seq);
  void marker_loop();
  // Marker thread only (and after both threads stopped).
  void mark_confirmed();
  // Relay thread only: forgets the rows marked since the last pass.
  void forget_marked();

  std::shared_ptr<store::Database> db_;
  EventBus& bus_;
  std::chrono::milliseconds poll_interval_;
  std::thread thread_, marker_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable cv_, marker_cv_;
  bool woken_ = false;
  // Published and not yet known to the relay thread as marked: a pass skips
  // these. Confirmed rows wait in confirmed_ for the marker; marked ones in
  // marked_ until the relay thread's next pass takes them out of in_flight_
  // (before it reads the table, so it cannot see them unpublished and
  // publish them twice).
  std::set<int64_t> in_flight_;
  std::vector<int64_t> confirmed_, marked_;
  // Relay thread only: the newest sequence number read, and when the last
  // pass from the start of the table ran (publish_batch says why).
  int64_t read_up_to_ = 0;
  std::chrono::steady_clock::time_point last_sweep_{};
  std::atomic<uint64_t> published_{0};
};

}  // namespace hafnium::events
