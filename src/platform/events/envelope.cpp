#include "platform/events/envelope.h"

#include <boost/json.hpp>
#include <stdexcept>

#include "platform/util/time.h"
#include "platform/util/uuid.h"

namespace hafnium::events {

boost::json::value Envelope::to_json() const {
  return boost::json::object{{"id", id},
                             {"type", type},
                             {"tenant", tenant_id},
                             {"key", key},
                             {"occurred_at", util::format_rfc3339(occurred_at)},
                             {"trace_id", trace_id},
                             {"schema_version", schema_version},
                             {"data", data}};
}

Envelope Envelope::from_json(const boost::json::value& value) {
  if (!value.is_object()) throw std::invalid_argument("envelope is not an object");
  const auto& o = value.as_object();
  auto text = [&](const char* name) {
    const auto* field = o.if_contains(name);
    if (!field || !field->is_string()) {
      throw std::invalid_argument(std::string("envelope field '") + name + "' is missing");
    }
    return std::string(field->as_string());
  };
  Envelope e;
  e.id = text("id");
  e.type = text("type");
  e.tenant_id = text("tenant");
  e.key = text("key");
  auto at = util::parse_rfc3339(text("occurred_at"));
  if (!at) throw std::invalid_argument("envelope occurred_at is not RFC 3339");
  e.occurred_at = *at;
  e.trace_id = text("trace_id");
  const auto* version = o.if_contains("schema_version");
  if (!version || !version->is_int64()) throw std::invalid_argument("envelope schema_version is missing");
  e.schema_version = static_cast<int>(version->as_int64());
  const auto* data = o.if_contains("data");
  e.data = data ? *data : boost::json::value();
  return e;
}

Envelope make_envelope(std::string type, std::string tenant_id, std::string key,
                       boost::json::value data, std::string trace_id) {
  Envelope e;
  e.id = util::uuid_v7();
  e.type = std::move(type);
  e.tenant_id = std::move(tenant_id);
  e.key = std::move(key);
  e.occurred_at = util::now_micros();
  e.trace_id = std::move(trace_id);
  e.data = std::move(data);
  return e;
}

}  // namespace hafnium::events
