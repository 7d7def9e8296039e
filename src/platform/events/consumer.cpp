#include "platform/events/consumer.h"

#include <boost/json/parse.hpp>
#include <stdexcept>

#include "platform/util/time.h"

namespace hafnium::events {

MessageHandler idempotent_consumer(std::shared_ptr<store::Database> db, std::string group,
                                   EnvelopeHandler handler) {
  return [db = std::move(db), group = std::move(group),
          handler = std::move(handler)](const Message& message) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(message.payload, ec);
    if (ec) throw std::invalid_argument("event payload is not JSON: " + ec.message());
    Envelope envelope = Envelope::from_json(parsed);
    db->write([&](soci::session& sql) {
      int seen = 0;
      sql << "SELECT COUNT(*) FROM processed_events WHERE consumer_group = :g AND event_id = :id",
          soci::use(group), soci::use(envelope.id), soci::into(seen);
      if (seen > 0) return;
      handler(sql, envelope);
      long long at = util::now_micros();
      sql << "INSERT INTO processed_events (consumer_group, event_id, tenant_id, processed_at)"
             " VALUES (:g, :id, :tenant, :at)",
          soci::use(group), soci::use(envelope.id), soci::use(envelope.tenant_id), soci::use(at);
    });
  };
}

}  // namespace hafnium::events
