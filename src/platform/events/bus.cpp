#include "platform/events/bus.h"

namespace hafnium::events {

const std::string* Message::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string dlq_topic(const std::string& topic) { return topic + ".dlq"; }

}  // namespace hafnium::events
