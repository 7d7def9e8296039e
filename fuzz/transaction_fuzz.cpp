// libFuzzer target for a transaction as the API receives it: the body is
// parsed as every handler parses JSON and validated as POST
// /api/v1/transactions validates it. A refusal must name a field and a
// reason. An accepted transaction is stored as ingestion stores it, and
// must read back (as a restart reads it to rebuild the detector's state)
// into the same transaction: one the store acknowledged and a restart could
// not read would be lost to monitoring. Never a crash, undefined
// behaviour or a leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "platform/http/json_body.h"
#include "platform/util/time.h"
#include "services/monitoring/domain/transaction.h"

namespace {

using namespace hafnium::services::monitoring;

bool same_party(const Party& a, const Party& b) {
  return a.account_id == b.account_id && a.customer_id == b.customer_id && a.name == b.name &&
         a.country == b.country && a.bank_id == b.bank_id;
}

bool same(const Transaction& a, const Transaction& b) {
  return a.id == b.id && a.occurred_at == b.occurred_at && a.amount.minor == b.amount.minor &&
         a.amount.currency == b.amount.currency && a.amount.exponent == b.amount.exponent && a.type == b.type &&
         a.channel == b.channel && same_party(a.debtor, b.debtor) && same_party(a.creditor, b.creditor) &&
         boost::json::serialize(a.metadata) == boost::json::serialize(b.metadata);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hafnium;
  http::Request request;
  request.method = http::Method::kPost;
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  boost::json::object body;
  try {
    body = http::parse_json_object(request);
  } catch (const http::ApiError&) {
    return 0;
  }
  // A fixed clock, so that the future-skew check decides the same way on
  // every run of an input.
  constexpr int64_t kNow = 1'795'000'000LL * 1'000'000;
  Transaction t;
  std::vector<http::FieldError> errors;
  if (!read_transaction(body, "", kNow, {}, t, errors)) {
    if (errors.empty()) __builtin_trap();
    for (const auto& e : errors) {
      if (e.field.empty() || e.reason.empty()) __builtin_trap();
    }
    return 0;
  }
  // Stored as ingestion stores it...
  auto stored = transaction_to_json(t);
  stored["ingested_at"] = util::format_rfc3339(kNow);
  const std::string document = boost::json::serialize(stored);
  // ...and read back as a restart reads it.
  const auto back = read_stored_transaction(document);
  if (!back || !same(*back, t)) __builtin_trap();
  if (boost::json::serialize(transaction_to_json(*back)) != boost::json::serialize(transaction_to_json(t))) {
    __builtin_trap();
  }
  return 0;
}
