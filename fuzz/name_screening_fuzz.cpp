// libFuzzer target for screening a name, the input every tenant sends. The
// input's first line is the name (as the API takes it: UTF-8 without NUL,
// at most 1,024 bytes, one writing system, some letter or digit); the next
// byte picks the entity type. It is normalised (ICU transliteration,
// legal forms, skeletons) and screened against the bundled UN list. Any
// name must end in matches that keep the screener's promises (scores in
// [0, 1] at or above the threshold, best first, each with the name it
// matched and reasons) or in none: never a crash, a hang, undefined
// behaviour or a leak. Against each of its candidates, the upper bound the
// screener skips names by is checked: the same read from the index's
// vocabulary as from the name, and never below the name score.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "platform/util/utf8.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/name_score_bound.h"
#include "services/screening/domain/normalize.h"
#include "services/screening/domain/screener.h"

namespace {

using namespace hafnium::services::screening;

const Screener& screener() {
  static const Screener instance = [] {
    auto list = import_list("un", {std::string(HAFNIUM_SOURCE_DIR) + "/data/lists/un_2026-02-27/UN_consolidated.xml"});
    return Screener(std::make_shared<const WatchlistIndex>(std::move(list.entities)));
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t end = input.find('\n');
  Party party;
  party.name = std::string(input.substr(0, end));
  if (end != std::string_view::npos && end + 1 < input.size()) {
    static const EntityKind kKinds[] = {EntityKind::kUnknown, EntityKind::kPerson, EntityKind::kOrganisation,
                                        EntityKind::kVessel, EntityKind::kAircraft};
    party.kind = kKinds[static_cast<uint8_t>(input[end + 1]) % 5];
  }
  // What the API refuses never reaches the screener.
  if (party.name.empty() || party.name.size() > 1024 || party.name.find('\0') != std::string::npos ||
      !hafnium::util::is_valid_utf8(party.name)) {
    return 0;
  }
  const auto normalized = normalize_name(party.name, party.kind);
  if (normalized.mixed_scripts || normalized.tokens.empty()) return 0;
  const ScreeningOptions options;
  const auto matches = screener().screen(party, options);
  double previous = 1.0;
  for (const auto& match : matches) {
    if (!(match.score >= options.threshold && match.score <= 1.0 && match.score <= previous)) __builtin_trap();
    if (match.matched_name.empty() || match.reasons.empty()) __builtin_trap();
    previous = match.score;
  }
  const auto& index = screener().index();
  const QueryNameBound bound(normalized, index.vocabulary());
  for (uint32_t id : index.candidates(normalized, options.candidates)) {
    const auto& name = index.name(id).name;
    const double direct = name_score_upper_bound(normalized, name);
    if (bound.of(name, index.token_ids(id)) != direct) __builtin_trap();
    if (direct + 1e-12 < match_names(normalized, name, {}, false).score) __builtin_trap();
  }
  return 0;
}
