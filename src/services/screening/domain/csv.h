#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace hafnium::services::screening {

// RFC 4180 CSV: quoted fields with doubled quotes and embedded newlines,
// CRLF or LF line ends. Reports the line where a record starts, for import
// error reports. OFAC's legacy files end with a 0x1A (DOS end-of-file) byte,
// which is treated as the end of input.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Next record, or nullopt at the end. Throws std::runtime_error naming the
  // line on an unterminated quoted field or a field that is not UTF-8.
  std::optional<std::vector<std::string>> next();
  size_t record_line() const { return record_line_; }

 private:
  std::optional<std::vector<std::string>> read_record();
  std::istream& in_;
  size_t line_ = 1;
  size_t record_line_ = 0;
};

}  // namespace hafnium::services::screening
