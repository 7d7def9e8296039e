#include "services/monitoring/rules_store.h"

#include <gtest/gtest.h>

#include <set>

#include "services/monitoring/domain/detection/rule_set.h"
#include "support/store_fixture.h"

namespace hafnium::services::monitoring {
namespace {

using RulesStoreTest = testing::StoreTest;

RuleRecord numbered_rule(int i) {
  RuleRecord r;
  char id[32];
  std::snprintf(id, sizeof id, "rule-%05d", i);
  r.id = id;
  r.name = "Rule " + std::to_string(i);
  r.condition = "tx.amount >= " + std::to_string(1000 + i);
  r.severity = "low";
  r.score = 10;
  r.explanation = "amount {tx.amount}";
  r.author = "api-key:test";
  r.enabled = i % 7 != 0;
  r.version = 1;
  r.created_at = r.updated_at = 1'700'000'000'000'000LL;
  return r;
}

// What the engine runs is every rule of the tenant, however many: more
// than one page of the store is read page by page, none twice, and no
// other tenant's rule among them.
TEST_P(RulesStoreTest, ActiveRulesAreEveryRuleOfTheTenantAcrossPages) {
  store::apply_migrations(*db_, "monitoring_rules", RulesStore::migrations());
  constexpr int kRules = 10'050;  // beyond the 10,000 a single read once stopped at
  db_->write([&](soci::session& sql) {
    for (int i = 0; i < kRules; ++i) RulesStore::insert(sql, "tenant-a", numbered_rule(i));
    RulesStore::insert(sql, "tenant-b", numbered_rule(kRules));
  });
  const size_t pack = detection::default_pack().size();
  auto definitions = db_->read([&](soci::session& sql) { return active_rule_definitions(sql, "tenant-a"); });
  ASSERT_EQ(definitions.size(), pack + kRules);
  std::set<std::string> ids;
  for (size_t i = pack; i < definitions.size(); ++i) ids.insert(definitions[i].id);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kRules));
  EXPECT_TRUE(ids.contains("rule-00000"));
  EXPECT_TRUE(ids.contains("rule-10049"));
  EXPECT_FALSE(ids.contains("rule-10050"));  // tenant-b's
  EXPECT_FALSE(definitions[pack + 7].enabled);  // disabled ones come along; compiling skips them

  auto other = db_->read([&](soci::session& sql) { return active_rule_definitions(sql, "tenant-b"); });
  ASSERT_EQ(other.size(), pack + 1);
  EXPECT_EQ(other.back().id, "rule-10050");
}

HAFNIUM_STORE_TEST_SUITE(RulesStoreTest);

}  // namespace
}  // namespace hafnium::services::monitoring
