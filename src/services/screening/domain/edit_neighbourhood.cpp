#include "services/screening/domain/edit_neighbourhood.h"

namespace hafnium::services::screening {

namespace {
constexpr uint64_t kOffset = 14695981039346656037ULL, kPrime = 1099511628211ULL;

// FNV-1a, continued from `h`: a variant's hash is its prefix's, carried on
// over the rest of the word, so no variant is built as a string.
uint64_t extend(uint64_t h, std::string_view text) {
  for (unsigned char c : text) {
    h ^= c;
    h *= kPrime;
  }
  return h;
}
}  // namespace

void edit_neighbourhood(std::string_view word, std::vector<uint64_t>& keys) {
  keys.clear();
  if (word.size() < kNeighbourhoodMinLength) return;
  keys.push_back(extend(kOffset, word));
  uint64_t prefix = kOffset;
  for (size_t i = 0; i < word.size(); ++i) {
    // Deleting either letter of a doubled pair gives the same variant.
    if (i == 0 || word[i] != word[i - 1]) keys.push_back(extend(prefix, word.substr(i + 1)));
    prefix = extend(prefix, word.substr(i, 1));
  }
}

}  // namespace hafnium::services::screening
