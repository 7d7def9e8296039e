#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hafnium::services::screening {

// How much a token says about identity.
enum class TokenKind {
  kName,       // a given name, surname or distinctive word: full weight
  kParticle,   // al, bin, van, de, ...: carried, weakly weighted
  kLegalForm,  // ltd, llc, gmbh, ooo, ...: canonicalised, weakly weighted
  kNumber,     // digits: must agree exactly
  kInitial,    // a single letter
};

// Letter counts of a token (a-z, 0-9): the edit distance of two tokens is
// at least the larger surplus of one bag over the other, which rules most
// token pairs out before any dynamic programming.
using LetterBag = std::array<uint8_t, 36>;

struct Token {
  std::string text;      // lower-case ASCII
  std::string skeleton;  // consonant skeleton: "muhammad" -> "mhmd"
  TokenKind kind = TokenKind::kName;
  LetterBag bag{};
  uint64_t nickname_groups = 0;  // bit g: the token is a name of nickname group g
};

// Lower bound of the edit distance of the two tokens.
int bag_distance(const LetterBag& a, const LetterBag& b);

enum class EntityKind { kPerson, kOrganisation, kVessel, kAircraft, kUnknown };

struct NormalizedName {
  std::vector<Token> tokens;
  // The original was (partly) in Arabic or Hebrew script: ICU gives only a
  // consonant skeleton there, so comparisons lean on skeletons.
  bool abjad_source = false;
  // The original was in Han, Hangul or Kana: tokens are syllables, and one
  // letter of difference is a different name (Cheng/Chen), not a typo.
  bool syllabic_source = false;
  bool mixed_scripts = false;

  std::string joined() const;  // tokens without separators
};

// Normalises a name for matching: Unicode NFKC and case folding,
// transliteration of any script to Latin and then ASCII ("Any-Latin;
// Latin-ASCII"), removal of punctuation, honorifics dropped, legal forms
// canonicalised ("L.L.C." -> llc, "Aktiengesellschaft" -> ag), particles and
// initials marked. ASCII input takes a fast path without ICU.
//
// Thread-safe: the ICU transliterator is per thread.
NormalizedName normalize_name(std::string_view utf8, EntityKind kind = EntityKind::kUnknown);

// "mohammed" -> "mhmd": drops vowels (and y, w, h after a consonant...) and
// collapses repeats, the form in which Arabic and Hebrew names survive
// transliteration.
std::string consonant_skeleton(std::string_view ascii_lower);

}  // namespace hafnium::services::screening
