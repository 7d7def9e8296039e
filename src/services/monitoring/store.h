#pragma once

#include <optional>
#include <soci/soci.h>
#include <string>
#include <unordered_map>
#include <vector>

#include "platform/store/migrations.h"
#include "services/monitoring/domain/transaction.h"

namespace hafnium::services::monitoring {

struct StoredTransaction {
  std::string document;  // JSON as returned by the API
  std::string content_hash;
  int64_t ingested_at = 0;
};

// SQL of the monitoring target.
class MonitoringStore {
 public:
  static std::vector<store::Migration> migrations();

  // Inserts transactions within one store transaction, the INSERT prepared
  // once; insert() returns false when (tenant, id) exists already.
  class Inserter {
   public:
    explicit Inserter(soci::session& sql);
    // The document by value: moved into the bound string, not copied.
    bool insert(const std::string& tenant_id, const Transaction& transaction, std::string document,
                const std::string& content_hash, int64_t ingested_at);

   private:
    std::string tenant_, id_, currency_, type_, debtor_, creditor_, document_, hash_;
    long long at_ = 0, minor_ = 0, ingested_ = 0;
    soci::statement statement_;
  };
  static std::optional<StoredTransaction> find(soci::session& sql, const std::string& tenant_id,
                                               const std::string& id);
  // The stored transactions among `ids`, by id, in one query per 500 ids:
  // a resent batch of 10,000 found its transactions one by one, 10,000
  // round trips to PostgreSQL.
  static std::unordered_map<std::string, StoredTransaction> find_many(soci::session& sql, const std::string& tenant_id,
                                                                      const std::vector<std::string>& ids);
  // Calls `f(Transaction)` for the tenant's stored transactions with
  // occurred_at in [from, to], in event-time order; returns how many.
  template <typename F>
  static size_t for_each_between(soci::session& sql, const std::string& tenant_id, int64_t from, int64_t to, F&& f);
};

template <typename F>
size_t MonitoringStore::for_each_between(soci::session& sql, const std::string& tenant_id, int64_t from, int64_t to,
                                         F&& f) {
  long long lo = from, hi = to;
  size_t n = 0;
  soci::rowset<std::string> rows =
      (sql.prepare << "SELECT document FROM monitoring_transactions WHERE tenant_id = :t AND occurred_at >= :lo"
                      " AND occurred_at <= :hi ORDER BY occurred_at, id",
       soci::use(tenant_id), soci::use(lo), soci::use(hi));
  for (const auto& document : rows) {
    if (auto t = read_stored_transaction(document)) {
      f(*t);
      ++n;
    }
  }
  return n;
}

}  // namespace hafnium::services::monitoring
