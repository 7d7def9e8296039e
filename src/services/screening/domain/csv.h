#pragma once

#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hafnium::services::screening {

// RFC 4180 CSV: quoted fields with doubled quotes and embedded newlines,
// CRLF or LF line ends. Reports the line where a record starts, for import
// error reports. OFAC's legacy files end with a 0x1A (DOS end-of-file) byte,
// which is treated as the end of input. A UTF-8 byte order mark at the very
// start (what spreadsheet programs write into a "CSV UTF-8" export) is not
// data: left in, it would make the first column's name unknown.
class CsvReader {
 public:
  // A record the reader refuses; what() is "line N: reason". A field that
  // is not UTF-8 spoils its record only (reading goes on with the next);
  // an unterminated quote has consumed the rest of the input.
  class Error : public std::runtime_error {
   public:
    Error(size_t line, std::string reason, bool rest_consumed)
        : std::runtime_error("line " + std::to_string(line) + ": " + reason),
          line_(line),
          reason_(std::move(reason)),
          rest_consumed_(rest_consumed) {}
    size_t line() const { return line_; }
    const std::string& reason() const { return reason_; }
    bool rest_consumed() const { return rest_consumed_; }

   private:
    size_t line_;
    std::string reason_;
    bool rest_consumed_;
  };

  explicit CsvReader(std::istream& in) : in_(in) {}

  // Next record, or nullopt at the end. Throws Error naming the line on an
  // unterminated quoted field or a field that is not UTF-8.
  std::optional<std::vector<std::string>> next();
  size_t record_line() const { return record_line_; }

 private:
  std::optional<std::vector<std::string>> read_record();
  // The next byte of input: first those read ahead at the start that
  // turned out not to be a byte order mark, then the stream's.
  int get() { return ahead_at_ < ahead_.size() ? static_cast<unsigned char>(ahead_[ahead_at_++]) : in_.get(); }
  int peek() { return ahead_at_ < ahead_.size() ? static_cast<unsigned char>(ahead_[ahead_at_]) : in_.peek(); }
  void skip_byte_order_mark();
  std::istream& in_;
  bool started_ = false;
  std::string ahead_;
  size_t ahead_at_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
};

}  // namespace hafnium::services::screening
