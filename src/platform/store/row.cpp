#include "platform/store/row.h"

#include <stdexcept>

namespace hafnium::store {

std::optional<int64_t> get_optional_int64(const soci::row& row, std::size_t index) {
  if (row.get_indicator(index) == soci::i_null) return std::nullopt;
  switch (row.get_properties(index).get_data_type()) {
    case soci::dt_integer: return row.get<int>(index);
    case soci::dt_long_long: return row.get<long long>(index);
    case soci::dt_unsigned_long_long: return static_cast<int64_t>(row.get<unsigned long long>(index));
    case soci::dt_double: return static_cast<int64_t>(row.get<double>(index));
    case soci::dt_string: return std::stoll(row.get<std::string>(index));
    default: throw std::runtime_error("column " + std::to_string(index) + " is not an integer");
  }
}

int64_t get_int64(const soci::row& row, std::size_t index) {
  auto value = get_optional_int64(row, index);
  if (!value) throw std::runtime_error("column " + std::to_string(index) + " is NULL");
  return *value;
}

std::optional<std::string> get_optional_string(const soci::row& row, std::size_t index) {
  if (row.get_indicator(index) == soci::i_null) return std::nullopt;
  switch (row.get_properties(index).get_data_type()) {
    case soci::dt_string:
    case soci::dt_blob:
      return row.get<std::string>(index);
    default: return std::to_string(get_int64(row, index));
  }
}

std::string get_string(const soci::row& row, std::size_t index) {
  return get_optional_string(row, index).value_or("");
}

}  // namespace hafnium::store
