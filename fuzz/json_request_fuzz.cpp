// libFuzzer target for the JSON request mapping: raw body bytes -> the
// parser every handler uses (UTF-8 check, syntax, depth) -> ObjectReader
// field mapping with validation, as the API-key and similar handlers do.
// Any input must end in a value or a clean ApiError; never a crash, a leak
// or undefined behaviour. Whatever parses is written back as responses
// write it (util::to_json_text) and must read back as the same value.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "platform/http/json_body.h"
#include "platform/util/json_text.h"

namespace {
// Equal values, numbers within the last bits: boost::json (1.81) does not
// round every long decimal exactly, so a double written exactly can read
// back one unit off; the writer's own output is checked to the bit in
// util_test.
bool same(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() || b.is_double()) {
    if (!a.is_number() || !b.is_number()) return false;
    const double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 1e-14 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &l = a.get_array(), &r = b.get_array();
    if (l.size() != r.size()) return false;
    for (size_t i = 0; i < l.size(); ++i) {
      if (!same(l[i], r[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto &l = a.get_object(), &r = b.get_object();
    if (l.size() != r.size()) return false;
    auto it = r.begin();
    for (const auto& [key, value] : l) {
      if (it->key() != key || !same(value, it->value())) return false;
      ++it;
    }
    return true;
  }
  return a == b;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hafnium::http;
  Request request;
  request.method = Method::kPost;
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  try {
    auto body = parse_json_object(request);
    // Written and read back: the same value (NaN and infinities cannot
    // come from JSON text, so nothing is lost to null).
    if (!same(boost::json::parse(hafnium::util::to_json_text(body)), boost::json::value(body))) __builtin_trap();
    ObjectReader reader(body);
    reader.required_string("name", 200);
    reader.string_array("roles", 10, 64);
    reader.optional_integer("limit", 1, 500);
    reader.optional_bool("active");
    if (const auto* nested = reader.optional_object("party")) {
      ObjectReader party(*nested, "party");
      party.optional_string("name", 1024);
      party.optional_string("country", 2);
      party.string_array("identifiers", 20);
      try {
        party.finish();
      } catch (const ApiError&) {
      }
    }
    reader.finish();
  } catch (const ApiError& error) {
    // Every refusal is a client error with a stable type.
    if (error.status() < 400 || error.status() >= 500) __builtin_trap();
  }
  return 0;
}
