#include "services/monitoring/domain/transaction.h"

#include <boost/json.hpp>

#include <algorithm>

#include "platform/http/json_body.h"
#include "platform/util/time.h"
#include "services/screening/domain/countries.h"

namespace hafnium::services::monitoring {

const std::vector<std::string>& transaction_types() {
  static const std::vector<std::string> types = {"wire", "ach", "card", "cash_deposit", "cash_withdrawal",
                                                 "transfer", "cheque", "crypto", "other"};
  return types;
}

namespace {

bool printable_id(const std::string& id) {
  return std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

void read_party(const boost::json::object& parent, const char* key, http::ObjectReader& outer, Party& party,
                std::vector<http::FieldError>& errors) {
  const auto* object = outer.optional_object(key);
  if (object == nullptr) {
    if (!parent.contains(key)) outer.add_error(outer.field_path(key), "is required");
    return;
  }
  http::ObjectReader reader(*object, outer.field_path(key));
  party.account_id = reader.required_string("account_id", 128);
  if (!party.account_id.empty() && !printable_id(party.account_id)) {
    reader.add_error(reader.field_path("account_id"), "must be printable ASCII without spaces");
  }
  party.customer_id = reader.optional_string("customer_id", 128).value_or("");
  party.name = reader.optional_string("name", 512).value_or("");
  if (auto country = reader.optional_string("country", 2)) {
    std::string upper = *country;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper.size() != 2 || screening::country_code(upper) != upper) {
      reader.add_error(reader.field_path("country"), "must be an ISO 3166 alpha-2 code");
    } else {
      party.country = upper;
    }
  }
  party.bank_id = reader.optional_string("bank_id", 64).value_or("");
  try {
    reader.finish();
  } catch (const http::ApiError& error) {
    errors.insert(errors.end(), error.fields().begin(), error.fields().end());
  }
}

}  // namespace

bool read_transaction(const boost::json::object& object, const std::string& prefix, int64_t now_micros,
                      const ValidationLimits& limits, Transaction& out, std::vector<http::FieldError>& errors) {
  size_t before = errors.size();
  http::ObjectReader reader(object, prefix);
  out.id = reader.required_string("id", 128);
  if (!out.id.empty() && !printable_id(out.id)) reader.add_error(reader.field_path("id"), "must be printable ASCII without spaces");

  if (auto at = reader.optional_string("occurred_at", 64)) {
    auto parsed = util::parse_rfc3339(*at);
    if (!parsed) {
      reader.add_error(reader.field_path("occurred_at"), "must be an RFC 3339 time with offset");
    } else if (*parsed > now_micros + limits.max_future_skew_micros) {
      reader.add_error(reader.field_path("occurred_at"), "is in the future beyond the allowed clock skew");
    } else {
      out.occurred_at = *parsed;
    }
  } else if (!object.contains("occurred_at")) {
    reader.add_error(reader.field_path("occurred_at"), "is required");
  }

  std::optional<int> exponent;
  if (auto currency = reader.optional_string("currency", 3)) {
    exponent = currency_exponent(*currency);
    if (!exponent) reader.add_error(reader.field_path("currency"), "is not a current ISO 4217 currency code");
    else out.amount.currency = *currency;
  } else if (!object.contains("currency")) {
    reader.add_error(reader.field_path("currency"), "is required");
  }
  if (const auto* amount = object.if_contains("amount"); amount && !amount->is_null()) {
    if (!amount->is_string()) {
      // JSON numbers are refused on purpose: a binary float cannot carry money.
      reader.add_error(reader.field_path("amount"), "must be a decimal string such as \"1250.00\"");
    } else {
      // Without a valid currency the amount's precision cannot be judged
      // (the currency is reported instead), but its form and sign can:
      // parsed with the largest ISO exponent, only those errors count.
      constexpr int kLargestExponent = 4;
      const bool judged = exponent.has_value();
      int64_t minor = 0;
      switch (parse_amount(std::string_view(amount->as_string()), exponent.value_or(kLargestExponent), minor)) {
        case AmountError::kNone:
          if (!judged) break;
          out.amount.minor = minor;
          out.amount.exponent = *exponent;
          break;
        case AmountError::kSyntax:
          reader.add_error(reader.field_path("amount"), "must be a plain positive decimal (no sign, exponent, NaN or separators)");
          break;
        case AmountError::kNotPositive:
          reader.add_error(reader.field_path("amount"), "must be greater than zero");
          break;
        case AmountError::kTooPrecise:
          if (!judged) break;
          reader.add_error(reader.field_path("amount"), "has more decimals than " + out.amount.currency + " allows (" +
                                                             std::to_string(*exponent) + ")");
          break;
        case AmountError::kTooLarge:
          reader.add_error(reader.field_path("amount"), "is larger than 10^15 units");
          break;
      }
    }
  } else {
    reader.add_error(reader.field_path("amount"), "is required");
  }
  reader.accept("amount");

  if (auto type = reader.optional_string("type", 32)) {
    const auto& types = transaction_types();
    if (std::find(types.begin(), types.end(), *type) == types.end()) {
      reader.add_error(reader.field_path("type"), "must be one of wire, ach, card, cash_deposit, cash_withdrawal, transfer, cheque, crypto, other");
    } else {
      out.type = *type;
    }
  } else if (!object.contains("type")) {
    reader.add_error(reader.field_path("type"), "is required");
  }
  out.channel = reader.optional_string("channel", 64).value_or("");
  read_party(object, "debtor", reader, out.debtor, errors);
  read_party(object, "creditor", reader, out.creditor, errors);
  if (const auto* metadata = reader.optional_object("metadata")) {
    if (boost::json::serialize(*metadata).size() > limits.max_metadata_bytes) {
      reader.add_error(reader.field_path("metadata"), "must be at most " + std::to_string(limits.max_metadata_bytes) + " bytes");
    } else {
      out.metadata = *metadata;
    }
  }
  try {
    reader.finish();
  } catch (const http::ApiError& error) {
    errors.insert(errors.end(), error.fields().begin(), error.fields().end());
  }
  return errors.size() == before;
}

boost::json::object transaction_to_json(const Transaction& t) {
  auto party = [](const Party& p) {
    boost::json::object o{{"account_id", p.account_id}};
    if (!p.customer_id.empty()) o["customer_id"] = p.customer_id;
    if (!p.name.empty()) o["name"] = p.name;
    if (!p.country.empty()) o["country"] = p.country;
    if (!p.bank_id.empty()) o["bank_id"] = p.bank_id;
    return o;
  };
  boost::json::object o{{"id", t.id},
                        {"occurred_at", util::format_rfc3339(t.occurred_at)},
                        {"amount", format_amount(t.amount.minor, t.amount.exponent)},
                        {"currency", t.amount.currency},
                        {"type", t.type},
                        {"debtor", party(t.debtor)},
                        {"creditor", party(t.creditor)},
                        {"metadata", t.metadata}};
  if (!t.channel.empty()) o["channel"] = t.channel;
  return o;
}

std::optional<Transaction> read_stored_transaction(const std::string& document) {
  constexpr int64_t kNoSkewCheck = INT64_MAX / 2;
  Transaction t;
  std::vector<http::FieldError> errors;
  boost::json::value value;
  try {
    value = boost::json::parse(document);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!value.is_object()) return std::nullopt;
  auto& object = value.as_object();
  object.erase("ingested_at");  // added by the store, not part of the request
  if (!read_transaction(object, "", kNoSkewCheck, {}, t, errors)) return std::nullopt;
  return t;
}

}  // namespace hafnium::services::monitoring
