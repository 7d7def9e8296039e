#include "services/monitoring/store.h"

#include <boost/json.hpp>

#include <algorithm>

#include "platform/store/row.h"

namespace hafnium::services::monitoring {

std::vector<store::Migration> MonitoringStore::migrations() {
  std::vector<std::string> ddl = {
      "CREATE TABLE monitoring_transactions (tenant_id TEXT NOT NULL, id TEXT NOT NULL,"
      " occurred_at BIGINT NOT NULL, amount_minor BIGINT NOT NULL, currency TEXT NOT NULL,"
      " type TEXT NOT NULL, debtor_account TEXT NOT NULL, creditor_account TEXT NOT NULL,"
      " document TEXT NOT NULL, content_hash TEXT NOT NULL, ingested_at BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, id))",
      "CREATE INDEX monitoring_transactions_debtor ON monitoring_transactions (tenant_id, debtor_account, occurred_at)",
      "CREATE INDEX monitoring_transactions_creditor ON monitoring_transactions (tenant_id, creditor_account, occurred_at)",
  };
  // The per-account indexes of version 2 served no query; backtests and
  // rebuilds read a tenant's transactions by event time.
  std::vector<std::string> by_time = {"DROP INDEX monitoring_transactions_debtor",
                                      "DROP INDEX monitoring_transactions_creditor",
                                      "CREATE INDEX monitoring_transactions_time ON monitoring_transactions"
                                      " (tenant_id, occurred_at)"};
  return {{2, "transactions", ddl, ddl}, {7, "transactions indexed by event time", by_time, by_time}};
}

MonitoringStore::Inserter::Inserter(soci::session& sql)
    : statement_((sql.prepare << "INSERT INTO monitoring_transactions (tenant_id, id, occurred_at, amount_minor,"
                                 " currency, type, debtor_account, creditor_account, document, content_hash, ingested_at)"
                                 " VALUES (:t, :id, :at, :m, :c, :ty, :d, :cr, :doc, :h, :i)"
                                 " ON CONFLICT (tenant_id, id) DO NOTHING",
                  soci::use(tenant_), soci::use(id_), soci::use(at_), soci::use(minor_), soci::use(currency_),
                  soci::use(type_), soci::use(debtor_), soci::use(creditor_), soci::use(document_), soci::use(hash_),
                  soci::use(ingested_))) {}

bool MonitoringStore::Inserter::insert(const std::string& tenant_id, const Transaction& t, std::string document,
                                       const std::string& content_hash, int64_t ingested_at) {
  tenant_ = tenant_id;
  id_ = t.id;
  at_ = t.occurred_at;
  minor_ = t.amount.minor;
  currency_ = t.amount.currency;
  type_ = t.type;
  debtor_ = t.debtor.account_id;
  creditor_ = t.creditor.account_id;
  document_ = std::move(document);
  hash_ = content_hash;
  ingested_ = ingested_at;
  statement_.execute(true);
  return statement_.get_affected_rows() > 0;
}

std::optional<StoredTransaction> MonitoringStore::find(soci::session& sql, const std::string& tenant_id,
                                                       const std::string& id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT document, content_hash, ingested_at FROM monitoring_transactions"
                      " WHERE tenant_id = :t AND id = :id",
       soci::use(tenant_id), soci::use(id));
  for (const auto& row : rows) {
    return StoredTransaction{store::get_string(row, 0), store::get_string(row, 1), store::get_int64(row, 2)};
  }
  return std::nullopt;
}

std::unordered_map<std::string, StoredTransaction> MonitoringStore::find_many(soci::session& sql,
                                                                            const std::string& tenant_id,
                                                                            const std::vector<std::string>& ids) {
  constexpr size_t kChunk = 500;  // well under SQLite's and PostgreSQL's bound-parameter limits
  std::unordered_map<std::string, StoredTransaction> found;
  for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
    const size_t end = std::min(ids.size(), begin + kChunk);
    std::string query = "SELECT id, document, content_hash, ingested_at FROM monitoring_transactions"
                        " WHERE tenant_id = :t AND id IN (";
    for (size_t i = begin; i < end; ++i) query += (i == begin ? ":i" : ", :i") + std::to_string(i - begin);
    query += ")";
    soci::details::prepare_temp_type statement = (sql.prepare << query, soci::use(tenant_id, "t"));
    for (size_t i = begin; i < end; ++i) statement, soci::use(ids[i], "i" + std::to_string(i - begin));
    soci::rowset<soci::row> rows(statement);
    for (const auto& row : rows) {
      found.emplace(store::get_string(row, 0), StoredTransaction{store::get_string(row, 1), store::get_string(row, 2),
                                                                 store::get_int64(row, 3)});
    }
  }
  return found;
}

}  // namespace hafnium::services::monitoring
