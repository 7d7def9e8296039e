// Single-party screening in process with every bundled list loaded
// (28,251 entities): one clear name, one listed name, one transliterated
// listed name. Percentiles come from `screening_eval latency`; this gives
// Google Benchmark's mean and spread per case.
#include <benchmark/benchmark.h>

#include <memory>

#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/screener.h"

namespace {

using namespace hafnium::services::screening;

const Screener& screener() {
  static const Screener* instance = new Screener(
      std::make_shared<const WatchlistIndex>(load_lists(bundled_lists(bundled_lists_dir()))));
  return *instance;
}

void screen_party(benchmark::State& state, Party party) {
  const auto& s = screener();
  for (auto _ : state) benchmark::DoNotOptimize(s.screen(party));
}

void BM_ScreenClearPerson(benchmark::State& state) {
  screen_party(state, {"Patricia Lucas Wheeler", EntityKind::kPerson, "2002-07-14", "", {}});
}
BENCHMARK(BM_ScreenClearPerson)->Unit(benchmark::kMicrosecond);

void BM_ScreenListedOrganisation(benchmark::State& state) {
  screen_party(state, {"Banco Nacional de Cuba", EntityKind::kOrganisation, "", "CU", {}});
}
BENCHMARK(BM_ScreenListedOrganisation)->Unit(benchmark::kMicrosecond);

void BM_ScreenArabicScriptName(benchmark::State& state) {
  screen_party(state, {"أيمن الظواهري", EntityKind::kPerson, "1951", "", {}});
}
BENCHMARK(BM_ScreenArabicScriptName)->Unit(benchmark::kMicrosecond);

}  // namespace
