#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "platform/events/bus.h"

namespace hafnium::events {

// Where a message goes after its last failed attempt.
class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  virtual void dead_letter(const std::string& group, const Message& message,
                           const std::string& error, int attempts) = 0;
};

struct InProcessBusOptions {
  size_t threads = 4;
  size_t lanes_per_group = 8;  // the in-process equivalent of partitions
  int max_attempts = 5;
  std::chrono::milliseconds backoff{100};  // doubled after each failed attempt
};

// The embedded profile's bus. Each consumer group has `lanes_per_group`
// lanes; a message goes to lane hash(key) % lanes, and a lane handles one
// message at a time, so order per key holds within a group. Durability comes
// from the outbox: a message is acknowledged to the relay only after every
// subscribed group handled or dead-lettered it, and anything not
// acknowledged is published again after a restart.
class InProcessBus : public EventBus {
 public:
  InProcessBus(InProcessBusOptions options, DeadLetterSink& dead_letters);
  ~InProcessBus() override;

  void publish(Message message, DeliveryCallback on_delivered) override;
  void subscribe(const std::string& group, std::vector<std::string> topics,
                 MessageHandler handler) override;
  void start() override;
  void stop() override;

  uint64_t handled() const { return handled_.load(); }
  uint64_t retried() const { return retried_.load(); }
  uint64_t dead_lettered() const { return dead_lettered_.load(); }

 private:
  struct Delivery {
    Message message;
    std::atomic<int> pending_groups{0};
    DeliveryCallback on_delivered;
  };
  struct Lane {
    std::mutex mutex;
    std::deque<std::shared_ptr<Delivery>> queue;
    bool running = false;
  };
  struct Group {
    std::string name;
    std::set<std::string> topics;
    MessageHandler handler;
    std::vector<std::unique_ptr<Lane>> lanes;
  };

  void drain(Group& group, Lane& lane);
  // Returns true when handled, false when dead-lettered; throws nothing.
  bool deliver(Group& group, const Message& message);
  void settle(const std::shared_ptr<Delivery>& delivery);

  InProcessBusOptions options_;
  DeadLetterSink& dead_letters_;
  std::mutex groups_mutex_;
  std::vector<std::unique_ptr<Group>> groups_;
  std::map<std::string, int64_t> next_offset_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> handled_{0}, retried_{0}, dead_lettered_{0};
};

}  // namespace hafnium::events
