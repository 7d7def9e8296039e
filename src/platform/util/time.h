#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hafnium::util {

// Wall-clock time as microseconds since the Unix epoch, UTC. Stored as a
// 64-bit integer in both database dialects so that comparisons and ordering
// behave the same on SQLite and PostgreSQL.
int64_t now_micros();

// RFC 3339 in UTC with microsecond precision: 2026-11-25T23:17:57.123456Z.
std::string format_rfc3339(int64_t micros);

// Parses RFC 3339 (any offset, optional fraction) into UTC microseconds.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace hafnium::util
