#pragma once

// Rules of the name score that the matcher (name_matcher.cpp) and its
// upper bound (name_score_bound.cpp) must apply alike: the bound is only a
// bound while both read a name the same way.

#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/normalize.h"

namespace hafnium::services::screening::name_rules {

// Whether `whole` is `first` and `second` written as one word
// ("Mohammadhasni" / "Mohammad Hasni").
inline bool joins(const Token& whole, const Token& first, const Token& second) {
  return whole.text.size() == first.text.size() + second.text.size() &&
         whole.text.compare(0, first.text.size(), first.text) == 0 &&
         whole.text.compare(first.text.size(), std::string::npos, second.text) == 0;
}

// A company is usually named by one distinctive word and generic ones
// ("Deutsche Bank AG"): the one-word discount is for people's names, where
// one given name says little ("Maria" / "Maria Garcia Lopez").
inline bool both_organisations(const NormalizedName& a, const NormalizedName& b) {
  return a.kind == EntityKind::kOrganisation && b.kind == EntityKind::kOrganisation;
}

inline double weight_of(TokenKind kind, const MatcherParameters& p) {
  switch (kind) {
    case TokenKind::kName: return 1.0;
    case TokenKind::kNumber: return 1.0;
    case TokenKind::kInitial: return p.initial_weight;
    case TokenKind::kParticle: return p.particle_weight;
    case TokenKind::kLegalForm: return p.legal_form_weight;
  }
  return 1.0;
}
inline double weight_of(const Token& token, const MatcherParameters& p) { return weight_of(token.kind, p); }

// Tokens that count towards "one word against several" (the one-word
// discount): names, numbers and initials, not particles or legal forms.
inline bool counts_as_word(TokenKind kind) {
  return kind == TokenKind::kName || kind == TokenKind::kNumber || kind == TokenKind::kInitial;
}
inline bool counts_as_word(const Token& token) { return counts_as_word(token.kind); }

}  // namespace hafnium::services::screening::name_rules
