#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace hafnium::util {

// An error's message as it may be logged, stored or shown to an operator:
// without what it quotes of the data being written. A database error
// from soci ends with the statement's bound values (` with :name="value",
// ...`: names, documents, account numbers), and PostgreSQL's DETAIL line
// quotes the key values a constraint refused; both are removed, the
// statement itself (placeholders only) and the reason kept. Any other
// message passes unchanged. Cut to `limit` bytes, on a UTF-8 boundary.
std::string error_text(std::string_view message, size_t limit = 1000);
inline std::string error_text(const std::exception& error, size_t limit = 1000) {
  return error_text(error.what(), limit);
}

}  // namespace hafnium::util
