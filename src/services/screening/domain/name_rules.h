#pragma once

// Rules of the name score that the matcher (name_matcher.cpp) and its
// upper bound (name_score_bound.cpp) must apply alike: the bound is only a
// bound while both read a name the same way.

#include <cstdint>
#include <string>
#include <string_view>

#include "services/screening/domain/korean_names.h"
#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/normalize.h"

namespace hafnium::services::screening::name_rules {

// Two romanizations of one Korean syllable (korean_names.h), in a name
// written in Hangul: Kyong / Kyeong, Kwang / Gwang, Pak / Park.
inline constexpr double kKoreanSpellingSimilarity = 0.95;
inline bool korean_spellings_agree(std::string_view a, std::string_view b) {
  return korean_syllable_key(a) == korean_syllable_key(b);
}

// Two Latin spellings of one length and one consonant skeleton are one
// name (0.9) only when their Jaro-Winkler reaches this: Usama/Osama, but
// not Jeffrey/Jafari.
inline constexpr double kLatinSkeletonJaroWinkler = 0.85;

// Whether `whole` is `first` and `second` written as one word
// ("Mohammadhasni" / "Mohammad Hasni").
inline bool joins(const Token& whole, const Token& first, const Token& second) {
  return whole.text.size() == first.text.size() + second.text.size() &&
         whole.text.compare(0, first.text.size(), first.text) == 0 &&
         whole.text.compare(first.text.size(), std::string::npos, second.text) == 0;
}

// What joins_in_consonants needs of its tokens' skeletons, for the bound
// (name_score_bound.cpp), which reads them from sketches: the sizes, the
// first and the last consonant. "May" may be a false alarm, "cannot" never
// is: the consonants of first + second begin with first's (but a last c
// of first is a k on its own and a c before an h) and end with second's,
// and number those of the two, one fewer (a consonant doubled at the
// seam) or one more (a last h of first, no longer last).
inline bool may_join_in_consonants(size_t whole_size, char whole_first, char whole_last, size_t first_size,
                                   char first_first, size_t second_size, char second_last) {
  constexpr size_t kUnknown = UINT16_MAX;  // a skeleton too long to be sketched
  if (whole_size == kUnknown || first_size == kUnknown || second_size == kUnknown) return true;
  if (whole_size < 3 || first_size == 0 || second_size == 0) return false;
  if (whole_size + 1 < first_size + second_size || whole_size > first_size + second_size + 1) return false;
  auto k_or_c = [](char x) { return x == 'c' ? 'k' : x; };
  return k_or_c(whole_first) == k_or_c(first_first) && whole_last == second_last;
}

// Whether the letters of `written` stand in `spelled` in order, a letter
// of an abjad's long vowels meeting the Latin vowels it is spelled with
// (alef, also the seat of a hamza: any vowel; waw w/u/o/v; yeh y/i/e) and
// q, k and c, j and g, the letters transliterations trade: "hdad" in
// "haddad", "whyd" in "vahid", "abrahym" in "ibrahim".
inline bool written_in_order(std::string_view written, std::string_view spelled) {
  auto meets = [](char w, char s) {
    if (w == s) return true;
    switch (w) {
      case 'a': return s == 'e' || s == 'i' || s == 'o' || s == 'u';
      case 'w': return s == 'u' || s == 'o' || s == 'v';
      case 'y': return s == 'i' || s == 'e';
      case 'q': case 'k': case 'c': return s == 'q' || s == 'k' || s == 'c';
      case 'j': case 'g': return s == 'j' || s == 'g';
      default: return false;
    }
  };
  size_t at = 0;
  for (char w : written) {
    while (at < spelled.size() && !meets(w, spelled[at])) ++at;
    if (at == spelled.size()) return false;
    ++at;
  }
  return true;
}

// Against a name from an abjad, the similarity of two name tokens whose
// consonant skeletons are equal, by how many consonants they share and
// whether the letters the abjad wrote (its consonants and long vowels)
// stand in the other spelling in order: حداد "hdad" in Haddad, علي "aly"
// in Ali, but "trzy" (Tirzi) not in Torres. One or two consonants alone
// are too little to identify a name.
inline double equal_consonants_similarity(size_t consonants, bool letters_in_order) {
  if (consonants >= 3) return letters_in_order ? 0.95 : 0.85;
  if (consonants == 2) return letters_in_order ? 0.9 : 0.75;
  return letters_in_order ? 0.86 : 0.0;
}

// The Arabic article takes the sound of a "sun letter" after it (al-Din is
// said ad-Din), and Latin spellings that write a name as one word follow
// the sound (Shamsuddin): `word` without its article when the article
// stands before a sun letter as ICU writes them (t, th, d, dh, r, z, s,
// sh, n, l), else empty.
inline std::string_view after_assimilated_article(std::string_view word) {
  if (word.size() <= 2 || !word.starts_with("al")) return {};
  return std::string_view("tdrzsnl").find(word[2]) != std::string_view::npos ? word.substr(2) : std::string_view();
}

// Against a name from an abjad, whether `whole` is `first` and `second`
// written as one word by their consonants: مطيع الله "mtya allh" /
// Matiullah, عبدالمنان "abdalmnan" / Abdul Manan, شمس الدين "shms aldyn" /
// Shamsuddin (the article's l said as the sun letter after it). At least
// three consonants, one in each part; and as for equal skeletons, the
// letters the abjad wrote must stand in the other spelling in order
// (`written_in_order`), beginning with the first ("srwr kanw" is not
// Sorokin, nor "th th" Wuthth). Which side is from the abjad:
// `whole_from_abjad`, `parts_from_abjad`; two names in the same script join
// by their letters only.
inline bool joins_in_consonants(const Token& whole, const Token& first, const Token& second, bool whole_from_abjad,
                                bool parts_from_abjad) {
  if (whole_from_abjad == parts_from_abjad) return false;
  if (whole.skeleton.empty() || first.skeleton.empty() || second.skeleton.empty()) return false;
  if (!may_join_in_consonants(whole.skeleton.size(), whole.skeleton.front(), whole.skeleton.back(),
                              first.skeleton.size(), first.skeleton.front(), second.skeleton.size(),
                              second.skeleton.back())) {
    return false;
  }
  auto in_order = [&](std::string joined) {
    merge_doubled_a(joined);  // neither at the seam
    if (consonant_skeleton(joined) != whole.skeleton) return false;
    const std::string_view written = parts_from_abjad ? std::string_view(joined) : std::string_view(whole.text);
    const std::string_view spelled = parts_from_abjad ? std::string_view(whole.text) : std::string_view(joined);
    return !written.empty() && !spelled.empty() && written_in_order(written.substr(0, 1), spelled.substr(0, 1)) &&
           written_in_order(written, spelled);
  };
  if (in_order(first.text + second.text)) return true;
  const std::string_view rest = after_assimilated_article(second.text);
  return !rest.empty() && in_order(first.text + std::string(rest));
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
