#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/events/in_process_bus.h"
#include "platform/store/database.h"

namespace hafnium::events {

struct DeadLetter {
  std::string id;
  std::string tenant_id;
  std::string topic;      // the original topic; the letter sits on <topic>.dlq
  std::string consumer_group;
  std::string event_id;
  std::string event_key;
  std::string payload;
  std::string error;
  int attempts = 0;
  int64_t failed_at = 0;
  std::optional<int64_t> replayed_at;
};

struct ReplayFilter {
  std::string topic;  // empty: any
  std::string group;  // empty: any
  std::string id;     // empty: any
};

// The dead-letter table: the embedded profile's `<topic>.dlq` topics.
class DeadLetterStore : public DeadLetterSink {
 public:
  explicit DeadLetterStore(std::shared_ptr<store::Database> db) : db_(std::move(db)) {}

  void dead_letter(const std::string& group, const Message& message, const std::string& error,
                   int attempts) override;
  std::vector<DeadLetter> list(bool include_replayed);
  // Puts each matching, not yet replayed letter back in the outbox (same
  // event id, so groups that handled it already skip it) and marks it
  // replayed, in one transaction. Returns how many were replayed.
  size_t replay(const ReplayFilter& filter);

 private:
  std::shared_ptr<store::Database> db_;
};

}  // namespace hafnium::events
