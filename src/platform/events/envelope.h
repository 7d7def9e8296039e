#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>

namespace hafnium::events {

// Every event on every topic travels in this envelope (api/events.md).
struct Envelope {
  std::string id;            // UUIDv7; consumers deduplicate on it
  std::string type;          // "customer.created", "alert.raised", ...
  std::string tenant_id;
  std::string key;           // partition key: events with one key stay in order
  int64_t occurred_at = 0;   // UTC micros
  std::string trace_id;
  int schema_version = 1;
  boost::json::value data;

  boost::json::value to_json() const;
  // Throws std::invalid_argument when a field is missing or of the wrong type.
  static Envelope from_json(const boost::json::value& value);
};

// Builds an envelope with a fresh id and the current time.
Envelope make_envelope(std::string type, std::string tenant_id, std::string key,
                       boost::json::value data, std::string trace_id = "");

}  // namespace hafnium::events
