#include "services/monitoring/ingestion.h"

#include <boost/json.hpp>

#include "platform/events/outbox.h"
#include "platform/util/crypto.h"
#include "platform/util/time.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

namespace {
// What the detector needs and nothing that names a person: ids, amounts,
// types, countries and banks; never names or the free-form metadata.
boost::json::object ingested_event_data(const Transaction& t, const boost::json::object& body) {
  auto party = [](const Party& p) {
    boost::json::object o{{"account_id", p.account_id}};
    if (!p.customer_id.empty()) o["customer_id"] = p.customer_id;
    if (!p.country.empty()) o["country"] = p.country;
    if (!p.bank_id.empty()) o["bank_id"] = p.bank_id;
    return o;
  };
  boost::json::object data{{"id", t.id},
                           {"occurred_at", body.at("occurred_at")},
                           {"amount", body.at("amount")},
                           {"currency", t.amount.currency},
                           {"type", t.type},
                           {"debtor_account", t.debtor.account_id},
                           {"creditor_account", t.creditor.account_id},
                           {"debtor", party(t.debtor)},
                           {"creditor", party(t.creditor)}};
  if (!t.channel.empty()) data["channel"] = t.channel;
  return data;
}
}  // namespace

std::vector<IngestResult> Ingestion::ingest(const std::string& tenant_id, const std::vector<Transaction>& transactions,
                                            const std::string& trace_id) {
  return db_->write([&](soci::session& sql) {
    std::vector<IngestResult> results;
    results.reserve(transactions.size());
    int64_t now = util::now_micros();
    MonitoringStore::Inserter inserter(sql);
    // A resent batch is found whole first, in a few queries, instead of
    // one conflicting INSERT and one lookup per transaction. Not for a
    // single transaction: it would add a query to every new one, and a
    // resent one costs one lookup either way.
    std::unordered_map<std::string, StoredTransaction> stored_before;
    if (transactions.size() > 1) {
      std::vector<std::string> ids;
      ids.reserve(transactions.size());
      for (const auto& t : transactions) ids.push_back(t.id);
      stored_before = MonitoringStore::find_many(sql, tenant_id, ids);
    }
    events::OutboxWriter outbox(sql);
    for (const auto& t : transactions) {
      auto body = transaction_to_json(t);
      std::string content = boost::json::serialize(body);
      std::string hash = util::sha256_hex(content).substr(0, 32);
      body["ingested_at"] = util::format_rfc3339(now);
      std::string document = boost::json::serialize(body);
      auto before = stored_before.find(t.id);
      if (before == stored_before.end() && inserter.insert(tenant_id, t, document, hash, now)) {
        outbox.enqueue("transactions", events::make_envelope("transaction.ingested", tenant_id, tenant_id,
                                                             ingested_event_data(t, body), trace_id));
        results.push_back({IngestOutcome::kCreated, std::move(body)});
        continue;
      }
      // Stored before this batch, or meanwhile by a concurrent request.
      auto existing = before != stored_before.end() ? std::optional(std::move(before->second))
                                                    : MonitoringStore::find(sql, tenant_id, t.id);
      auto stored = boost::json::parse(existing->document).as_object();
      results.push_back({existing->content_hash == hash ? IngestOutcome::kDuplicate : IngestOutcome::kConflict,
                         std::move(stored)});
    }
    return results;
  });
}

}  // namespace hafnium::services::monitoring
