#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace hafnium::store {

// Column readers that behave the same on both backends. SOCI reports the
// SQL type it saw (SQLite guesses from the declared type, PostgreSQL from
// the wire type), so integer columns may arrive as int, long long or even
// string; these helpers normalise that and map NULL explicitly.
int64_t get_int64(const soci::row& row, std::size_t index);
std::optional<int64_t> get_optional_int64(const soci::row& row, std::size_t index);
std::string get_string(const soci::row& row, std::size_t index);
std::optional<std::string> get_optional_string(const soci::row& row, std::size_t index);

}  // namespace hafnium::store
