#pragma once

#include <soci/soci.h>

#include <string>

#include "platform/store/database.h"

namespace hafnium::store {

// Makes the caller's write transaction hold `name` until it ends, so that
// read-then-write sequences on one thing (the next version of a list or a
// rule, which may not exist yet, so there is no row to lock) take turns
// across threads and processes. On PostgreSQL a transaction-level advisory
// lock on a 64-bit hash of the name (a collision only makes two unrelated
// writes wait for each other); on SQLite nothing, as a write transaction
// there already holds the whole database. Taking it again in the same
// transaction is harmless.
void lock_for_transaction(soci::session& sql, Dialect dialect, const std::string& name);

}  // namespace hafnium::store
