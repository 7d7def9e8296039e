#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hafnium::util {

// Thin, tested wrappers over OpenSSL so that the rest of the code never
// touches its C API directly.
std::string sha256_hex(std::string_view data);
std::string sha256_raw(std::string_view data);
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
std::string random_bytes(size_t count);

std::string base64url_encode(std::string_view data);  // no padding (RFC 4648 §5)
std::optional<std::string> base64url_decode(std::string_view text);

std::string hex_encode(std::string_view data);

// Constant-time comparison for secrets of equal length.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace hafnium::util
