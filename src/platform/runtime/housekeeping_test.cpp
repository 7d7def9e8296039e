#include "platform/runtime/housekeeping.h"

#include <gtest/gtest.h>

#include "platform/util/time.h"
#include "support/store_fixture.h"

namespace hafnium::runtime {
namespace {

class HousekeepingTest : public testing::StoreTest {
 protected:
  long long count(const std::string& table) {
    long long c = 0;
    db_->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM " + table, soci::into(c); });
    return c;
  }
};

TEST_P(HousekeepingTest, SweepsOnlyWhatIsPastRetention) {
  long long now = util::now_micros();
  long long day = 86'400'000'000LL;
  long long old_time = now - 40 * day, recent = now - day;
  db_->write([&](soci::session& sql) {
    // Outbox: one old published row, one recent published, one old unpublished (never swept).
    sql << "INSERT INTO outbox (id, tenant_id, topic, event_key, event_type, payload, created_at, published_at)"
           " VALUES ('e1', 't', 'x', 'k', 'y', '{}', :a, :b)", soci::use(old_time), soci::use(old_time);
    sql << "INSERT INTO outbox (id, tenant_id, topic, event_key, event_type, payload, created_at, published_at)"
           " VALUES ('e2', 't', 'x', 'k', 'y', '{}', :a, :b)", soci::use(recent), soci::use(recent);
    sql << "INSERT INTO outbox (id, tenant_id, topic, event_key, event_type, payload, created_at)"
           " VALUES ('e3', 't', 'x', 'k', 'y', '{}', :a)", soci::use(old_time);
    sql << "INSERT INTO processed_events (consumer_group, event_id, tenant_id, processed_at)"
           " VALUES ('g', 'e1', 't', :a)", soci::use(old_time);
    sql << "INSERT INTO processed_events (consumer_group, event_id, tenant_id, processed_at)"
           " VALUES ('g', 'e2', 't', :a)", soci::use(recent);
    sql << "INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, state, created_at, expires_at)"
           " VALUES ('t', 'old', 'h', 'done', :a, :b)", soci::use(old_time), soci::use(recent);
    long long later = now + day;
    sql << "INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, state, created_at, expires_at)"
           " VALUES ('t', 'live', 'h', 'done', :a, :b)", soci::use(now), soci::use(later);
  });
  Housekeeping housekeeping(db_, RetentionPolicy{});
  auto swept = housekeeping.sweep_once();
  EXPECT_EQ(swept.outbox_rows, 1u);
  EXPECT_EQ(swept.processed_events, 1u);
  EXPECT_EQ(swept.idempotency_keys, 1u);
  EXPECT_EQ(count("outbox"), 2);
  EXPECT_EQ(count("processed_events"), 1);
  EXPECT_EQ(count("idempotency_keys"), 1);
}

HAFNIUM_STORE_TEST_SUITE(HousekeepingTest);

}  // namespace
}  // namespace hafnium::runtime
