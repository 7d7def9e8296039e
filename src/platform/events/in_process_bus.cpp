#include "platform/events/in_process_bus.h"
#include "platform/util/error_text.h"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <functional>
#include <thread>

namespace hafnium::events {

InProcessBus::InProcessBus(InProcessBusOptions options, DeadLetterSink& dead_letters)
    : options_(options), dead_letters_(dead_letters) {}

InProcessBus::~InProcessBus() { stop(); }

void InProcessBus::start() {
  stopping_ = false;
  if (!pool_) pool_ = std::make_unique<boost::asio::thread_pool>(options_.threads);
}

void InProcessBus::stop() {
  stopping_ = true;
  if (pool_) {
    pool_->join();
    pool_.reset();
  }
}

void InProcessBus::subscribe(const std::string& group, std::vector<std::string> topics,
                             MessageHandler handler) {
  std::lock_guard lock(groups_mutex_);
  auto g = std::make_unique<Group>();
  g->name = group;
  g->topics.insert(topics.begin(), topics.end());
  g->handler = std::move(handler);
  for (size_t i = 0; i < options_.lanes_per_group; ++i) g->lanes.push_back(std::make_unique<Lane>());
  groups_.push_back(std::move(g));
}

void InProcessBus::publish(Message message, DeliveryCallback on_delivered) {
  auto delivery = std::make_shared<Delivery>();
  std::vector<Group*> targets;
  {
    std::lock_guard lock(groups_mutex_);
    message.offset = next_offset_[message.topic]++;
    for (auto& group : groups_) {
      if (group->topics.contains(message.topic)) targets.push_back(group.get());
    }
  }
  delivery->message = std::move(message);
  delivery->on_delivered = std::move(on_delivered);
  if (targets.empty() || stopping_ || !pool_) {
    // Nobody subscribes: the message is delivered to all (zero) groups. When
    // stopping, it is not acknowledged and will be published again.
    if (delivery->on_delivered) delivery->on_delivered(targets.empty());
    return;
  }
  delivery->pending_groups = static_cast<int>(targets.size());
  size_t lane_index = std::hash<std::string>{}(delivery->message.key) % options_.lanes_per_group;
  for (Group* group : targets) {
    Lane& lane = *group->lanes[lane_index];
    bool start_drain = false;
    {
      std::lock_guard lock(lane.mutex);
      lane.queue.push_back(delivery);
      if (!lane.running) {
        lane.running = true;
        start_drain = true;
      }
    }
    if (start_drain) {
      boost::asio::post(*pool_, [this, group, &lane] { drain(*group, lane); });
    }
  }
}

void InProcessBus::drain(Group& group, Lane& lane) {
  for (;;) {
    std::shared_ptr<Delivery> delivery;
    {
      std::lock_guard lock(lane.mutex);
      if (lane.queue.empty() || stopping_) {
        // On stop the rest stays unacknowledged: the relay republishes it
        // after the next start, and consumers deduplicate.
        lane.queue.clear();
        lane.running = false;
        return;
      }
      delivery = lane.queue.front();
      lane.queue.pop_front();
    }
    if (deliver(group, delivery->message)) settle(delivery);
  }
}

bool InProcessBus::deliver(Group& group, const Message& message) {
  auto backoff = options_.backoff;
  std::string last_error;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    try {
      group.handler(message);
      ++handled_;
      return true;
    } catch (const std::exception& error) {
      last_error = util::error_text(error);
    } catch (...) {
      last_error = "unknown error";
    }
    if (attempt < options_.max_attempts) {
      ++retried_;
      spdlog::warn("consumer {} failed on {} offset {} (attempt {}): {}", group.name,
                   message.topic, message.offset, attempt, last_error);
      // Holding the lane keeps order per key; the pause gives a transient
      // fault (a locked row, a peer restarting) time to clear.
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
      if (stopping_) return false;
    }
  }
  try {
    dead_letters_.dead_letter(group.name, message, last_error, options_.max_attempts);
    ++dead_lettered_;
    spdlog::error("consumer {} dead-lettered {} offset {} after {} attempts: {}", group.name,
                  message.topic, message.offset, options_.max_attempts, last_error);
    return true;
  } catch (const std::exception& error) {
    // Not even the dead-letter store took it: leave it unacknowledged so that
    // it is delivered again after a restart rather than lost.
    spdlog::error("dead-lettering failed for {} offset {}: {}", message.topic, message.offset,
                  util::error_text(error));
    return false;
  }
}

void InProcessBus::settle(const std::shared_ptr<Delivery>& delivery) {
  if (delivery->pending_groups.fetch_sub(1) == 1 && delivery->on_delivered) {
    delivery->on_delivered(true);
  }
}

}  // namespace hafnium::events
