// libFuzzer target for the JSON request mapping: raw body bytes -> the
// parser every handler uses (UTF-8 check, syntax, depth) -> ObjectReader
// field mapping with validation, as the API-key and similar handlers do.
// Any input must end in a value or a clean ApiError; never a crash, a leak
// or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/http/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hafnium::http;
  Request request;
  request.method = Method::kPost;
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  try {
    auto body = parse_json_object(request);
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
