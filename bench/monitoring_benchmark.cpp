// The per-transaction cost of monitoring: validating a transaction,
// updating sliding windows, and the whole engine (default pack with its
// graph typologies) over 100,000 active accounts.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <random>

#include "platform/util/time.h"
#include "services/monitoring/domain/detection/engine.h"
#include "services/monitoring/domain/sliding_window.h"
#include "services/monitoring/domain/transaction.h"

namespace {

using namespace hafnium::services::monitoring;

void BM_ValidateTransaction(benchmark::State& state) {
  auto object = boost::json::parse(R"({"id":"tx-1","occurred_at":"2026-11-01T10:00:00Z","amount":"9500.00",
    "currency":"USD","type":"cash_deposit","debtor":{"account_id":"A1","country":"US"},"creditor":{"account_id":"B2"}})").as_object();
  int64_t now = hafnium::util::now_micros();
  for (auto _ : state) {
    Transaction t;
    std::vector<hafnium::http::FieldError> errors;
    benchmark::DoNotOptimize(read_transaction(object, "", now, {}, t, errors));
  }
}
BENCHMARK(BM_ValidateTransaction);

// One account's five standard windows (1 h, 24 h, 7 d, 30 d, 90 d),
// updated per transaction in event-time order with some disorder.
void BM_UpdateFiveWindows(benchmark::State& state) {
  constexpr int64_t kMinute = 60'000'000LL, kHour = 60 * kMinute, kDay = 24 * kHour;
  std::vector<SlidingWindow> windows;  // move-only: built in place
  windows.emplace_back(kHour, kMinute, 10 * kMinute);
  windows.emplace_back(kDay, kHour, kHour);
  windows.emplace_back(7 * kDay, kHour, kHour);
  windows.emplace_back(30 * kDay, kDay, kDay);
  windows.emplace_back(90 * kDay, kDay, kDay);
  std::mt19937_64 rng(7);
  int64_t t = 1000 * kDay;
  for (auto _ : state) {
    t += static_cast<int64_t>(rng() % (10 * kMinute));
    int64_t at = t - static_cast<int64_t>(rng() % (5 * kMinute));
    for (auto& w : windows) w.add(at, static_cast<int64_t>(rng() % 100000), rng() % 40);
  }
}
BENCHMARK(BM_UpdateFiveWindows);

// The engine with the default pack (14 rules, graph typologies included)
// on a tenant with 100,000 active accounts: each account pays a few
// regular payees and sometimes anyone; a mix of transfers, card, cash and
// wires; the state is warmed with 2 million transactions (about 20 per
// account, 40 days of event time) before the measured ones, which continue
// the same stream. Reported per transaction, on one thread.
void BM_EngineDefaultPack(benchmark::State& state) {
  namespace det = hafnium::services::monitoring::detection;
  constexpr int64_t kSecond = 1'000'000LL;
  const size_t accounts = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(11);
  std::vector<std::string> names(accounts);
  for (size_t i = 0; i < accounts; ++i) names[i] = "ACC" + std::to_string(i);
  static const char* kTypes[] = {"transfer", "card", "card", "ach", "ach", "wire", "cash_deposit", "cheque"};
  std::lognormal_distribution<double> amount(std::log(250.0), 1.2);
  int64_t clock = 1'700'000'000LL * kSecond;
  uint64_t serial = 0;
  auto next = [&]() {
    Transaction t;
    t.id = "T" + std::to_string(serial++);
    clock += 2 * kSecond;  // 2 million transactions span ~46 days
    t.occurred_at = clock - static_cast<int64_t>(rng() % (60 * kSecond));  // a minute of disorder
    size_t d = rng() % accounts;
    size_t c = rng() % 4 != 0 ? (d * 7919 + rng() % 5 * 104729) % accounts : rng() % accounts;
    t.debtor.account_id = names[d];
    t.creditor.account_id = names[c];
    t.type = kTypes[rng() % 8];
    t.amount = Money{static_cast<int64_t>(amount(rng) * 100), "USD", 2};
    return t;
  };
  det::TenantEngine engine("bench", {});
  engine.set_rules(std::get<std::shared_ptr<const det::RuleSet>>(det::RuleSet::compile(det::default_pack())));
  for (int i = 0; i < 2'000'000; ++i) engine.process(next());
  std::vector<Transaction> batch;
  for (int i = 0; i < 200'000; ++i) batch.push_back(next());
  size_t i = 0, alerts = 0;
  for (auto _ : state) {
    alerts += engine.process(batch[i]).size();
    if (++i == batch.size()) {
      state.PauseTiming();
      batch.clear();
      for (int k = 0; k < 200'000; ++k) batch.push_back(next());
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["alerts_per_1k"] = benchmark::Counter(1000.0 * static_cast<double>(alerts) / static_cast<double>(state.iterations()));
  state.counters["memory_MiB"] = static_cast<double>(engine.memory_bytes()) / (1024.0 * 1024.0);
  state.counters["bytes_per_account"] = static_cast<double>(engine.memory_bytes()) / static_cast<double>(accounts);
}
BENCHMARK(BM_EngineDefaultPack)->Arg(100'000)->Unit(benchmark::kNanosecond)->Iterations(300'000);

}  // namespace
