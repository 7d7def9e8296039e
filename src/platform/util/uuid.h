#pragma once

#include <string>

namespace hafnium::util {

// A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so that
// identifiers sort by creation time and index well in B-trees.
std::string uuid_v7();

// True when `text` is a canonical lowercase or uppercase 8-4-4-4-12 UUID.
bool is_uuid(std::string_view text);

}  // namespace hafnium::util
