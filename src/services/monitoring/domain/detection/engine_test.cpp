#include "services/monitoring/domain/detection/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <thread>
#include <map>
#include <random>
#include <set>

namespace hafnium::services::monitoring::detection {
namespace {

constexpr int64_t kHour = 3600LL * 1'000'000, kDay = 24 * kHour;
constexpr int64_t kStart = 1'700'000'000LL * 1'000'000;

Transaction payment(const std::string& id, int64_t at, const std::string& debtor, const std::string& creditor,
                    int64_t dollars, const std::string& type = "ach") {
  Transaction t;
  t.id = id;
  t.occurred_at = at;
  t.amount = Money{dollars * 100, "USD", 2};
  t.type = type;
  t.debtor.account_id = debtor;
  t.creditor.account_id = creditor;
  return t;
}

std::shared_ptr<const RuleSet> compile(const std::vector<RuleDefinition>& definitions) {
  auto result = RuleSet::compile(definitions);
  if (auto* error = std::get_if<std::pair<std::string, RuleError>>(&result)) {
    ADD_FAILURE() << error->first << ": " << error->second.field << " " << error->second.reason;
    return nullptr;
  }
  return std::get<std::shared_ptr<const RuleSet>>(result);
}

std::shared_ptr<const RuleSet> pack_rule(const std::string& id) {
  std::vector<RuleDefinition> one;
  for (const auto& r : default_pack()) {
    if (r.id == id) one.push_back(r);
  }
  EXPECT_EQ(one.size(), 1u) << id;
  return compile(one);
}

RuleDefinition custom_rule(const std::string& id, const std::string& condition, const std::string& subject = "debtor") {
  RuleDefinition rule;
  rule.id = id;
  rule.name = id;
  rule.typology = "custom";
  rule.subject = subject;
  rule.condition = condition;
  return rule;
}

std::vector<AlertChange> feed(TenantEngine& engine, const std::vector<Transaction>& transactions) {
  std::vector<AlertChange> all;
  for (const auto& t : transactions) {
    for (auto& change : engine.process(t)) all.push_back(std::move(change));
  }
  return all;
}

TEST(DefaultPack, EveryRuleCompilesAndIsDocumented) {
  const auto& pack = default_pack();
  ASSERT_EQ(pack.size(), 15u);
  std::set<std::string> typologies;
  for (const auto& r : pack) typologies.insert(r.typology);
  for (const char* t : {"large_cash", "structuring", "velocity", "rapid_movement", "fan_out", "fan_in",
                        "high_risk_jurisdiction", "round_amounts", "dormant_reactivation", "cycle", "scatter_gather",
                        "gather_scatter", "bipartite", "network"}) {
    EXPECT_TRUE(typologies.contains(t)) << t;
  }
  EXPECT_NE(compile(pack), nullptr);
}

TEST(DetectionEngine, StructuringRaisesOneAlertWithItsTransactionsAndActualValues) {
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("structuring"));
  auto changes = feed(engine, {payment("c1", kStart, "A", "CASH", 9000, "cash_deposit"),
                               payment("c2", kStart + kDay, "A", "CASH", 9500, "cash_deposit"),
                               payment("w1", kStart + kDay, "A", "B", 9500, "wire"),
                               payment("c3", kStart + 2 * kDay, "A", "CASH", 8500, "cash_deposit")});
  ASSERT_EQ(changes.size(), 1u);
  const Alert& alert = changes[0].alert;
  EXPECT_EQ(changes[0].kind, AlertChange::Kind::kRaised);
  EXPECT_EQ(alert.rule_id, "structuring");
  EXPECT_EQ(alert.subject_id, "A");
  EXPECT_EQ(alert.severity, "high");
  EXPECT_EQ(alert.explanation, "3 cash transactions between 8,000 and 10,000 USD within 7 days.");
  // Evidence: the deposits the rule counted in its window, the trigger
  // last; not the wire (a graph payment of a type the rule does not count).
  EXPECT_EQ(alert.transaction_ids, (std::vector<std::string>{"c1", "c2", "c3"}));
  auto count = std::find_if(alert.conditions.begin(), alert.conditions.end(),
                            [](const rules::Fact& f) { return f.condition.starts_with("count("); });
  ASSERT_NE(count, alert.conditions.end());
  EXPECT_EQ(rules::to_display(count->left), "3");
  EXPECT_EQ(rules::to_display(count->right), "3");

  // A fourth within the suppression period joins the alert.
  auto more = engine.process(payment("c4", kStart + 3 * kDay, "A", "CASH", 9900, "cash_deposit"));
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].kind, AlertChange::Kind::kJoined);
  EXPECT_EQ(more[0].alert.id, alert.id);
  EXPECT_EQ(more[0].alert.hits, 2);
}

TEST(DetectionEngine, FanInAlertsTheCreditorOnceAndConvertsCurrencies) {
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("fan-in"));
  std::vector<Transaction> ts;
  for (int i = 0; i < 7; ++i) ts.push_back(payment("f" + std::to_string(i), kStart + i * kHour, "S" + std::to_string(i), "HUB", 500));
  ts[1].amount = Money{50000, "EUR", 2};
  auto changes = feed(engine, ts);
  ASSERT_EQ(changes.size(), 3u);  // raised at the 5th new sender, joined by the 6th and 7th
  EXPECT_EQ(changes[0].kind, AlertChange::Kind::kRaised);
  EXPECT_EQ(changes[0].transaction_id, "f4");
  EXPECT_EQ(changes[0].alert.subject_id, "HUB");
  EXPECT_EQ(changes[0].alert.explanation, "Transfers from 5 new counterparties within 4 days, 2537.63 USD in total.");
  EXPECT_EQ(changes[2].alert.hits, 3);
  EXPECT_EQ(changes[2].alert.transaction_ids.size(), 7u);
}

TEST(DetectionEngine, FanInFromTheUsualSendersIsNotNew) {
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("fan-in"));
  std::vector<Transaction> ts;
  // Ten regular payers, every week for six weeks: nothing new in any 4 days.
  for (int week = 0; week < 6; ++week) {
    for (int i = 0; i < 10; ++i) {
      ts.push_back(payment("w" + std::to_string(week) + "-" + std::to_string(i), kStart + week * 7 * kDay + i * kHour,
                           "PAYER" + std::to_string(i), "LANDLORD", 900));
    }
  }
  auto changes = feed(engine, ts);
  ASSERT_FALSE(changes.empty());  // the first week: all of them are new
  for (const auto& change : changes) EXPECT_LT(change.alert.raised_at, kStart + 7 * kDay);
}

TEST(DetectionEngine, CardSpendingAndSelfTransfersAreNotFanOut) {
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("fan-out"));
  std::vector<Transaction> ts;
  for (int i = 0; i < 8; ++i) ts.push_back(payment("k" + std::to_string(i), kStart + i * kHour, "A", "M" + std::to_string(i), 50, "card"));
  for (int i = 0; i < 8; ++i) ts.push_back(payment("s" + std::to_string(i), kStart + i * kHour, "A", "A", 50, "transfer"));
  EXPECT_TRUE(feed(engine, ts).empty());
}

TEST(DetectionEngine, CashRecordedAgainstTheAccountItselfIsEvaluated) {
  // Many cores book a cash deposit with the customer's account on both
  // sides (the cash desk is not an account). It moves no money between
  // parties, but it is cash: the reporting rules must see it.
  TenantEngine engine("t1", {});
  std::vector<RuleDefinition> rules;
  for (const auto& r : default_pack()) {
    if (r.id == "large-cash-single" || r.id == "large-cash-aggregate") rules.push_back(r);
  }
  engine.set_rules(compile(rules));
  auto single = feed(engine, {payment("c1", kStart, "A", "A", 15000, "cash_deposit")});
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].alert.rule_id, "large-cash-single");
  EXPECT_EQ(single[0].alert.subject_id, "A");
  // Aggregated over 24 h: three self-recorded withdrawals of 4,000.
  auto aggregate = feed(engine, {payment("w1", kStart, "B", "B", 4000, "cash_withdrawal"),
                                 payment("w2", kStart + kHour, "B", "B", 4000, "cash_withdrawal"),
                                 payment("w3", kStart + 2 * kHour, "B", "B", 4000, "cash_withdrawal")});
  ASSERT_EQ(aggregate.size(), 1u);
  EXPECT_EQ(aggregate[0].alert.rule_id, "large-cash-aggregate");
  EXPECT_EQ(aggregate[0].transaction_id, "w3");
}

TEST(DetectionEngine, AnAlertListsTheSelfBookedCashItCountedButNotCardPayments) {
  // Cash booked with the account on both sides is listed once; the card
  // payment between the withdrawals is not a type the rule counts.
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("structuring"));
  auto changes = feed(engine, {payment("e1", kStart, "D", "D", 9500, "cash_withdrawal"),
                               payment("k1", kStart + 1, "D", "SHOP", 50, "card"),
                               payment("e2", kStart + kHour, "D", "D", 9400, "cash_withdrawal"),
                               payment("e3", kStart + 2 * kHour, "D", "D", 9300, "cash_withdrawal")});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].alert.transaction_ids, (std::vector<std::string>{"e1", "e2", "e3"}));
}

TEST(DetectionEngine, ARuleIsSkippedForATypeOnlyWhenTheTypeAloneDecidesIt) {
  // The engine does not evaluate a rule for payment types it can never
  // fire for. `or` with another field must keep it evaluated for every
  // type, and a filtered window must still count what its filter takes.
  TenantEngine engine("t1", {});
  engine.set_rules(compile(
      {custom_rule("large-or-card", "tx.amount >= 1000 or tx.type == 'card'"),
       custom_rule("second-cash", "tx.type in ['cash_deposit'] and count('debtor.out', '24h', \"tx.type != 'card'\") >= 2")}));
  auto changes = feed(engine, {payment("w", kStart, "A", "B", 5000, "wire"), payment("k", kStart + 1, "C", "D", 5, "card"),
                               payment("s", kStart + 2, "E", "F", 5, "ach"),
                               payment("d1", kStart + 3, "G", "BANK", 5, "cash_deposit"),
                               payment("d2", kStart + 4, "G", "BANK", 5, "cash_deposit")});
  std::vector<std::pair<std::string, std::string>> fired;
  for (const auto& c : changes) fired.emplace_back(c.alert.rule_id, c.transaction_id);
  EXPECT_EQ(fired, (std::vector<std::pair<std::string, std::string>>{
                       {"large-or-card", "w"}, {"large-or-card", "k"}, {"second-cash", "d2"}}));
}

TEST(DetectionEngine, ACreditorRuleListsTheCardPaymentsItsSubjectReceived) {
  TenantEngine engine("t1", {});
  engine.set_rules(compile({custom_rule(
      "card-receipts", "tx.type == 'card' and count('creditor.in', '24h', \"tx.type == 'card'\") >= 3", "creditor")}));
  auto changes = feed(engine, {payment("k1", kStart, "X1", "SHOP", 20, "card"),
                               payment("c", kStart + 1, "X1", "SHOP", 20, "cash_deposit"),
                               payment("k2", kStart + 2, "X2", "SHOP", 20, "card"),
                               payment("k3", kStart + 3, "X3", "SHOP", 20, "card")});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].alert.subject_id, "SHOP");
  EXPECT_EQ(changes[0].alert.transaction_ids, (std::vector<std::string>{"k1", "k2", "k3"}));
}

TEST(DetectionEngine, CycleReturnsTheChainInOrder) {
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("cycle"));
  auto changes = feed(engine, {payment("1", kStart, "A", "B", 5000), payment("x", kStart + kHour, "B", "Z", 10),
                               payment("2", kStart + 2 * kHour, "B", "C", 4900), payment("3", kStart + kDay, "C", "A", 4800)});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].alert.typology, "cycle");
  EXPECT_EQ(changes[0].alert.subject_id, "A");
  EXPECT_EQ(changes[0].alert.explanation, "Funds left this account and came back through 3 hops within 10 days.");
  std::vector<std::string> expected = {"1", "2", "3"};
  EXPECT_EQ(changes[0].alert.transaction_ids, expected);
}

TEST(DetectionEngine, CycleMustRespectTimeOrderAndWindow) {
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("cycle"));
  // B -> C happened before A -> B: money cannot have flowed A -> B -> C -> A.
  EXPECT_TRUE(feed(engine, {payment("2", kStart, "B", "C", 10), payment("1", kStart + kHour, "A", "B", 10),
                            payment("3", kStart + 2 * kHour, "C", "A", 10)})
                  .empty());
  // The money does not come back: 5,000 out, 100 passed on.
  EXPECT_TRUE(feed(engine, {payment("6", kStart, "F", "G", 5000), payment("7", kStart + kHour, "G", "H", 100),
                            payment("8", kStart + 2 * kHour, "H", "F", 4800)})
                  .empty());
  // Outside the 10-day window.
  EXPECT_TRUE(feed(engine, {payment("4", kStart + 3 * kDay, "D", "E", 10), payment("5", kStart + 14 * kDay, "E", "D", 10)})
                  .empty());
}

TEST(TransactionGraph, ScatterGatherGatherScatterAndBipartite) {
  TransactionGraph g({});
  enum : TransactionGraph::Account { S, M1, M2, T, P1, P2, P3, H, Q1, Q2, Q3, L1, L2, L3, R1, R2 };
  g.add(S, M1, kStart, 1000, "a");
  g.add(S, M2, kStart + 1, 1000, "b");
  g.add(M1, T, kStart + kHour, 900, "c");
  g.add(M2, T, kStart + 2 * kHour, 950, "d");
  auto sg = g.scatter_gather(M2, T, kStart + 2 * kHour, 10 * kDay);
  EXPECT_EQ(sg.size, 2);
  EXPECT_EQ(sg.transaction_ids, (std::vector<std::string>{"a", "c", "b", "d"}));

  g.add(P1, H, kStart, 100, "e");
  g.add(P2, H, kStart, 100, "f");
  g.add(P3, H, kStart, 100, "g");
  g.add(H, Q1, kStart + kHour, 100, "h");
  g.add(H, Q2, kStart + kHour, 100, "i");
  EXPECT_EQ(g.gather_scatter(H, kStart + kHour, kDay).size, 2);
  g.add(H, Q3, kStart + kHour, 100, "j");
  EXPECT_EQ(g.gather_scatter(H, kStart + kHour, kDay).size, 3);

  for (auto a : {L1, L2, L3}) {
    for (auto b : {R1, R2}) g.add(a, b, kStart, 100, std::to_string(a) + "-" + std::to_string(b));
  }
  auto layer = g.bipartite(L3, R2, kStart, kDay);
  EXPECT_EQ(layer.size, 3);
  EXPECT_EQ(g.bipartite(S, M2, kStart + 1, kDay).size, 0);
  EXPECT_EQ(g.payments(H, true, kStart, kStart + kHour, 2), (std::vector<std::string>{"i", "j"}));
}

// Scatter-gather and bipartite layering skip the neighbours whose payees
// (a summary that may claim too many, never too few) rule them out, and
// take the debtor's own pass from its incoming list: on a random graph,
// every payment's findings must equal those of a search by definition.
TEST(TransactionGraph, SearchesThatSkipNeighboursFindWhatTheDefinitionsFind) {
  struct Payment {
    TransactionGraph::Account debtor, creditor;
    int64_t time, cents;
  };
  const TransactionGraph::Limits limits;
  TransactionGraph g(limits);
  std::vector<Payment> seen;
  std::mt19937_64 rng(17);
  constexpr uint32_t kAccounts = 400;
  const int64_t window = 3 * kDay;
  auto conserved = [&](int64_t before, int64_t after) {
    return after >= static_cast<double>(before) * limits.conserve_min &&
           after <= static_cast<double>(before) * limits.conserve_max;
  };
  size_t scatter_found = 0, layers_found = 0;
  for (int i = 0; i < 4000; ++i) {
    // Each account pays a few regular payees and sometimes anyone.
    const auto d = static_cast<TransactionGraph::Account>(rng() % kAccounts);
    const auto c = static_cast<TransactionGraph::Account>(rng() % 3 != 0 ? (d * 7 + rng() % 4 * 13) % kAccounts
                                                                          : rng() % kAccounts);
    if (d == c) continue;
    const Payment p{d, c, kStart + i * 120'000'000LL, 900 + static_cast<int64_t>(rng() % 300)};
    g.add(p.debtor, p.creditor, p.time, p.cents, "t" + std::to_string(i));
    seen.push_back(p);
    const int64_t earliest = p.time - window;
    while (seen.front().time < earliest) seen.erase(seen.begin());
    auto in_window = [&](const Payment& q) { return q.time >= earliest && q.time <= p.time; };
    // Scatter-gather by definition: the best source's intermediates.
    std::set<TransactionGraph::Account> sources, gatherers;
    for (const auto& q : seen) {
      if (!in_window(q)) continue;
      if (q.creditor == d && q.debtor != c) sources.insert(q.debtor);
      if (q.creditor == c) gatherers.insert(q.debtor);
    }
    size_t best = 0;
    if (gatherers.size() >= 2) {
      for (auto s : sources) {
        std::set<TransactionGraph::Account> intermediates;
        for (const auto& scatter : seen) {
          if (!in_window(scatter) || scatter.debtor != s || !gatherers.contains(scatter.creditor)) continue;
          for (const auto& onward : seen) {
            if (onward.debtor == scatter.creditor && onward.creditor == c && onward.time >= scatter.time &&
                onward.time <= p.time && conserved(scatter.cents, onward.cents)) {
              intermediates.insert(scatter.creditor);
            }
          }
        }
        best = std::max(best, intermediates.size());
      }
    }
    ASSERT_EQ(g.scatter_gather(d, c, p.time, window, false).size, static_cast<double>(best)) << "payment " << i;
    scatter_found += best >= 2;
    // Bipartite by definition: the peers paying the creditor that paid
    // two or more of the debtor's creditors.
    std::set<TransactionGraph::Account> targets, peers;
    for (const auto& q : seen) {
      if (in_window(q) && q.debtor == d) targets.insert(q.creditor);
      if (in_window(q) && q.creditor == c && q.debtor != d) peers.insert(q.debtor);
    }
    size_t layer = 0;
    if (targets.size() >= 2) {
      for (auto peer : peers) {
        std::set<TransactionGraph::Account> shared;
        for (const auto& q : seen) {
          if (in_window(q) && q.debtor == peer && targets.contains(q.creditor)) shared.insert(q.creditor);
        }
        layer += shared.size() >= 2;
      }
    }
    ASSERT_EQ(g.bipartite(d, c, p.time, window, false).size, layer == 0 ? 0.0 : static_cast<double>(layer + 1))
        << "payment " << i;
    layers_found += layer > 0;
  }
  // The graph is dense enough for both to be found, not only refused.
  EXPECT_GT(scatter_found, 100u) << scatter_found;
  EXPECT_GT(layers_found, 500u) << layers_found;
}

TEST(TransactionGraph, MemoryPerAccountIsBoundedByTheEdgeCap) {
  TransactionGraph::Limits limits;
  limits.max_edges_per_account = 8;
  TransactionGraph g(limits);
  for (int i = 0; i < 1000; ++i) g.add(0, 1 + i % 50, kStart + i, 100, "t" + std::to_string(i));
  EXPECT_EQ(g.payments(0, true, kStart, kStart + 2000, 100).size(), 8u);
  EXPECT_EQ(g.payments(0, true, kStart, kStart + 2000, 100).back(), "t999");
}

TEST(TransactionGraph, PaymentsMergeTheGraphWithTheOthersInTimeOrder) {
  TransactionGraph g({});
  enum : TransactionGraph::Account { A, B, C, SHOP };
  const uint32_t card = 2, cash_withdrawal = 4;  // indexes in transaction_types()
  ASSERT_EQ(transaction_types()[card], "card");
  ASSERT_EQ(transaction_types()[cash_withdrawal], "cash_withdrawal");
  g.add(A, B, kStart, 100, "w1");
  g.record(A, SHOP, kStart + 1, card, "c1");
  g.add(A, C, kStart + 2, 100, "w2");
  g.record(A, A, kStart + 3, cash_withdrawal, "x1");  // self-booked: listed once
  using Ids = std::vector<std::string>;
  EXPECT_EQ(g.payments(A, true, kStart, kStart + 10, 10), (Ids{"w1", "c1", "w2", "x1"}));
  EXPECT_EQ(g.payments(A, true, kStart, kStart + 10, 10, 1u << cash_withdrawal), (Ids{"w1", "w2", "x1"}));
  EXPECT_EQ(g.payments(A, true, kStart, kStart + 10, 2), (Ids{"w2", "x1"}));
  EXPECT_EQ(g.payments(A, true, kStart + 1, kStart + 2, 10), (Ids{"c1", "w2"}));
  EXPECT_EQ(g.payments(A, false, kStart, kStart + 10, 10), Ids{});
  EXPECT_EQ(g.payments(SHOP, false, kStart, kStart + 10, 10), Ids{"c1"});
  EXPECT_EQ(g.ids_held(), 4u);
}

TEST(TransactionGraph, TransactionIdsAreHeldOnlyForTheEdgesKept) {
  // Two accounts paying each other every second for more than a day: all
  // within the horizon, but each list keeps its last 8 edges, and the ids
  // of the dropped edges must go with them, not wait out the horizon.
  TransactionGraph::Limits limits;
  limits.max_edges_per_account = 8;
  TransactionGraph g(limits);
  const std::string prefix = "an-institution-id-longer-than-any-inline-string-";
  for (int i = 0; i < 100'000; ++i) {
    const TransactionGraph::Account debtor = i % 2;
    g.add(debtor, 1 - debtor, kStart + i * 1'000'000LL, 100, prefix + std::to_string(i));
  }
  EXPECT_EQ(g.ids_held(), 16u);  // 8 each way, each id shared by its two edges
  EXPECT_LT(g.memory_bytes(), 16 * 1024u);
  auto recent = g.payments(0, true, kStart, kStart + 200'000 * 1'000'000LL, 100);
  ASSERT_EQ(recent.size(), 8u);
  EXPECT_EQ(recent.front(), prefix + "99984");
  EXPECT_EQ(recent.back(), prefix + "99998");
}

TEST(TransactionGraph, NothingOlderThanTheHorizonBeforeAListsNewestIsShown) {
  // A list drops its old items only when it is full, but shows none of
  // them once they are older than the horizon before its newest item:
  // not to a late payment's search, not as evidence.
  TransactionGraph::Limits limits;
  limits.horizon_micros = 10 * kDay;
  TransactionGraph g(limits);
  enum : TransactionGraph::Account { A, B, C, D, SHOP };
  const uint32_t card = 2;
  g.add(A, B, kStart, 100, "old-to-b");
  g.add(A, C, kStart + kHour, 100, "old-to-c");
  g.record(A, SHOP, kStart, card, "old-card");
  g.add(D, B, kStart + 2 * kHour, 100, "d-to-b");
  g.add(D, C, kStart + 3 * kHour, 100, "d-to-c");
  // A bipartite layer as of the first day: D shares A's two creditors.
  EXPECT_EQ(g.bipartite(A, B, kStart + 4 * kHour, 3 * kDay, false).size, 2);
  g.add(A, D, kStart + 20 * kDay, 100, "new");
  g.record(A, SHOP, kStart + 20 * kDay + kHour, card, "new-card");
  using Ids = std::vector<std::string>;
  EXPECT_EQ(g.payments(A, true, kStart, kStart + 30 * kDay, 10), (Ids{"new", "new-card"}));
  // A payment arriving late, dated the first day: A's payments of that day
  // are beyond the horizon of A's list now.
  EXPECT_EQ(g.bipartite(A, B, kStart + 4 * kHour, 3 * kDay, false).size, 0);
}

TEST(DetectionEngine, RebuildingWithoutEvaluationThenContinuingEqualsAnUninterruptedRun) {
  std::vector<Transaction> ts;
  for (int i = 0; i < 400; ++i) {
    std::string d = "A" + std::to_string(i % 17), c = "A" + std::to_string((i * 7 + 3) % 23);
    ts.push_back(payment("t" + std::to_string(i), kStart + i * (kHour / 3), d, c, 900 + (i * 37) % 9000,
                         i % 5 == 0 ? "cash_deposit" : "ach"));
  }
  auto pack = compile(default_pack());
  TenantEngine uninterrupted("t1", {});
  uninterrupted.set_rules(pack);
  std::vector<AlertChange> first;
  for (size_t i = 0; i < ts.size(); ++i) {
    auto changes = uninterrupted.process(ts[i]);
    if (i >= 250) first.insert(first.end(), changes.begin(), changes.end());
  }
  // A restart: state rebuilt from the first 250 without raising anything,
  // the alerts still open remembered, then the rest evaluated.
  TenantEngine restarted("t1", {});
  restarted.set_rules(pack);
  TenantEngine reference("t1", {});
  reference.set_rules(pack);
  for (size_t i = 0; i < 250; ++i) {
    for (auto& change : reference.process(ts[i])) restarted.remember(change.alert);
    EXPECT_TRUE(restarted.process(ts[i], false).empty());
  }
  std::vector<AlertChange> second;
  for (size_t i = 250; i < ts.size(); ++i) {
    auto changes = restarted.process(ts[i]);
    second.insert(second.end(), changes.begin(), changes.end());
  }
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].alert.id, second[i].alert.id);
    EXPECT_EQ(first[i].alert.explanation, second[i].alert.explanation);
    EXPECT_EQ(first[i].alert.transaction_ids, second[i].alert.transaction_ids);
  }
  EXPECT_EQ(uninterrupted.keys(), restarted.keys());
}

RuleDefinition custom(const std::string& id, const std::string& condition, const std::string& explanation = "",
                      const std::string& subject = "debtor") {
  RuleDefinition r;
  r.id = id;
  r.name = id;
  r.condition = condition;
  r.explanation = explanation;
  r.subject = subject;
  r.suppression = "1m";
  return r;
}

TEST(DetectionEngine, GroupingsByCustomerPairAndCountryWithFilters) {
  TenantEngine engine("t1", {});
  engine.set_rules(compile({custom("customer", "count('customer.out', '24h') >= 3", "{count('customer.out', '24h')}"),
                            custom("pair", "sum('pair', '7d') >= 3000", "{sum('pair', '7d')}"),
                            custom("country", "distinct('country.in', '24h', \"tx.amount >= 100\") >= 2", "",
                                   "creditor")}));
  auto t1 = payment("1", kStart, "A1", "B", 1000);
  auto t2 = payment("2", kStart + kHour, "A2", "B", 1000);  // another account of the same customer
  auto t3 = payment("3", kStart + 2 * kHour, "A1", "B", 1000);
  for (auto* t : {&t1, &t2, &t3}) t->debtor.customer_id = "CUST-7";
  t1.creditor.country = t2.creditor.country = "DE";
  t2.amount.minor = 5000;  // 50 USD: outside the country rule's filter
  t3.creditor.country = "DE";
  auto changes = feed(engine, {t1, t2, t3});
  std::map<std::string, std::string> fired;
  for (const auto& ch : changes) fired[ch.alert.rule_id] = ch.alert.explanation;
  EXPECT_EQ(fired["customer"], "3");  // three payments of the customer over two accounts
  EXPECT_FALSE(fired.contains("pair"));  // A1 -> B: 2,000 in 7 days
  EXPECT_FALSE(fired.contains("country"));  // one distinct payer of 100 USD or more into DE
  auto more = payment("4", kStart + 3 * kHour, "A3", "B", 1000);
  more.creditor.country = "DE";
  auto again = feed(engine, {payment("5", kStart + 3 * kHour, "A1", "B", 1000), more});
  fired.clear();
  for (const auto& ch : again) fired[ch.alert.rule_id] = ch.alert.explanation;
  EXPECT_EQ(fired["pair"], "3000");
  EXPECT_TRUE(fired.contains("country"));  // A1 and A3 into DE
  // A payment without a customer or a country has no such key: no value, no alert.
  auto bare = feed(engine, {payment("6", kStart + 4 * kHour, "Z", "Y", 1000)});
  for (const auto& ch : bare) EXPECT_NE(ch.alert.rule_id, "customer");
}

TEST(DetectionEngine, PaymentsBetweenTwoAlertedAccountsAreLinked) {
  // A suspicion rule (score 60) flags whoever sends 1,000,000 or more;
  // large cash (score 40) is a report, not a suspicion.
  auto flag = custom("flag", "tx.amount >= 1000000");
  flag.score = 60;
  flag.suppression = "10d";
  std::vector<RuleDefinition> rules = {flag};
  for (const auto& r : default_pack()) {
    if (r.id == "alerted-counterparties" || r.id == "large-cash-single") rules.push_back(r);
  }
  TenantEngine engine("t1", {});
  engine.set_rules(compile(rules));
  auto raised_by = [](const std::vector<AlertChange>& changes, const std::string& rule) {
    std::vector<const Alert*> out;
    for (const auto& c : changes) {
      if (c.alert.rule_id == rule && c.kind == AlertChange::Kind::kRaised) out.push_back(&c.alert);
    }
    return out;
  };
  auto flagged = feed(engine, {payment("x0", kStart, "X", "OUT1", 2'000'000), payment("y0", kStart + kHour, "Y", "OUT2", 3'000'000),
                               payment("w0", kStart + kHour, "W", "BANK", 20'000, "cash_deposit")});
  EXPECT_EQ(raised_by(flagged, "flag").size(), 2u);
  EXPECT_EQ(raised_by(flagged, "large-cash-single").size(), 1u);
  // Alerted to alerted: linked, on the creditor, with this payment.
  auto linked = feed(engine, {payment("xy", kStart + kDay, "X", "Y", 100)});
  auto network = raised_by(linked, "alerted-counterparties");
  ASSERT_EQ(network.size(), 1u);
  EXPECT_EQ(network[0]->subject_id, "Y");
  EXPECT_EQ(network[0]->transaction_ids, std::vector<std::string>{"xy"});
  EXPECT_EQ(network[0]->explanation, "Paid by an account under alert (score 60) while itself under alert (score 60).");
  // An unalerted sender, and a sender with only a cash report: nothing.
  EXPECT_TRUE(raised_by(feed(engine, {payment("zy", kStart + kDay, "Z", "Y", 100)}), "alerted-counterparties").empty());
  EXPECT_TRUE(raised_by(feed(engine, {payment("wx", kStart + kDay, "W", "X", 100)}), "alerted-counterparties").empty());
  // An analyst closes X's flag: X no longer counts as alerted; reopened, it does.
  const Alert* x_flag = nullptr;
  for (const auto* a : raised_by(flagged, "flag")) {
    if (a->subject_id == "X") x_flag = a;
  }
  ASSERT_NE(x_flag, nullptr);
  engine.set_alert_closed(x_flag->id, "X", true);
  EXPECT_TRUE(raised_by(feed(engine, {payment("xy2", kStart + 2 * kDay, "X", "Y", 100)}), "alerted-counterparties").empty());
  engine.set_alert_closed(x_flag->id, "X", false);
  // (Y's alerted-counterparties alert from xy collects this hit instead of raising another.)
  auto again = feed(engine, {payment("xy3", kStart + 2 * kDay, "X", "Y", 100)});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].alert.rule_id, "alerted-counterparties");
  EXPECT_EQ(again[0].kind, AlertChange::Kind::kJoined);
  // Once the flags' collection periods are over, the accounts are not linked.
  EXPECT_TRUE(raised_by(feed(engine, {payment("yx", kStart + 12 * kDay, "Y", "X", 100)}), "alerted-counterparties").empty());
}

TEST(DetectionEngine, HistoryFeaturesDescribeTheAccountBeforeThisPayment) {
  TenantEngine engine("t1", {});
  engine.set_rules(compile({custom("history",
                                   "days_since_last('debtor') >= 0",
                                   "{days_since_last('debtor')}|{account_age_days('debtor')}|"
                                   "{history_avg_amount('debtor')}|{history_daily_count('debtor')}")}));
  // A new account: days_since_last is missing, so the rule does not fire.
  EXPECT_TRUE(engine.process(payment("1", kStart, "A", "B", 100)).empty());
  EXPECT_EQ(engine.process(payment("2", kStart + 10 * kDay, "A", "B", 300))[0].alert.explanation, "10|10|100|0.10");
  // Twenty days in: two payments before this one, averaging 200 USD.
  EXPECT_EQ(engine.process(payment("3", kStart + 20 * kDay, "A", "C", 5000))[0].alert.explanation, "10|20|200|0.10");
}

TEST(DetectionEngine, DormantAccountReactivationFromThePack) {
  TenantEngine engine("t1", {});
  engine.set_rules(pack_rule("dormant-reactivation"));
  EXPECT_TRUE(engine.process(payment("1", kStart, "A", "B", 100)).empty());
  EXPECT_TRUE(engine.process(payment("2", kStart + 30 * kDay, "A", "B", 9000)).empty());  // 30 days: not dormant
  auto changes = engine.process(payment("3", kStart + 130 * kDay, "A", "B", 9000));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].alert.explanation, "First activity in 100 days: 9000 USD.");
}

TEST(DetectionEngine, OnlyTenantsWithAnEngineAreReachedWithoutCreatingOne) {
  DetectionEngine engines;
  int runs = 0;
  EXPECT_FALSE(engines.with_existing_tenant("t1", [&](TenantEngine&) { ++runs; }));
  EXPECT_EQ(runs, 0);
  engines.with_tenant("t1", [&](TenantEngine& engine) {
    engine.set_rules(pack_rule("dormant-reactivation"));
    return 0;
  });
  EXPECT_TRUE(engines.with_existing_tenant("t1", [&](TenantEngine& engine) {
    ++runs;
    EXPECT_TRUE(engine.rules());
  }));
  EXPECT_EQ(runs, 1);
  // Asking did not create one for the other tenant: asked again, it still
  // has none, and it starts without rules.
  EXPECT_FALSE(engines.with_existing_tenant("t2", [&](TenantEngine&) { ++runs; }));
  EXPECT_FALSE(engines.with_existing_tenant("t2", [&](TenantEngine&) { ++runs; }));
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(engines.with_tenant("t2", [](TenantEngine& engine) { return static_cast<bool>(engine.rules()); }));
}

TEST(DetectionEngine, FiguresAreReadWhileATenantsEngineIsInUse) {
  DetectionEngine engines;
  engines.with_tenant("t1", [&](TenantEngine& engine) {
    engine.set_rules(pack_rule("dormant-reactivation"));
    feed(engine, {payment("p1", kStart, "A", "B", 10), payment("p2", kStart + kHour, "A", "C", 10)});
    return 0;
  });
  EXPECT_EQ(engines.accounts(), 3u);
  // Another thread holds t1's engine (as a rebuild does, for minutes) and
  // waits; the figures (a metrics scrape) must not wait for it.
  std::promise<void> holding, release;
  std::thread user([&] {
    engines.with_tenant("t1", [&](TenantEngine& engine) {
      feed(engine, {payment("p3", kStart + 2 * kHour, "D", "E", 10)});
      holding.set_value();
      release.get_future().wait();
      return 0;
    });
  });
  holding.get_future().wait();
  auto figures = std::async(std::launch::async, [&] { return engines.accounts() + engines.late_transactions(); });
  // A generous bound, not a speed check: it only turns a deadlock into a failure.
  const bool answered = figures.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  release.set_value();
  user.join();
  ASSERT_TRUE(answered);
  EXPECT_EQ(figures.get(), 3u);  // as of the engine's last finished use
  EXPECT_EQ(engines.accounts(), 5u);  // published when the use ended
}

TEST(RuleSet, UnusableRulesSayWhichFieldAndWhy) {
  RuleDefinition r{"x", "x", "custom", "count('out', '5x') > 1", "medium", 10, "debtor", "24h", "", true, 1};
  auto e = RuleSet::check(r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, "condition");
  EXPECT_NE(e->reason.find("window '5x'"), std::string::npos);
  r.condition = "count('out', '1h', \"tx.colour == 'red'\") > 1";
  ASSERT_TRUE(RuleSet::check(r));
  EXPECT_NE(RuleSet::check(r)->reason.find("unknown field 'tx.colour'"), std::string::npos);
  r.condition = "count('out', '1h') > 1";
  r.explanation = "{tx.amount";
  EXPECT_EQ(RuleSet::check(r)->field, "explanation");
  r.explanation = "";
  r.subject = "bank";
  EXPECT_EQ(RuleSet::check(r)->field, "subject");
}

TEST(TenantEngine, LatePaymentsAreCountedWhenEvaluatedNotWhenReplayed) {
  // A rebuild replays a tenant's history (evaluate false): its late
  // payments arrived late once, when they were evaluated, and the late
  // events counter must not count them again with every rebuild.
  auto rules = pack_rule("large-cash-aggregate");
  // The rule's 24 h window in hourly buckets takes payments up to 25 h
  // (the window and the hour of lateness) older than the newest.
  const std::vector<Transaction> history = {payment("p1", kStart + 30 * kHour, "A", "B", 100, "cash_deposit"),
                                            payment("p2", kStart, "A", "B", 100, "cash_deposit")};  // 30 h late
  TenantEngine live("t", {});
  live.set_rules(rules);
  for (const auto& t : history) live.process(t);
  EXPECT_EQ(live.late_transactions(), 1u);
  for (int rebuild = 0; rebuild < 2; ++rebuild) {
    live.reset();
    live.set_rules(rules);
    for (const auto& t : history) live.process(t, false);
  }
  EXPECT_EQ(live.late_transactions(), 1u);
  live.process(payment("p3", kStart + kHour, "A", "B", 100, "cash_deposit"));  // late again, and new
  EXPECT_EQ(live.late_transactions(), 2u);
}

}  // namespace
}  // namespace hafnium::services::monitoring::detection
