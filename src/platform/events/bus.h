#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace hafnium::events {

// A message as a broker carries it. The shape follows Kafka on purpose:
// topic, key (the partition key), headers, payload (the JSON envelope), and
// the offset the broker gave it.
struct Message {
  std::string topic;
  std::string key;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload;
  int64_t offset = -1;

  const std::string* header(std::string_view name) const;
};

// Handles one message. Throwing means "not handled": the bus retries with
// backoff and, after the last attempt, dead-letters the message. Returning
// normally commits the consumer's offset past it.
using MessageHandler = std::function<void(const Message&)>;

// Called once a published message is durable in the bus (Kafka: acked by the
// brokers; in-process: handled or dead-lettered by every subscribed group).
// The outbox relay marks the row published only then.
using DeliveryCallback = std::function<void(bool delivered)>;

// The event bus contract both the in-process bus and the Kafka adapter
// implement. Delivery is at least once and in order per (topic, key) within
// a consumer group.
class EventBus {
 public:
  virtual ~EventBus() = default;

  virtual void publish(Message message, DeliveryCallback on_delivered) = 0;
  // Joins consumer group `group` on `topics`. Each group sees every message
  // once (at least); the members of a group share the partitions.
  virtual void subscribe(const std::string& group, std::vector<std::string> topics,
                         MessageHandler handler) = 0;
  virtual void start() = 0;
  // Stops consuming after in-flight handlers finish.
  virtual void stop() = 0;
};

std::string dlq_topic(const std::string& topic);

}  // namespace hafnium::events
