#pragma once

#include <optional>
#include <soci/soci.h>
#include <string>
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

  // Inserts unless (tenant, id) exists; returns true when inserted.
  static bool insert(soci::session& sql, const std::string& tenant_id, const Transaction& transaction,
                     const std::string& document, const std::string& content_hash, int64_t ingested_at);
  static std::optional<StoredTransaction> find(soci::session& sql, const std::string& tenant_id,
                                               const std::string& id);
};

}  // namespace hafnium::services::monitoring
