#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/screening/domain/normalize.h"

namespace hafnium::services::screening {

// What the bound reads of a token, in one cache line (a Token spans two,
// and more when its text is long). Texts and skeletons are compared by
// hash: a collision can only make the bound say that two tokens may pair,
// which keeps it a bound.
struct alignas(64) TokenSketch {
  std::array<uint8_t, kBagLetters> bag{};  // Token::bag's letters (bag_distance reads 12 bytes past them)
  uint8_t kind = 0;                        // TokenKind
  char first = 0;                          // the text's first letter
  uint16_t size = 0;                       // the text's length; UINT16_MAX: that or longer
  uint16_t skeleton_size = 0;              // likewise the skeleton's
  char skeleton_first = 0;                 // the skeleton's first and last consonants ('\0': none)
  char skeleton_last = 0;
  uint32_t skeleton_hash = 0;
  uint64_t text_hash = 0;
  uint64_t nickname_groups = 0;

  bool operator==(const TokenSketch&) const = default;
};
static_assert(offsetof(TokenSketch, bag) == 0 && sizeof(TokenSketch) >= 48, "bag_distance reads 48 bytes from bag");
static_assert(sizeof(TokenSketch) == 64, "one cache line");
TokenSketch sketch_of(const Token& token);

inline char first_letter(const Token& token) { return token.text.empty() ? '\0' : token.text[0]; }

// Distinct tokens of many names, each held once as its sketch, its brief
// (kind, length, first letter, skeleton's length and ends) and its text:
// the bound reads the brief of every token of every candidate, and the
// sketch and text when a query first meets the token. The tokens
// themselves stay with their names.
class TokenVocabulary {
 public:
  static constexpr size_t kLongToken = UINT8_MAX;  // a brief's length: this long or longer

  uint32_t add(const Token& token) {
    texts_.push_back(token.text);
    sketches_.push_back(sketch_of(token));
    const TokenSketch& sketch = sketches_.back();
    briefs_.push_back({token.kind, static_cast<uint8_t>(std::min(token.text.size(), kLongToken)), sketch.first,
                       static_cast<uint8_t>(std::min<size_t>(sketch.skeleton_size, kLongToken)), sketch.skeleton_first,
                       sketch.skeleton_last});
    return static_cast<uint32_t>(sketches_.size() - 1);
  }
  const TokenSketch& sketch(uint32_t id) const { return sketches_[id]; }
  TokenKind kind(uint32_t id) const { return briefs_[id].kind; }
  size_t length(uint32_t id) const { return briefs_[id].length; }
  char first(uint32_t id) const { return briefs_[id].first; }
  // The skeleton's length (kLongToken: that or longer), first and last
  // consonants, for the bound's joins by consonants.
  size_t skeleton_size(uint32_t id) const { return briefs_[id].skeleton_size; }
  char skeleton_first(uint32_t id) const { return briefs_[id].skeleton_first; }
  char skeleton_last(uint32_t id) const { return briefs_[id].skeleton_last; }
  // The text, for the bound's test of an abjad's letters in order
  // (name_rules::written_in_order), read when a query first meets the token.
  std::string_view text(uint32_t id) const { return texts_[id]; }
  size_t size() const { return sketches_.size(); }

 private:
  struct Brief {
    TokenKind kind;
    uint8_t length;
    char first;
    uint8_t skeleton_size;
    char skeleton_first;
    char skeleton_last;
  };
  std::vector<TokenSketch> sketches_;
  std::vector<Brief> briefs_;
  std::vector<std::string> texts_;
};

}  // namespace hafnium::services::screening
