#include "platform/events/dead_letters.h"

#include <boost/json.hpp>

#include "platform/store/row.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"

namespace hafnium::events {

void DeadLetterStore::dead_letter(const std::string& group, const Message& message,
                                  const std::string& error, int attempts) {
  std::string tenant, event_id;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(message.payload, ec);
  if (!ec && parsed.is_object()) {
    if (const auto* t = parsed.as_object().if_contains("tenant"); t && t->is_string()) tenant = t->as_string();
    if (const auto* i = parsed.as_object().if_contains("id"); i && i->is_string()) event_id = i->as_string();
  }
  if (event_id.empty()) {
    if (const auto* header = message.header("event-id")) event_id = *header;
  }
  std::string id = util::uuid_v7();
  long long at = util::now_micros();
  std::string reason = error.substr(0, 2000);
  db_->write([&](soci::session& sql) {
    sql << "INSERT INTO dead_letters (id, tenant_id, topic, consumer_group, event_id, event_key,"
           " payload, error, attempts, failed_at) VALUES (:id, :tenant, :topic, :grp, :event,"
           " :ekey, :payload, :error, :attempts, :at)",
        soci::use(id), soci::use(tenant), soci::use(message.topic), soci::use(group),
        soci::use(event_id), soci::use(message.key), soci::use(message.payload),
        soci::use(reason), soci::use(attempts), soci::use(at);
  });
}

namespace {
constexpr const char* kColumns =
    "SELECT id, tenant_id, topic, consumer_group, event_id, event_key, payload, error, attempts,"
    " failed_at, replayed_at FROM dead_letters";

DeadLetter from_row(const soci::row& row) {
  DeadLetter d;
  d.id = store::get_string(row, 0);
  d.tenant_id = store::get_string(row, 1);
  d.topic = store::get_string(row, 2);
  d.consumer_group = store::get_string(row, 3);
  d.event_id = store::get_string(row, 4);
  d.event_key = store::get_string(row, 5);
  d.payload = store::get_string(row, 6);
  d.error = store::get_string(row, 7);
  d.attempts = static_cast<int>(store::get_int64(row, 8));
  d.failed_at = store::get_int64(row, 9);
  d.replayed_at = store::get_optional_int64(row, 10);
  return d;
}
}  // namespace

std::vector<DeadLetter> DeadLetterStore::list(bool include_replayed) {
  return db_->read([&](soci::session& sql) {
    std::vector<DeadLetter> out;
    std::string query = std::string(kColumns) +
                        (include_replayed ? "" : " WHERE replayed_at IS NULL") + " ORDER BY id";
    soci::rowset<soci::row> rows = sql.prepare << query;
    for (const auto& row : rows) out.push_back(from_row(row));
    return out;
  });
}

size_t DeadLetterStore::replay(const ReplayFilter& filter) {
  return db_->write([&](soci::session& sql) {
    std::vector<DeadLetter> letters;
    {
      soci::rowset<soci::row> rows = sql.prepare
          << std::string(kColumns) + " WHERE replayed_at IS NULL ORDER BY id";
      for (const auto& row : rows) {
        auto letter = from_row(row);
        if (!filter.topic.empty() && letter.topic != filter.topic) continue;
        if (!filter.group.empty() && letter.consumer_group != filter.group) continue;
        if (!filter.id.empty() && letter.id != filter.id) continue;
        letters.push_back(std::move(letter));
      }
    }
    long long at = util::now_micros();
    for (const auto& letter : letters) {
      std::string type;
      boost::system::error_code ec;
      auto parsed = boost::json::parse(letter.payload, ec);
      if (!ec && parsed.is_object()) {
        if (const auto* t = parsed.as_object().if_contains("type"); t && t->is_string()) type = t->as_string();
      }
      // A replay is a new outbox row carrying the same envelope: the event id
      // is unchanged, so groups that processed it skip it; a fresh row id
      // keeps the outbox's own uniqueness.
      std::string row_id = util::uuid_v7();
      sql << "INSERT INTO outbox (id, tenant_id, topic, event_key, event_type, payload, created_at)"
             " VALUES (:id, :tenant, :topic, :key, :type, :payload, :at)",
          soci::use(row_id), soci::use(letter.tenant_id), soci::use(letter.topic),
          soci::use(letter.event_key), soci::use(type), soci::use(letter.payload), soci::use(at);
      sql << "UPDATE dead_letters SET replayed_at = :at WHERE id = :id", soci::use(at),
          soci::use(letter.id);
    }
    return letters.size();
  });
}

}  // namespace hafnium::events
