#include "platform/audit/audit_log.h"

#include <gtest/gtest.h>

#include "platform/auth/tenants.h"
#include "support/store_fixture.h"

namespace hafnium::audit {
namespace {

class AuditLogTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    tenant_ = auth::TenantStore(*db_).create("acme").id;
    other_ = auth::TenantStore(*db_).create("other").id;
    for (int i = 0; i < 5; ++i) {
      AuditLog::append(*db_, {tenant_, "api-key:k" + std::to_string(i), "things.update",
                              "thing/" + std::to_string(i), "success", "test", "trace"});
    }
    AuditLog::append(*db_, {other_, "api-key:z", "things.read", "thing/x", "denied", "", ""});
  }
  // Tampering needs the append-only guard out of the way, as an attacker
  // with database access would do.
  void drop_guard() {
    db_->write([&](soci::session& sql) {
      if (db_->dialect() == store::Dialect::kSqlite) {
        sql << "DROP TRIGGER audit_log_no_update";
        sql << "DROP TRIGGER audit_log_no_delete";
      } else {
        sql << "DROP TRIGGER audit_log_no_change ON audit_log";
      }
    });
  }
  std::string tenant_, other_;
};

TEST_P(AuditLogTest, ChainsRecordsPerTenant) {
  auto records = AuditLog::query(*db_, {.tenant_id = tenant_, .limit = 100});
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].seq, 1);
  EXPECT_EQ(records[0].previous_hash, AuditLog::kGenesisHash);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(records[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(records[i].previous_hash, records[i - 1].hash);
    EXPECT_EQ(AuditLog::compute_hash(records[i]), records[i].hash);
  }
  auto result = AuditLog::verify(*db_);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.records_checked, 6u);
  EXPECT_EQ(result.tenants_checked, 2u);
}

TEST_P(AuditLogTest, QueriesFilterAndNeverCrossTenants) {
  EXPECT_EQ(AuditLog::query(*db_, {.tenant_id = tenant_, .actor = "api-key:k2"}).size(), 1u);
  EXPECT_EQ(AuditLog::query(*db_, {.tenant_id = tenant_, .outcome = "denied"}).size(), 0u);
  EXPECT_EQ(AuditLog::query(*db_, {.tenant_id = other_, .outcome = "denied"}).size(), 1u);
  auto page = AuditLog::query(*db_, {.tenant_id = tenant_, .after_seq = 3, .limit = 10});
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 4);
}

TEST_P(AuditLogTest, RefusesUpdatesAndDeletes) {
  EXPECT_THROW(db_->write([](soci::session& sql) { sql << "UPDATE audit_log SET outcome = 'x'"; }),
               soci::soci_error);
  EXPECT_THROW(db_->write([](soci::session& sql) { sql << "DELETE FROM audit_log"; }),
               soci::soci_error);
}

TEST_P(AuditLogTest, VerifyNamesAnAlteredRecord) {
  drop_guard();
  db_->write([&](soci::session& sql) {
    sql << "UPDATE audit_log SET outcome = 'failure' WHERE tenant_id = :t AND seq = 3", soci::use(tenant_);
  });
  auto result = AuditLog::verify(*db_);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.problem.find("record seq 3"), std::string::npos) << result.problem;
  EXPECT_NE(result.problem.find("altered"), std::string::npos) << result.problem;
}

TEST_P(AuditLogTest, VerifyNamesARemovedRecord) {
  drop_guard();
  db_->write([&](soci::session& sql) {
    sql << "DELETE FROM audit_log WHERE tenant_id = :t AND seq = 2", soci::use(tenant_);
  });
  auto result = AuditLog::verify(*db_);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.problem.find("seq 2"), std::string::npos) << result.problem;
  EXPECT_NE(result.problem.find("removed"), std::string::npos) << result.problem;
}

TEST_P(AuditLogTest, VerifyNamesReorderedRecords) {
  drop_guard();
  // Swap the contents of records 2 and 4 (keeping each row's seq).
  db_->write([&](soci::session& sql) {
    sql << "UPDATE audit_log SET resource = CASE seq WHEN 2 THEN 'thing/3' ELSE 'thing/1' END,"
           " actor = CASE seq WHEN 2 THEN 'api-key:k3' ELSE 'api-key:k1' END"
           " WHERE tenant_id = :t AND seq IN (2, 4)",
        soci::use(tenant_);
  });
  auto result = AuditLog::verify(*db_);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.problem.find("record seq 2"), std::string::npos) << result.problem;
}

TEST_P(AuditLogTest, VerifyNoticesTheNewestRecordsRemoved) {
  drop_guard();
  db_->write([&](soci::session& sql) {
    sql << "DELETE FROM audit_log WHERE tenant_id = :t AND seq = 5", soci::use(tenant_);
  });
  auto result = AuditLog::verify(*db_);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.problem.find("newest records removed"), std::string::npos) << result.problem;
}

TEST_P(AuditLogTest, RecordsOnlyCommitWithTheirChange) {
  EXPECT_THROW(db_->write([&](soci::session& sql) {
                 AuditLog::append(sql, db_->dialect(),
                                  {tenant_, "api-key:k9", "things.update", "thing/9", "success", "", ""});
                 throw std::runtime_error("the change failed");
               }),
               std::runtime_error);
  EXPECT_EQ(AuditLog::query(*db_, {.tenant_id = tenant_, .limit = 100}).size(), 5u);
  EXPECT_TRUE(AuditLog::verify(*db_).ok);
}

HAFNIUM_STORE_TEST_SUITE(AuditLogTest);

}  // namespace
}  // namespace hafnium::audit
