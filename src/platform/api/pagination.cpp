#include "platform/api/pagination.h"

#include <algorithm>

#include "platform/http/problem.h"
#include "platform/util/crypto.h"
#include "platform/util/utf8.h"

namespace hafnium::api {

namespace {
constexpr std::string_view kCursorVersion = "c1:";
}

std::string encode_cursor(const std::string& position) {
  return util::base64url_encode(std::string(kCursorVersion) + position);
}

std::optional<std::string> decode_cursor(const std::string& cursor) {
  auto raw = util::base64url_decode(cursor);
  if (!raw || !raw->starts_with(kCursorVersion)) return std::nullopt;
  // Positions are made of ids and times: text without NUL. A client can
  // forge any bytes, which PostgreSQL refuses as a query's parameter.
  std::string position = raw->substr(kCursorVersion.size());
  if (!util::is_valid_utf8(position) || position.find('\0') != std::string::npos) return std::nullopt;
  return position;
}

void require_known_parameters(const http::Request& request, const std::vector<std::string>& filters) {
  std::string known = "limit, cursor";
  for (const auto& f : filters) known += ", " + f;
  std::vector<http::FieldError> errors;
  for (const auto& name : request.query_names()) {
    if (name == "limit" || name == "cursor" || std::find(filters.begin(), filters.end(), name) != filters.end()) continue;
    // Named back as given when it is short, readable text; else as "query".
    const std::string field = name.size() <= 64 && util::is_valid_utf8(name) ? name : "query";
    if (std::any_of(errors.begin(), errors.end(), [&](const http::FieldError& e) { return e.field == field; })) continue;
    errors.push_back({field, "is not a parameter of this list (it takes " + known + ")"});
  }
  if (!errors.empty()) throw http::problems::validation(std::move(errors));
}

PageRequest parse_page(const http::Request& request, size_t default_limit, size_t max_limit) {
  PageRequest page;
  page.limit = default_limit;
  std::vector<http::FieldError> errors;
  if (auto limit = request.query_param("limit")) {
    size_t consumed = 0;
    long long value = -1;
    try {
      value = std::stoll(*limit, &consumed);
    } catch (const std::exception&) {
      consumed = 0;
    }
    if (consumed != limit->size() || value < 1 || value > static_cast<long long>(max_limit)) {
      errors.push_back({"limit", "must be an integer from 1 to " + std::to_string(max_limit)});
    } else {
      page.limit = static_cast<size_t>(value);
    }
  }
  if (auto cursor = request.query_param("cursor"); cursor && !cursor->empty()) {
    page.after = decode_cursor(*cursor);
    if (!page.after) errors.push_back({"cursor", "is not a cursor returned by this API"});
  }
  if (!errors.empty()) throw http::problems::validation(std::move(errors));
  return page;
}

boost::json::object page_body(boost::json::array items,
                              const std::optional<std::string>& next_position) {
  boost::json::object body;
  body["items"] = std::move(items);
  if (next_position) {
    body["next_cursor"] = encode_cursor(*next_position);
  } else {
    body["next_cursor"] = nullptr;
  }
  return body;
}

}  // namespace hafnium::api
