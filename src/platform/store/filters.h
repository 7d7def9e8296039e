#pragma once

#include <string>

namespace hafnium::store {

// An optional filter of a list query, as SQL text that keeps the query's
// placeholders the same whether the filter is given or not: " AND
// <condition>" (naming :name once) when it is, " AND :name = ''" when it
// is not (the caller binds the empty value). equals_if_given writes
// " AND column = :name". Written as "(:name = '' OR column =
// :name2)", a filter hid the column from the planner: SQLite and
// PostgreSQL's generic plans walked the tenant's every row in the list's
// order instead of using the column's index.
inline std::string if_given(const std::string& condition, const char* placeholder, bool given) {
  return given ? " AND " + condition : std::string(" AND :") + placeholder + " = ''";
}
inline std::string equals_if_given(const char* column, const char* placeholder, bool given) {
  return if_given(std::string(column) + " = :" + placeholder, placeholder, given);
}

}  // namespace hafnium::store
