#pragma once

#include <string_view>

namespace hafnium::util {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
// Checked wherever text enters from outside (request bodies, imported
// files): stored documents are JSON, and one invalid byte in one of them
// makes the whole document unreadable later.
bool is_valid_utf8(std::string_view text);

// True when every byte of `text` is below 0x80.
inline bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace hafnium::util
