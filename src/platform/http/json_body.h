#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/problem.h"
#include "platform/http/request.h"

namespace hafnium::http {

// Parses a JSON request body: checks the media type (415), UTF-8 (400),
// syntax with position (400), nesting depth, and that the top level is an
// object (400). This is the single entry point for request bodies, and the
// function the JSON fuzz target drives.
boost::json::value parse_json_body(const Request& request);
boost::json::value parse_json_text(std::string_view text);
boost::json::object parse_json_object(const Request& request);

// Reads fields of a JSON object with validation. Errors are collected, not
// thrown one by one, so that a client sees every bad field at once; finish()
// throws a validation ApiError if any field failed, including fields the
// schema does not know (unknown fields are rejected, not silently dropped).
class ObjectReader {
 public:
  explicit ObjectReader(const boost::json::object& object, std::string path_prefix = "");

  std::optional<std::string> optional_string(std::string_view key, size_t max_length = 1024);
  std::string required_string(std::string_view key, size_t max_length = 1024);
  std::optional<int64_t> optional_integer(std::string_view key, int64_t min, int64_t max);
  std::optional<bool> optional_bool(std::string_view key);
  std::vector<std::string> string_array(std::string_view key, size_t max_items,
                                        size_t max_length = 256);
  const boost::json::object* optional_object(std::string_view key);

  void add_error(std::string field, std::string reason);
  // Marks a field the caller reads by hand as known (not reported unknown).
  void accept(std::string_view key) { seen_.emplace(key); }
  std::string field_path(std::string_view key) const;
  bool ok() const { return errors_.empty(); }
  const std::vector<FieldError>& errors() const { return errors_; }
  // Throws if any error was recorded or an unknown field is present.
  void finish();

 private:
  const boost::json::value* take(std::string_view key);

  const boost::json::object& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
  std::vector<FieldError> errors_;
};

}  // namespace hafnium::http
