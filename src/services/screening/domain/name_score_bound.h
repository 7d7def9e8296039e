#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/normalize.h"
#include "services/screening/domain/token_vocabulary.h"

namespace hafnium::services::screening {

// An upper bound of match_names(query, candidate, parameters).score from
// cheap tests only (letter bags, exact and nickname equality, skeletons,
// token counts): no Jaro and no edit distance, so that the screener can
// skip the candidates whose bound cannot reach the threshold. This form
// reads two names and is the reference the tests and the fuzz target
// check; the screener uses QueryNameBound (below), which gives the same
// value.
double name_score_upper_bound(const NormalizedName& query, const NormalizedName& candidate,
                              const MatcherParameters& parameters = {});

// The same bound, for the many candidates of one query, when the
// candidates' tokens are held once in a shared vocabulary (WatchlistIndex):
// a candidate is then a list of vocabulary ids. Most candidates share words
// with the query and with each other, so whether a query token may pair
// with a vocabulary token is worked out once per query and remembered,
// however many candidates hold it. Gives name_score_upper_bound's value
// exactly.
//
// It remembers in a small open-addressed table of its own (a table indexed
// by vocabulary id spread one query's few hundred entries over megabytes
// and missed the cache on nearly every lookup); past three quarters full,
// the levels of further tokens are worked out each time.
class QueryNameBound {
 public:
  QueryNameBound(const NormalizedName& query, const TokenVocabulary& vocabulary,
                 const MatcherParameters& parameters = {});

  // `candidate`'s tokens, as ids into the vocabulary.
  double of(const NormalizedName& candidate, std::span<const uint32_t> token_ids) const;

 private:
  struct Remembered {
    uint32_t key = 0;  // 8 x id + the way the candidate's script changes the tests + 1; 0: free
    uint32_t levels = 0;
  };
  static constexpr size_t kSlots = 1024;

  // The query's levels against a vocabulary token, remembered.
  uint32_t levels_against_token(uint32_t id, bool abjad, bool syllabic, bool korean) const;

  const NormalizedName& query_;
  std::vector<TokenSketch> query_sketches_;
  // The query tokens' korean_syllable_key, worked out when first needed.
  mutable std::vector<std::string> query_keys_;
  const TokenVocabulary& vocabulary_;
  MatcherParameters parameters_;
  mutable std::array<Remembered, kSlots> remembered_{};
  mutable size_t remembered_count_ = 0;
};

}  // namespace hafnium::services::screening
