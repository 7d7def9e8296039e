#include "platform/http/request.h"

#include <stdexcept>

#include "platform/util/percent.h"

namespace hafnium::http {

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
    case Method::kOptions: return "OPTIONS";
    case Method::kOther: break;
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "PATCH") return Method::kPatch;
  if (name == "DELETE") return Method::kDelete;
  if (name == "HEAD") return Method::kHead;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

const std::string* Request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

namespace {
std::string decode_component(std::string_view text) { return util::percent_decode(text, true, false); }

// Calls `f(key, value)` for each `key=value` of a raw query, still
// encoded, in order (value empty and `has_value` false for a bare key),
// until `f` returns false.
template <typename F>
void for_each_pair(std::string_view query, F&& f) {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    const bool has_value = eq != std::string_view::npos;
    if (!f(pair.substr(0, eq), has_value ? pair.substr(eq + 1) : std::string_view{}, has_value)) return;
  }
}
}  // namespace

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::optional<std::string> found;
  for_each_pair(query, [&](std::string_view key, std::string_view value, bool has_value) {
    if (decode_component(key) != name) return true;
    found = has_value ? decode_component(value) : std::string{};
    return false;
  });
  return found;
}

std::vector<std::string> Request::query_names() const {
  std::vector<std::string> names;
  for_each_pair(query, [&](std::string_view key, std::string_view, bool) {
    names.push_back(decode_component(key));
    return true;
  });
  return names;
}

const std::string& Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  throw std::logic_error("route declares no path parameter named " + std::string(name));
}

}  // namespace hafnium::http
