#include "platform/http/json_body.h"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <cmath>
#include <optional>

#include "platform/util/utf8.h"

namespace hafnium::http {

namespace {
bool is_json_media_type(const std::string* content_type) {
  if (content_type == nullptr) return false;
  std::string_view value = *content_type;
  std::string_view media = value.substr(0, value.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || lower == "application/problem+json" ||
         (lower.starts_with("application/") && lower.ends_with("+json"));
}
}  // namespace

namespace {
// The value a double read from a request will be once stored and read
// back, or nothing when it does not settle. Boost.JSON (1.81) reads some
// doubles one unit in the last place away from the nearest, while it
// writes each double as the shortest text that a correct reader reads back
// exactly: 1.1111111111111111E86, read from a request and stored, read back
// as ...12E86 (a restart rebuilding monitoring's state from stored
// transactions; found by the transaction fuzz target). Writing and reading
// again until nothing changes settles it (one step in practice).
std::optional<double> settled(double value) {
  for (int step = 0; step < 4; ++step) {
    boost::system::error_code ec;
    const auto again = boost::json::parse(boost::json::serialize(boost::json::value(value)), ec);
    if (ec || !again.is_double()) return std::nullopt;
    if (again.get_double() == value) return value;
    value = again.get_double();
  }
  return std::nullopt;
}

// Makes the value what a store keeps and gives back, before anything is
// acknowledged: each double settled (above). Returns the first value no
// store can keep as sent, with its path ("metadata/fee") and why: a number
// too large for a double (it parses as infinity, which JSON cannot hold:
// boost::json writes it back as "Infinity", and a document stored with one
// can never be read again), a double that does not settle, or a text (or
// key) holding U+0000 (PostgreSQL's text cannot hold it, and its client
// library ends the text there: "ref\u0000z" was stored as "ref", another
// party's reference).
std::optional<FieldError> make_storable(boost::json::value& value, const std::string& path) {
  auto here = [&] { return path.empty() ? std::string("body") : path; };
  if (value.is_double()) {
    if (!std::isfinite(value.get_double())) return FieldError{here(), "is a number beyond the range of a double"};
    const auto kept = settled(value.get_double());
    if (!kept) return FieldError{here(), "is a number that cannot be stored exactly"};
    value = *kept;
    return std::nullopt;
  }
  constexpr std::string_view kNul("\0", 1);
  if (value.is_string()) {
    if (std::string_view(value.get_string()).find(kNul) == std::string_view::npos) return std::nullopt;
    return FieldError{here(), "must not contain the NUL character (U+0000)"};
  }
  auto below = [&](std::string_view key) { return path.empty() ? std::string(key) : path + "/" + std::string(key); };
  if (value.is_array()) {
    auto& items = value.get_array();
    for (size_t i = 0; i < items.size(); ++i) {
      if (auto at = make_storable(items[i], below(std::to_string(i)))) return at;
    }
  } else if (value.is_object()) {
    for (auto& [key, item] : value.get_object()) {
      if (key.find(kNul) != std::string_view::npos) {
        return FieldError{here(), "must not have a key containing the NUL character (U+0000)"};
      }
      if (auto at = make_storable(item, below(key))) return at;
    }
  }
  return std::nullopt;
}
}  // namespace

boost::json::value parse_json_text(std::string_view text) {
  if (!util::is_valid_utf8(text)) {
    throw problems::malformed_json("request body is not valid UTF-8");
  }
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  boost::json::stream_parser parser({}, options);
  size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    throw problems::malformed_json("invalid JSON at byte " + std::to_string(consumed) + ": " +
                                   ec.message());
  }
  boost::json::value value = parser.release();
  if (auto error = make_storable(value, "")) throw problems::validation({std::move(*error)});
  return value;
}

boost::json::value parse_json_body(const Request& request) {
  if (!is_json_media_type(request.header("content-type"))) {
    throw problems::unsupported_media_type("request body must be application/json");
  }
  if (request.body.empty()) throw problems::malformed_json("request body is empty");
  return parse_json_text(request.body);
}

boost::json::object parse_json_object(const Request& request) {
  boost::json::value value = parse_json_body(request);
  if (!value.is_object()) throw problems::malformed_json("request body must be a JSON object");
  return std::move(value.as_object());
}

ObjectReader::ObjectReader(const boost::json::object& object, std::string path_prefix)
    : object_(object), prefix_(std::move(path_prefix)) {}

std::string ObjectReader::field_path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "/" + std::string(key);
}

void ObjectReader::add_error(std::string field, std::string reason) {
  errors_.push_back({std::move(field), std::move(reason)});
}

const boost::json::value* ObjectReader::take(std::string_view key) {
  seen_.emplace(key);
  auto it = object_.find(key);
  if (it == object_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::optional<std::string> ObjectReader::optional_string(std::string_view key,
                                                         size_t max_length) {
  const auto* value = take(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    add_error(field_path(key), "must be a string");
    return std::nullopt;
  }
  std::string text(value->as_string());
  if (text.size() > max_length) {
    add_error(field_path(key), "must be at most " + std::to_string(max_length) + " bytes");
    return std::nullopt;
  }
  return text;
}

std::string ObjectReader::required_string(std::string_view key, size_t max_length) {
  if (object_.find(key) == object_.end() || object_.at(key).is_null()) {
    seen_.emplace(key);
    add_error(field_path(key), "is required");
    return {};
  }
  auto text = optional_string(key, max_length);
  if (!text) return {};
  bool blank = text->find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    add_error(field_path(key), "must not be empty");
    return {};
  }
  return *text;
}

std::optional<int64_t> ObjectReader::optional_integer(std::string_view key, int64_t min,
                                                      int64_t max) {
  const auto* value = take(key);
  if (value == nullptr) return std::nullopt;
  int64_t number;
  if (value->is_int64()) {
    number = value->as_int64();
  } else if (value->is_uint64() && value->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    number = static_cast<int64_t>(value->as_uint64());
  } else {
    add_error(field_path(key), "must be an integer");
    return std::nullopt;
  }
  if (number < min || number > max) {
    add_error(field_path(key), "must be between " + std::to_string(min) + " and " +
                                   std::to_string(max));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> ObjectReader::optional_bool(std::string_view key) {
  const auto* value = take(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    add_error(field_path(key), "must be true or false");
    return std::nullopt;
  }
  return value->as_bool();
}

std::vector<std::string> ObjectReader::string_array(std::string_view key, size_t max_items,
                                                    size_t max_length) {
  std::vector<std::string> out;
  const auto* value = take(key);
  if (value == nullptr) return out;
  if (!value->is_array()) {
    add_error(field_path(key), "must be an array of strings");
    return out;
  }
  const auto& array = value->as_array();
  if (array.size() > max_items) {
    add_error(field_path(key), "must have at most " + std::to_string(max_items) + " items");
    return out;
  }
  for (size_t i = 0; i < array.size(); ++i) {
    const auto& item = array[i];
    std::string path = field_path(key) + "/" + std::to_string(i);
    if (!item.is_string()) {
      add_error(path, "must be a string");
    } else if (item.as_string().size() > max_length) {
      add_error(path, "must be at most " + std::to_string(max_length) + " bytes");
    } else {
      out.emplace_back(item.as_string());
    }
  }
  return out;
}

const boost::json::object* ObjectReader::optional_object(std::string_view key) {
  const auto* value = take(key);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    add_error(field_path(key), "must be an object");
    return nullptr;
  }
  return &value->as_object();
}

void ObjectReader::finish() {
  for (const auto& entry : object_) {
    if (seen_.contains(std::string_view(entry.key()))) continue;
    if (entry.key().empty()) {
      // Its path would be the object's own, or nothing at the top: the
      // error names the object that holds it instead.
      add_error(prefix_.empty() ? "body" : prefix_, "has a member with an empty name, which is not a known field");
    } else {
      add_error(field_path(entry.key()), "is not a known field");
    }
  }
  if (!errors_.empty()) throw problems::validation(errors_);
}

}  // namespace hafnium::http
