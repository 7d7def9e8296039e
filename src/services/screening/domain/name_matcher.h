#pragma once

#include <string>
#include <vector>

#include "services/screening/domain/normalize.h"

namespace hafnium::services::screening {

// Why two names were judged alike (or not): stable codes for analysts and
// for the API's explanation of a match.
namespace reason {
inline constexpr const char* kExact = "exact";
inline constexpr const char* kReordered = "tokens_reordered";
inline constexpr const char* kTypo = "spelling_variant";
// Every other part agrees; one part differs by a slip of a letter or two.
inline constexpr const char* kSlip = "one_name_part_misspelt";
inline constexpr const char* kInitial = "initial";
inline constexpr const char* kNickname = "nickname";
inline constexpr const char* kSkeleton = "transliteration_variant";
inline constexpr const char* kJoined = "joined_or_split_tokens";
inline constexpr const char* kMissingNames = "names_missing_on_one_side";
inline constexpr const char* kConflictingNames = "conflicting_names";
inline constexpr const char* kNumberMismatch = "number_mismatch";
inline constexpr const char* kAcronym = "acronym";
inline constexpr const char* kPatronymSwap = "patronymic_order_differs";
}  // namespace reason

struct AlignedToken {
  std::string query;
  std::string candidate;
  double similarity;
  const char* reason;
};

struct NameMatch {
  double score = 0;  // [0,1]
  std::vector<AlignedToken> aligned;
  std::vector<std::string> unmatched_query;
  std::vector<std::string> unmatched_candidate;
  std::vector<const char*> reasons;
};

// The threshold at and above which a name counts as a potential match,
// set with the parameters below.
inline constexpr double kDefaultThreshold = 0.63;

// Tunable weights of the name score. The defaults were set on the tuning
// half of the labelled name pairs (docs/screening-quality.md) and are
// reported on the other half.
struct MatcherParameters {
  double agree_threshold = 0.86;    // token similarity at which two tokens count as the same name
  double pair_floor = 0.8;          // below this two tokens are not paired at all
  double similarity_power = 1.0;    // a paired token contributes sim^power: near misses count less
  double conflict_penalty = 4.0;    // weight of names present on both sides that disagree
  double missing_penalty = 0.1;     // weight of names present on one side only
  // A one-word name against a longer one ("Maria" / "Maria Garcia Lopez")
  // is weak evidence however well the word agrees.
  double single_name_factor = 0.6;
  double particle_weight = 0.2;
  double legal_form_weight = 0.15;
  double initial_weight = 0.5;
  double legal_form_conflict = 0.5;  // AG vs GmbH
  // Names that agree on every part but one, where those two differ by a
  // slip of one or two letters (Tim/Tom Cook, Sechin/Sechev), pair the two
  // at this similarity instead of counting them as conflicting.
  double slip_similarity = 0.4;
};

// The acronym a name abbreviates to: the first letter of each name word or
// initial ("People's Liberation Army" -> "pla"). The matcher pairs a
// one-word name with it, and the candidate index offers it (organisations
// only, both of them), so the two must read the same letters.
std::string acronym_of(const NormalizedName& name);

// Similarity of two single tokens in [0,1], with the reason that produced it.
// Below `floor` the exact value does not matter to the caller: the function
// may return 0 there without computing it (the screening hot path).
// `korean`: one of the names was written in Hangul and the other not:
// syllables agree when their spellings share korean_syllable_key (Kyong /
// Kyeong).
double token_similarity(const Token& a, const Token& b, bool abjad, bool syllabic, bool korean, const char** why,
                        double floor = 0.0);

// Scores a query name against a candidate (list) name. Symmetric in spirit,
// but names missing on one side (middle names, patronymics) cost less than
// names that contradict each other.
// `explain` = false computes the score only (no aligned tokens, unmatched
// names or reasons): the screening hot path scores every candidate that
// way and explains the few that pass.
NameMatch match_names(const NormalizedName& query, const NormalizedName& candidate,
                      const MatcherParameters& parameters = {}, bool explain = true);

// The nickname groups a given name belongs to, as a bit set (computed once
// per token at normalisation; two tokens are nicknames of each other when
// their sets intersect).
uint64_t nickname_groups(const std::string& name);

}  // namespace hafnium::services::screening
