// An account's windows kept as a list of its payments must answer exactly
// as buckets do: the same alerts, explanations and facts, whether the
// account stays a list, outgrows it into buckets mid-stream, or the rules
// change under it.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <random>

#include "services/monitoring/domain/detection/engine.h"

namespace hafnium::services::monitoring::detection {
namespace {

constexpr int64_t kMinute = 60LL * 1'000'000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr int64_t kStart = 1'700'000'000LL * 1'000'000;

Transaction payment(const std::string& id, int64_t at, const std::string& debtor, const std::string& creditor,
                    int64_t cents, const std::string& type) {
  Transaction t;
  t.id = id;
  t.occurred_at = at;
  t.amount = Money{cents, "USD", 2};
  t.type = type;
  t.debtor.account_id = debtor;
  t.creditor.account_id = creditor;
  return t;
}

RuleDefinition rule(const std::string& id, const std::string& condition, const std::string& explanation,
                    const std::string& subject = "debtor") {
  return {.id = id, .name = id, .typology = "custom", .condition = condition, .subject = subject,
          .suppression = "10m", .explanation = explanation};
}

std::shared_ptr<const RuleSet> compile(std::vector<RuleDefinition> definitions, bool with_pack) {
  if (with_pack) {
    for (const auto& r : default_pack()) definitions.push_back(r);
  }
  auto result = RuleSet::compile(definitions);
  if (auto* error = std::get_if<std::pair<std::string, RuleError>>(&result)) {
    ADD_FAILURE() << error->first << ": " << error->second.field << " " << error->second.reason;
    return nullptr;
  }
  return std::get<std::shared_ptr<const RuleSet>>(result);
}

// Every statistic, both directions, minute, hour and day buckets, filters.
std::vector<RuleDefinition> custom_rules() {
  return {
      rule("avg-out", "count('debtor.out', '7d') >= 3 and avg('debtor.out', '7d') > 2000",
           "{avg('debtor.out', '7d')} {min('debtor.out', '7d')} {max('debtor.out', '7d')} "
           "{distinct('debtor.out', '7d')}"),
      rule("in-spread", "max('creditor.in', '36h') >= 4000 and min('creditor.in', '36h') < 50",
           "{distinct('creditor.in', '36h')} {sum('creditor.in', '36h')}", "creditor"),
      rule("burst", "count('debtor.out', '1h') >= 3", "{sum('debtor.out', '1h')} {count('debtor.out', '20d')}"),
      rule("big-in", "sum('debtor.in', '20d', \"tx.amount >= 1000\") > 20000",
           "{sum('debtor.in', '20d', \"tx.amount >= 1000\")} {count('debtor.in', '90d')}"),
      rule("spread", "count('debtor.out', '30d') >= 4 and stddev('debtor.out', '30d') > 3000", ""),
      rule("new-in", "new_distinct('creditor.in', '2d') >= 3", "{new_distinct('creditor.in', '2d')}", "creditor"),
  };
}

// After the rule change: some tracks kept, some gone, one new.
std::vector<RuleDefinition> changed_rules() {
  return {
      rule("burst", "count('debtor.out', '1h') >= 3", "{sum('debtor.out', '1h')} {count('debtor.out', '20d')}"),
      rule("cards-in", "count('debtor.in', '7d', \"tx.type in ['card']\") >= 4",
           "{count('debtor.in', '7d', \"tx.type in ['card']\")} {max('debtor.in', '7d')}"),
      rule("new-in", "new_distinct('creditor.in', '2d') >= 3", "{new_distinct('creditor.in', '2d')}", "creditor"),
  };
}

// Seven filters on outgoing payments: more tracks than a list keeps, so
// every account's outgoing windows move to buckets.
std::vector<RuleDefinition> many_tracks() {
  std::vector<RuleDefinition> rules = changed_rules();
  for (const char* type : {"transfer", "card", "ach", "wire", "cash_deposit", "cash_withdrawal", "cheque"}) {
    const std::string count = std::string("count('debtor.out', '3d', \"tx.type in ['") + type + "']\")";
    rules.push_back(rule(std::string("by-") + type, count + " >= 3", "{" + count + "}"));
  }
  return rules;
}

std::string describe(const AlertChange& change) {
  const Alert& a = change.alert;
  std::string ids;
  for (const auto& id : a.transaction_ids) ids += id + ",";
  return std::string(change.kind == AlertChange::Kind::kRaised ? "raised " : "joined ") + a.id + " " + a.rule_id +
         " " + a.subject_id + " hits=" + std::to_string(a.hits) + " [" + a.explanation + "] " +
         boost::json::serialize(facts_to_json(a.conditions)) + " " + ids;
}

// Accounts pay a few regular payees, in event time disordered by up to
// 50 minutes (within the hour of lateness), over four months (so lists
// forget what no window reads); a few busy accounts carry a third of the
// traffic, so their lists fill and move to buckets.
std::vector<Transaction> stream(size_t count, unsigned seed) {
  std::mt19937_64 rng(seed);
  static const char* kTypes[] = {"transfer", "card", "card", "ach", "wire", "cash_deposit", "cash_withdrawal", "cheque"};
  std::lognormal_distribution<double> amount(std::log(300.0), 1.4);
  std::vector<Transaction> out;
  int64_t clock = kStart;
  for (size_t i = 0; i < count; ++i) {
    clock += static_cast<int64_t>(rng() % (40 * kMinute));
    const int64_t at = clock - static_cast<int64_t>(rng() % (50 * kMinute));
    const size_t d = rng() % 3 == 0 ? rng() % 6 : rng() % 600;
    const size_t c = rng() % 4 != 0 ? (d * 31 + rng() % 4) % 600 : rng() % 600;
    int64_t cents = static_cast<int64_t>(amount(rng) * 100) + 1;
    if (rng() % 10 == 0) cents = 500'000 * static_cast<int64_t>(1 + rng() % 3);  // round
    if (rng() % 12 == 0) cents = 800'000 + static_cast<int64_t>(rng() % 200'000);  // just under the threshold
    out.push_back(payment("t" + std::to_string(i), at, "A" + std::to_string(d), "A" + std::to_string(c), cents,
                          kTypes[rng() % 8]));
  }
  return out;
}

TEST(PaymentLists, AnswerExactlyAsBucketsDoAcrossMovesAndRuleChanges) {
  EngineOptions in_buckets, in_lists;
  in_buckets.payment_list_limit = 0;
  in_lists.payment_list_limit = 40;
  TenantEngine reference("t", in_buckets), listed("t", in_lists);
  auto first = compile(custom_rules(), true), second = compile(changed_rules(), false),
       third = compile(many_tracks(), false);
  reference.set_rules(first);
  listed.set_rules(first);
  const auto transactions = stream(8'000, 5);
  size_t alerts = 0, moved_before_third = 0;
  for (size_t i = 0; i < transactions.size(); ++i) {
    if (i == 5'000) {
      reference.set_rules(second);
      listed.set_rules(second);
    }
    if (i == 7'000) {
      moved_before_third = listed.accounts_in_buckets();
      reference.set_rules(third);
      listed.set_rules(third);
    }
    auto expected = reference.process(transactions[i]);
    auto got = listed.process(transactions[i]);
    ASSERT_EQ(expected.size(), got.size()) << "payment " << i;
    for (size_t k = 0; k < expected.size(); ++k) ASSERT_EQ(describe(expected[k]), describe(got[k])) << "payment " << i;
    alerts += got.size();
  }
  EXPECT_GT(alerts, 1000u);
  EXPECT_EQ(reference.late_transactions(), listed.late_transactions());
  EXPECT_EQ(reference.keys(), listed.keys());
  // The busy accounts moved to buckets, the others stayed lists, until the
  // third rule set moved every account's outgoing windows.
  EXPECT_GT(moved_before_third, 0u);
  EXPECT_LT(moved_before_third, 60u);
  EXPECT_GE(listed.accounts_in_buckets(), 600u);
  EXPECT_LT(listed.accounts_in_buckets(), 700u);
  EXPECT_EQ(reference.accounts_in_buckets(), 1200u);  // every account, both directions
  EXPECT_LT(listed.memory_bytes(), reference.memory_bytes());
  const int64_t at = transactions.back().occurred_at;
  for (int a = 0; a < 600; a += 13) {
    const std::string account = "A" + std::to_string(a);
    for (int64_t window : {kHour, 20 * kDay}) {
      auto want = reference.aggregate(ResolvedFeature::Group::kAccountOut, account, window, at);
      auto have = listed.aggregate(ResolvedFeature::Group::kAccountOut, account, window, at);
      ASSERT_TRUE(want && have);
      EXPECT_EQ(want->count, have->count) << account;
      EXPECT_EQ(want->sum, have->sum) << account;
      EXPECT_EQ(want->distinct, have->distinct) << account;
      EXPECT_NEAR(want->stddev, have->stddev, 1e-6 * (1 + want->stddev)) << account;
    }
  }
}

TEST(PaymentLists, ALatePaymentIsRefusedByTheLevelsItIsTooLateFor) {
  // 24 hours in hourly buckets take payments up to 25 h older than the
  // account's newest; 30 days in daily buckets up to 30 d 1 h.
  auto rules = compile({rule("probe", "count('debtor.out', '24h') >= 0",
                             "{count('debtor.out', '24h')} {count('debtor.out', '30d')}")},
                       false);
  for (size_t limit : {size_t{0}, size_t{40}}) {
    EngineOptions options;
    options.payment_list_limit = limit;
    TenantEngine engine("t", options);
    engine.set_rules(rules);
    auto now = engine.process(payment("p1", kStart + 48 * kHour, "A", "B", 100, "ach"));
    auto late = engine.process(payment("p2", kStart + 10 * kHour, "A", "B", 100, "ach"));  // 38 h late
    ASSERT_EQ(now.size(), 1u);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(now[0].alert.explanation, "1 1") << limit;
    // Not in its own 24 h (its hour level refused it), in its 30 d.
    EXPECT_EQ(late[0].alert.explanation, "0 1") << limit;
    EXPECT_EQ(engine.late_transactions(), 1u) << limit;
    auto later = engine.process(payment("p3", kStart + 49 * kHour, "A", "B", 100, "ach"));
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].alert.explanation, "2 3") << limit;
  }
}

}  // namespace
}  // namespace hafnium::services::monitoring::detection
