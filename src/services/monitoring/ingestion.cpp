#include "services/monitoring/ingestion.h"

#include <boost/json.hpp>

#include "platform/events/outbox.h"
#include "platform/util/crypto.h"
#include "platform/util/time.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

std::vector<IngestResult> Ingestion::ingest(const std::string& tenant_id, const std::vector<Transaction>& transactions,
                                            const std::string& trace_id) {
  return db_->write([&](soci::session& sql) {
    std::vector<IngestResult> results;
    results.reserve(transactions.size());
    int64_t now = util::now_micros();
    for (const auto& t : transactions) {
      auto body = transaction_to_json(t);
      std::string content = boost::json::serialize(body);
      std::string hash = util::sha256_hex(content).substr(0, 32);
      body["ingested_at"] = util::format_rfc3339(now);
      std::string document = boost::json::serialize(body);
      if (MonitoringStore::insert(sql, tenant_id, t, document, hash, now)) {
        events::Outbox::enqueue(sql, "transactions",
                                events::make_envelope("transaction.ingested", tenant_id, tenant_id,
                                                      boost::json::object{{"id", t.id},
                                                                          {"occurred_at", body.at("occurred_at")},
                                                                          {"amount", body.at("amount")},
                                                                          {"currency", t.amount.currency},
                                                                          {"type", t.type},
                                                                          {"debtor_account", t.debtor.account_id},
                                                                          {"creditor_account", t.creditor.account_id}},
                                                      trace_id));
        results.push_back({IngestOutcome::kCreated, std::move(body)});
        continue;
      }
      auto existing = MonitoringStore::find(sql, tenant_id, t.id);
      auto stored = boost::json::parse(existing->document).as_object();
      results.push_back({existing->content_hash == hash ? IngestOutcome::kDuplicate : IngestOutcome::kConflict,
                         std::move(stored)});
    }
    return results;
  });
}

}  // namespace hafnium::services::monitoring
