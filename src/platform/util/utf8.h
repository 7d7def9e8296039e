#pragma once

#include <string_view>

namespace hafnium::util {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
// Checked wherever text enters from outside (request bodies, imported
// files): stored documents are JSON, and one invalid byte in one of them
// makes the whole document unreadable later.
bool is_valid_utf8(std::string_view text);

}  // namespace hafnium::util
