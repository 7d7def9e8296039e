#include "services/screening/domain/csv.h"

#include <stdexcept>

#include "platform/util/utf8.h"

namespace hafnium::services::screening {

void CsvReader::skip_byte_order_mark() {
  static constexpr char kMark[] = "\xEF\xBB\xBF";
  while (ahead_.size() < 3 && in_.peek() == static_cast<unsigned char>(kMark[ahead_.size()])) {
    ahead_.push_back(static_cast<char>(in_.get()));
  }
  if (ahead_.size() == 3) ahead_.clear();  // the mark: dropped; anything else is data
}

std::optional<std::vector<std::string>> CsvReader::next() {
  if (!started_) {
    started_ = true;
    skip_byte_order_mark();
  }
  auto record = read_record();
  if (!record) return record;
  // Whatever a record becomes (an entity, a party, a transaction) is kept
  // as JSON, which one stray byte makes unreadable: refused here, with its
  // place, before anyone stores it. The record is consumed, so a caller
  // that reports bad rows and goes on reads the next one.
  for (size_t i = 0; i < record->size(); ++i) {
    if (!util::is_valid_utf8((*record)[i])) {
      throw Error(record_line_, "field " + std::to_string(i + 1) + " is not valid UTF-8", false);
    }
    // Nor can a store hold a NUL byte: PostgreSQL refuses it in text, and
    // its client would end the text there (two names, one key).
    if ((*record)[i].find('\0') != std::string::npos) {
      throw Error(record_line_, "field " + std::to_string(i + 1) + " contains a NUL byte", false);
    }
  }
  return record;
}

std::optional<std::vector<std::string>> CsvReader::read_record() {
  std::vector<std::string> fields;
  std::string field;
  bool in_quotes = false;
  bool any = false;
  record_line_ = line_;
  int c;
  while ((c = get()) != EOF) {
    if (c == 0x1A && !in_quotes) break;
    any = true;
    if (in_quotes) {
      if (c == '"') {
        if (peek() == '"') {
          get();
          field.push_back('"');
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\r') {
      if (peek() == '\n') continue;
      ++line_;
      fields.push_back(std::move(field));
      return fields;
    } else if (c == '\n') {
      ++line_;
      fields.push_back(std::move(field));
      return fields;
    } else {
      field.push_back(static_cast<char>(c));
    }
  }
  if (in_quotes) {
    throw Error(record_line_, "unterminated quoted field", true);
  }
  if (!any) return std::nullopt;
  fields.push_back(std::move(field));
  return fields;
}

}  // namespace hafnium::services::screening
