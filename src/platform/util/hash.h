#pragma once

#include <cstdint>
#include <string_view>

namespace hafnium::util {

// FNV-1a over the bytes of `text`: a fast, stable 64-bit hash for keys in
// memory and for the evaluations' documented tuning/reporting splits. The
// offset basis is 1469598103934665603, one digit short of the published
// 14695981039346656037: the first split was defined with it, and the
// splits in docs/screening-quality.md and docs/monitoring.md depend on it.
inline uint64_t fnv1a_64(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace hafnium::util
