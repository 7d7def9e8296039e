#pragma once

#include <string>

namespace hafnium::store {

// An optional equality filter of a list query, as SQL text that keeps the
// query's placeholders the same whether the filter is given or not:
// " AND column = :name" when it is, " AND :name = ''" when it is not (the
// caller binds the empty value). Written as "(:name = '' OR column =
// :name2)", a filter hid the column from the planner: SQLite and
// PostgreSQL's generic plans walked the tenant's every row in the list's
// order instead of using the column's index.
inline std::string equals_if_given(const char* column, const char* placeholder, bool given) {
  return given ? std::string(" AND ") + column + " = :" + placeholder : std::string(" AND :") + placeholder + " = ''";
}

}  // namespace hafnium::store
