#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hafnium::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method method);
Method parse_method(std::string_view name);

// What a handler sees of an HTTP request. The transport (Beast) stays inside
// server.cpp; handlers and targets only ever include this header.
struct Request {
  Method method = Method::kGet;
  std::string path;   // percent-decoded path, without the query
  std::string query;  // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router

  // First header with that (lower-case) name.
  const std::string* header(std::string_view lower_name) const;
  // Decoded query parameter (first occurrence).
  std::optional<std::string> query_param(std::string_view name) const;
  // The decoded names of the query's parameters, in order (repeats kept).
  std::vector<std::string> query_names() const;
  // A path parameter declared by the route, e.g. "{id}".
  const std::string& path_param(std::string_view name) const;
};

}  // namespace hafnium::http
