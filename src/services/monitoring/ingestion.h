#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "platform/store/database.h"
#include "services/monitoring/domain/transaction.h"

namespace hafnium::services::monitoring {

enum class IngestOutcome { kCreated, kDuplicate, kConflict };

struct IngestResult {
  IngestOutcome outcome;
  boost::json::object document;  // the stored transaction (first version on a duplicate)
};

// Stores transactions with their transaction.ingested events in one
// commit, idempotent on (tenant, id): a resend of the same transaction
// returns the stored one and changes nothing; the same id with other
// content is a conflict. Acknowledged means committed.
class Ingestion {
 public:
  explicit Ingestion(std::shared_ptr<store::Database> db) : db_(std::move(db)) {}

  std::vector<IngestResult> ingest(const std::string& tenant_id, const std::vector<Transaction>& transactions,
                                   const std::string& trace_id);

 private:
  std::shared_ptr<store::Database> db_;
};

}  // namespace hafnium::services::monitoring
