#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/http/problem.h"
#include "services/monitoring/domain/money.h"

namespace hafnium::services::monitoring {

struct Party {
  std::string account_id;
  std::string customer_id;
  std::string name;
  std::string country;  // ISO 3166 alpha-2
  std::string bank_id;
};

// A payment as the institution reports it (api/openapi.json,
// Transaction). `id` is the institution's id, unique per tenant.
struct Transaction {
  std::string id;
  int64_t occurred_at = 0;  // UTC micros
  Money amount;
  std::string type;  // wire, ach, card, cash_deposit, cash_withdrawal, transfer, cheque, crypto, other
  std::string channel;
  Party debtor;
  Party creditor;
  boost::json::object metadata;
};

struct ValidationLimits {
  int64_t max_future_skew_micros = 5 * 60 * 1'000'000LL;  // occurred_at at most 5 minutes ahead
  size_t max_metadata_bytes = 8 * 1024;
};

// Maps a JSON object to a Transaction, collecting every field error under
// `prefix` ("" or "items/3"). Returns false (and fills `errors`) when the
// transaction is invalid.
bool read_transaction(const boost::json::object& object, const std::string& prefix, int64_t now_micros,
                      const ValidationLimits& limits, Transaction& out, std::vector<http::FieldError>& errors);

// The stored and returned representation.
boost::json::object transaction_to_json(const Transaction& transaction);
// A stored document (that representation, serialised, with the store's
// `ingested_at`) back into a Transaction, as a restart rebuilds the
// detector's state from it. It was validated when it was ingested: the
// clock-skew bound is not applied again. nullopt if it cannot be read.
std::optional<Transaction> read_stored_transaction(const std::string& document);

const std::vector<std::string>& transaction_types();

}  // namespace hafnium::services::monitoring
