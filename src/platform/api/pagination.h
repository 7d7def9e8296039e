#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <vector>
#include <string>

#include "platform/http/request.h"

namespace hafnium::api {

// Cursor pagination: `?limit=&cursor=` -> `{items, next_cursor}`. A cursor
// is opaque to clients (base64url of a versioned position) and names the
// last item of the previous page, so pages stay stable while rows are added.
struct PageRequest {
  size_t limit = 50;
  std::optional<std::string> after;  // decoded position, absent on the first page
};

constexpr size_t kDefaultPageSize = 50;
constexpr size_t kMaxPageSize = 500;

// Refuses (validation ApiError, one error per name) query parameters a
// list does not take besides limit and cursor: a misspelt filter
// (`?staus=open`) must not quietly return the unfiltered list.
void require_known_parameters(const http::Request& request, const std::vector<std::string>& filters);

// Throws a validation ApiError for a bad limit or a cursor not made here.
PageRequest parse_page(const http::Request& request, size_t default_limit = kDefaultPageSize,
                       size_t max_limit = kMaxPageSize);

std::string encode_cursor(const std::string& position);
std::optional<std::string> decode_cursor(const std::string& cursor);

// A list reads one row past its page (limit + 1) to learn whether more
// follow: this drops that row and gives the position of the page's last
// row for the next cursor (`position(row)`), or nullopt on the last page.
template <typename Row, typename Position>
std::optional<std::string> end_page(std::vector<Row>& rows, size_t limit, Position position) {
  if (rows.size() <= limit) return std::nullopt;
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(limit), rows.end());
  return position(rows.back());
}

// {"items": items, "next_cursor": cursor-or-null}
boost::json::object page_body(boost::json::array items,
                              const std::optional<std::string>& next_position);

}  // namespace hafnium::api
