#pragma once

#include <string>
#include <string_view>

namespace hafnium::util {

// Percent-decoding (RFC 3986 §2.1). Malformed escapes are kept as text.
// `plus_as_space` decodes '+' as ' ' (application/x-www-form-urlencoded,
// for query strings); `keep_encoded_slash` leaves %2F encoded so that a
// decoded path parameter can never split into two path segments.
std::string percent_decode(std::string_view text, bool plus_as_space, bool keep_encoded_slash);

// Percent-encodes everything but RFC 3986's unreserved characters, so that
// any text (a client's id with '/', '?' or '%') is one path segment.
std::string percent_encode(std::string_view text);

}  // namespace hafnium::util
