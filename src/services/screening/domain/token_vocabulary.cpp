#include "services/screening/domain/token_vocabulary.h"

#include <algorithm>
#include <cstdint>

#include "platform/util/hash.h"

namespace hafnium::services::screening {

TokenSketch sketch_of(const Token& token) {
  TokenSketch sketch;
  std::copy_n(token.bag.begin(), kBagLetters, sketch.bag.begin());
  sketch.kind = static_cast<uint8_t>(token.kind);
  sketch.first = first_letter(token);
  auto clamp = [](size_t n) { return static_cast<uint16_t>(std::min<size_t>(n, UINT16_MAX)); };
  sketch.size = clamp(token.text.size());
  sketch.skeleton_size = clamp(token.skeleton.size());
  if (!token.skeleton.empty()) {
    sketch.skeleton_first = token.skeleton.front();
    sketch.skeleton_last = token.skeleton.back();
  }
  sketch.skeleton_hash = static_cast<uint32_t>(util::fnv1a_64(token.skeleton));
  sketch.text_hash = util::fnv1a_64(token.text);
  sketch.nickname_groups = token.nickname_groups;
  return sketch;
}

}  // namespace hafnium::services::screening
