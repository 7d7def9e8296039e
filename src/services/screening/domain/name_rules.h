#pragma once

// Rules of the name score that the matcher (name_matcher.cpp) and its
// upper bound (name_score_bound.cpp) must apply alike: the bound is only a
// bound while both read a name the same way.

#include <algorithm>
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
// (name_score_bound.cpp), which reads them from sketches: the size, the
// first and the last consonant.
struct SkeletonSketch {
  size_t size;  // kUnknownSize: too long to be sketched
  char first;
  char last;
  static constexpr size_t kUnknownSize = UINT16_MAX;
  static SkeletonSketch of(const std::string& skeleton) {
    return {skeleton.size(), skeleton.empty() ? '\0' : skeleton.front(), skeleton.empty() ? '\0' : skeleton.back()};
  }
};

// Whether `whole` may be `first` and `second` joined by their consonants,
// from the skeletons' sketches. "May" may be a false alarm, "cannot" never
// is. The consonants of first + second are theirs, but at the seam two
// letters may fold into one (`consonant_skeleton`: d + j to j, g + h to
// k), a c may be read s (c + e, c + h), and a consonant may
// double; and the matcher also joins first + second without the article's
// l (`after_assimilated_article`). So the two number one consonant fewer
// than the whole (a last h of first, no longer last; a c + c no longer
// doubled when the second is read s) up to one more (a doubled consonant
// at the seam, a fold, or the article's l), or two more where a fold or
// the article meets a doubled consonant. The whole begins with first's
// first consonant, but where that is first's only one, the fold may have
// made it j (from d), k (g) or s (c); and it ends with second's last, but
// where that is second's only one and an h, the fold may have taken it
// (k), or left it last after an s (c + h), where a last h drops.
inline bool may_join_in_consonants(SkeletonSketch whole, SkeletonSketch first, SkeletonSketch second) {
  constexpr size_t kUnknown = SkeletonSketch::kUnknownSize;
  if (whole.size == kUnknown || first.size == kUnknown || second.size == kUnknown) return true;
  if (whole.size < 3 || first.size == 0 || second.size == 0) return false;
  const size_t parts = first.size + second.size;
  if (whole.size > parts + 1) return false;
  if (whole.size + 1 < parts) {
    const bool folds = (first.last == 'd' && second.first == 'j') || (first.last == 'g' && second.first == 'h');
    const bool article = second.first == 'l';
    if (whole.size + 2 < parts || !(folds || article)) return false;
  }
  const bool begins =
      whole.first == first.first ||
      (first.size == 1 && ((first.first == 'd' && whole.first == 'j') || (first.first == 'g' && whole.first == 'k') ||
                           (first.first == 'k' && whole.first == 's')));
  const bool ends = whole.last == second.last || (second.size == 1 && second.last == 'h' &&
                                                  (whole.last == 'k' || whole.last == 's'));
  return begins && ends;
}

// Whether the letters of `written` stand in `spelled` in order, a letter
// of an abjad's long vowels meeting the Latin vowels it is spelled with
// (alef, also the seat of a hamza: any vowel; waw w/u/o/v; yeh y/i/e) and
// q, k and c, j and g, the letters transliterations trade, and the first
// letters of the digraphs `consonant_skeleton` folds (ch and c for s, gh
// for q): "hdad" in "haddad", "whyd" in "vahid", "abrahym" in
// "ibrahim", "baqr" in "bagher".
inline bool written_in_order(std::string_view written, std::string_view spelled) {
  auto meets = [](char w, char s, bool last) {
    if (w == s) return true;
    switch (w) {
      case 'a': return s == 'e' || s == 'i' || s == 'o' || s == 'u';
      case 'w': return s == 'u' || s == 'o' || s == 'v';
      // A last yeh is also the alef maqsura, a long a (موسی Musa,
      // مرتضی Morteza, یحیی Yahya).
      case 'y': return s == 'i' || s == 'e' || (last && s == 'a');
      case 'q': return s == 'k' || s == 'c' || s == 'g';  // gh, as Persian says ق
      case 'k': case 'c': return s == 'q' || s == 'k' || s == 'c';
      case 's': return s == 'c';  // French ch for ش, c before e or i
      case 'j': case 'g': return s == 'j' || s == 'g';
      default: return false;
    }
  };
  size_t at = 0;
  for (size_t i = 0; i < written.size(); ++i) {
    const char w = written[i];
    const bool last = i + 1 == written.size();
    while (at < spelled.size() && !meets(w, spelled[at], last)) ++at;
    // A last h is the ta marbuta or a ha that Latin spellings drop
    // (حماده Hamada), as consonant skeletons do.
    if (at == spelled.size()) return false;
    ++at;
  }
  return true;
}

// Against a name from an abjad, the similarity of two name tokens whose
// consonant skeletons are equal, by how many consonants they share and
// whether the letters the abjad wrote (its consonants and long vowels)
// stand in the other spelling in order: حداد "hdad" in Haddad, علي "aly"
// in Ali, but "trzy" (Tirzi) not in Torres. Not in order, the consonants
// are as often another name of the same root (أحمد Ahmad / حامد Hamid,
// أكبر Akbar / كبير Kabir): below the matcher's pairing floor, so that such
// names do not pair. One or two consonants alone are too little to
// identify a name.
inline double equal_consonants_similarity(size_t consonants, bool letters_in_order) {
  if (consonants >= 3) return letters_in_order ? 0.95 : 0.75;
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
// by their letters only. The rule in full; `joins_in_consonants` asks the
// skeletons' sketches first.
inline bool joined_in_consonants(const Token& whole, const Token& first, const Token& second, bool whole_from_abjad,
                                 bool parts_from_abjad) {
  if (whole_from_abjad == parts_from_abjad) return false;
  if (whole.skeleton.size() < 3 || first.skeleton.empty() || second.skeleton.empty()) return false;
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

inline bool joins_in_consonants(const Token& whole, const Token& first, const Token& second, bool whole_from_abjad,
                                bool parts_from_abjad) {
  return whole_from_abjad != parts_from_abjad &&
         may_join_in_consonants(SkeletonSketch::of(whole.skeleton), SkeletonSketch::of(first.skeleton),
                                SkeletonSketch::of(second.skeleton)) &&
         joined_in_consonants(whole, first, second, whole_from_abjad, parts_from_abjad);
}

// Whether two names are the same words in the same order, as normalised.
inline bool same_words(const NormalizedName& a, const NormalizedName& b) {
  return a.tokens.size() == b.tokens.size() &&
         std::equal(a.tokens.begin(), a.tokens.end(), b.tokens.begin(),
                    [](const Token& x, const Token& y) { return x.text == y.text; });
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
