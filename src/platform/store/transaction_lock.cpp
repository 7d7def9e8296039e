#include "platform/store/transaction_lock.h"

#include "platform/util/hash.h"

namespace hafnium::store {

void lock_for_transaction(soci::session& sql, Dialect dialect, const std::string& name) {
  if (dialect != Dialect::kPostgres) return;
  long long key = static_cast<long long>(util::fnv1a_64(name));
  sql << "SELECT pg_advisory_xact_lock(:k)", soci::use(key);
}

}  // namespace hafnium::store
