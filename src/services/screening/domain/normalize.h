#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hafnium::services::screening {

// How much a token says about identity.
enum class TokenKind : uint8_t {
  kName,       // a given name, surname or distinctive word: full weight
  kParticle,   // al, bin, van, de, ...: carried, weakly weighted
  kLegalForm,  // ltd, llc, gmbh, ooo, ...: canonicalised, weakly weighted
  kNumber,     // digits: must agree exactly
  kInitial,    // a single letter
};

// Letter counts of a token (a-z, 0-9): the edit distance of two tokens is
// at least the larger surplus of one bag over the other, which rules most
// token pairs out before any dynamic programming. Padded with zeros to
// three 16-byte lanes so the distance is a few vector instructions.
inline constexpr size_t kBagLetters = 36;
using LetterBag = std::array<uint8_t, 48>;

struct Token {
  std::string text;      // lower-case ASCII
  std::string skeleton;  // consonant skeleton: "muhammad" -> "mhmd"
  TokenKind kind = TokenKind::kName;
  LetterBag bag{};
  uint64_t nickname_groups = 0;  // bit g: the token is a name of nickname group g
};

// Lower bound of the edit distance of two tokens from their letter counts
// (inline: it is the innermost test of screening). Reads the kBagLetters
// counts at `a` and `b` and, for the vector lanes, the bytes after them up
// to 48, which it ignores: a LetterBag's padding, or whatever a struct
// holding the counts keeps there (TokenSketch).
inline int bag_distance(const uint8_t* a, const uint8_t* b) {
#if defined(__SSE2__)
  static_assert(kBagLetters == 36, "two whole lanes and four letters of a third");
  const __m128i zero = _mm_setzero_si128();
  const __m128i first_four = _mm_setr_epi32(-1, 0, 0, 0);
  __m128i surplus_a = zero, surplus_b = zero;
  for (size_t k = 0; k < 48; k += 16) {
    __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + k));
    __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + k));
    if (k == 32) va = _mm_and_si128(va, first_four), vb = _mm_and_si128(vb, first_four);
    surplus_a = _mm_add_epi64(surplus_a, _mm_sad_epu8(_mm_subs_epu8(va, vb), zero));
    surplus_b = _mm_add_epi64(surplus_b, _mm_sad_epu8(_mm_subs_epu8(vb, va), zero));
  }
  auto total = [](__m128i v) {
    return static_cast<int>(_mm_cvtsi128_si64(v) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)));
  };
  return std::max(total(surplus_a), total(surplus_b));
#else
  int surplus_a = 0, surplus_b = 0;
  for (size_t i = 0; i < kBagLetters; ++i) {
    int d = static_cast<int>(a[i]) - static_cast<int>(b[i]);
    surplus_a += std::max(d, 0);
    surplus_b += std::max(-d, 0);
  }
  return std::max(surplus_a, surplus_b);
#endif
}
inline int bag_distance(const LetterBag& a, const LetterBag& b) { return bag_distance(a.data(), b.data()); }

// How many letters the two bags have in common, and how many a bag holds.
inline int shared_letters(const LetterBag& a, const LetterBag& b) {
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  __m128i shared = zero;
  for (size_t k = 0; k < a.size(); k += 16) {
    __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a.data() + k));
    __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b.data() + k));
    shared = _mm_add_epi64(shared, _mm_sad_epu8(_mm_min_epu8(va, vb), zero));
  }
  return static_cast<int>(_mm_cvtsi128_si64(shared) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(shared, shared)));
#else
  int shared = 0;
  for (size_t i = 0; i < kBagLetters; ++i) shared += std::min(a[i], b[i]);
  return shared;
#endif
}
inline int letters_in(const LetterBag& bag) { return shared_letters(bag, bag); }

enum class EntityKind { kPerson, kOrganisation, kVessel, kAircraft, kUnknown };

struct NormalizedName {
  std::vector<Token> tokens;
  // The original was (partly) in Arabic or Hebrew script: ICU gives only a
  // consonant skeleton there, so comparisons lean on skeletons.
  bool abjad_source = false;
  // The original was in Han, Hangul or Kana: tokens are syllables, and one
  // letter of difference is a different name (Cheng/Chen), not a typo.
  bool syllabic_source = false;
  // Of those, Hangul: written syllable by syllable much as the lists spell
  // Korean names, and compared with names in Latin letters by
  // korean_syllable_key (korean_names.h).
  bool hangul_source = false;
  bool mixed_scripts = false;
  EntityKind kind = EntityKind::kUnknown;  // as normalised: person, organisation or unknown
  // The tokens' letters together (each count saturating at 255) and their
  // length: name_score_upper_bound compares whole names by these alone,
  // without visiting the tokens.
  LetterBag letters{};
  size_t length = 0;

  std::string joined() const;  // tokens without separators
};

// Normalises a name for matching: Unicode NFKC and case folding,
// transliteration of any script to Latin and then ASCII ("Any-Latin;
// Latin-ASCII"), removal of punctuation, honorifics dropped, legal forms
// canonicalised ("L.L.C." -> llc, "Aktiengesellschaft" -> ag), particles and
// initials marked. ASCII input takes a fast path without ICU.
//
// `kind` chooses the rules: a person's (honorifics, particles), a
// company's (legal forms, generic business words, numbers in words), or
// neither when unknown. Vessels and aircraft follow a company's rules and
// come back as kOrganisation, but a lone letter of theirs is a letter, not
// an initial.
//
// Thread-safe: the ICU transliterator is per thread.
NormalizedName normalize_name(std::string_view utf8, EntityKind kind = EntityKind::kUnknown);

// An abjad writes no vowel twice: an "aa" in text transliterated from one
// (the a of an 'ayn next to an alef, عادل "aadl"; two words written
// together, "mtya" + "allh") is one vowel of the Latin spelling.
inline void merge_doubled_a(std::string& text) {
  text.erase(std::unique(text.begin(), text.end(), [](char x, char y) { return x == 'a' && y == 'a'; }), text.end());
}

// "mohammed" -> "mhmd": drops the vowels and y, w and v (Arabic's long
// vowels) and a last h, reads q and c as k, z as s and the digraphs of
// other conventions as one letter (dj j, ch and c before e/i/y s, gh q),
// and collapses repeats: the form in which Arabic and Hebrew names survive
// transliteration.
std::string consonant_skeleton(std::string_view ascii_lower);

}  // namespace hafnium::services::screening
