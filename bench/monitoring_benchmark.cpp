// The per-transaction cost of the monitoring building blocks built so far:
// validating a transaction and updating sliding windows.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <random>

#include "platform/util/time.h"
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
  std::vector<SlidingWindow> windows = {{kHour, kMinute, 10 * kMinute}, {kDay, kHour, kHour},
                                        {7 * kDay, kHour, kHour}, {30 * kDay, kDay, kDay}, {90 * kDay, kDay, kDay}};
  std::mt19937_64 rng(7);
  int64_t t = 1000 * kDay;
  for (auto _ : state) {
    t += static_cast<int64_t>(rng() % (10 * kMinute));
    int64_t at = t - static_cast<int64_t>(rng() % (5 * kMinute));
    for (auto& w : windows) w.add(at, static_cast<int64_t>(rng() % 100000), rng() % 40);
  }
}
BENCHMARK(BM_UpdateFiveWindows);

}  // namespace
