#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "platform/util/time.h"
#include "services/monitoring/domain/money.h"
#include "services/monitoring/domain/transaction.h"

namespace hafnium::services::monitoring {
namespace {

TEST(Money, CurrencyExponentsFollowIso4217) {
  EXPECT_EQ(currency_exponent("EUR"), 2);
  EXPECT_EQ(currency_exponent("JPY"), 0);
  EXPECT_EQ(currency_exponent("KWD"), 3);
  EXPECT_EQ(currency_exponent("IQD"), 3);
  EXPECT_FALSE(currency_exponent("XAU"));  // gold is not money here
  EXPECT_FALSE(currency_exponent("ABC"));
  EXPECT_FALSE(currency_exponent("eur"));
  EXPECT_FALSE(currency_exponent("EURO"));
}

TEST(Money, ParsesOnlyPlainPositiveDecimals) {
  int64_t minor = 0;
  EXPECT_EQ(parse_amount("1250.50", 2, minor), AmountError::kNone);
  EXPECT_EQ(minor, 125050);
  EXPECT_EQ(parse_amount("7", 2, minor), AmountError::kNone);
  EXPECT_EQ(minor, 700);
  EXPECT_EQ(parse_amount("1.500", 2, minor), AmountError::kNone);  // trailing zeros carry no precision
  EXPECT_EQ(minor, 150);
  EXPECT_EQ(parse_amount("999999999999999.99", 2, minor), AmountError::kNone);
  for (const char* bad : {"", "-1", "+1", "1e3", "NaN", "Infinity", "1,000.00", ".5", "5.", "01", " 1", "1 ", "0x10"}) {
    EXPECT_EQ(parse_amount(bad, 2, minor), AmountError::kSyntax) << bad;
  }
  EXPECT_EQ(parse_amount("0", 2, minor), AmountError::kNotPositive);
  EXPECT_EQ(parse_amount("0.00", 2, minor), AmountError::kNotPositive);
  EXPECT_EQ(parse_amount("1.005", 2, minor), AmountError::kTooPrecise);
  EXPECT_EQ(parse_amount("100.5", 0, minor), AmountError::kTooPrecise);
  EXPECT_EQ(parse_amount("1000000000000000", 2, minor), AmountError::kTooLarge);
  // Four decimals (CLF): 15 digits reach past what minor units can hold;
  // refused as too large, not overflowed.
  EXPECT_EQ(parse_amount("999999999999999.9999", 4, minor), AmountError::kTooLarge);
  EXPECT_EQ(parse_amount("922337203685477.5807", 4, minor), AmountError::kNone);
  EXPECT_EQ(minor, INT64_MAX);
  EXPECT_EQ(parse_amount("922337203685477.5808", 4, minor), AmountError::kTooLarge);
}

TEST(Money, FormatsMinorUnits) {
  EXPECT_EQ(format_amount(125050, 2), "1250.50");
  EXPECT_EQ(format_amount(5, 2), "0.05");
  EXPECT_EQ(format_amount(5, 3), "0.005");
  EXPECT_EQ(format_amount(1200, 0), "1200");
}

boost::json::object valid() {
  return boost::json::parse(R"({"id":"tx-1","occurred_at":"2026-11-01T10:00:00Z","amount":"9500.00","currency":"USD",
    "type":"cash_deposit","channel":"branch","debtor":{"account_id":"A1","customer_id":"C1","name":"Jane Doe","country":"US"},
    "creditor":{"account_id":"B2"},"metadata":{"teller":"17"}})").as_object();
}

// The fields a refused transaction's errors name (the read must fail).
std::set<std::string> error_fields(const boost::json::object& o, const std::string& prefix = "") {
  Transaction t;
  std::vector<http::FieldError> errors;
  EXPECT_FALSE(read_transaction(o, prefix, util::now_micros(), {}, t, errors));
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e.field);
  return fields;
}

TEST(TransactionValidation, AcceptsAWellFormedTransaction) {
  Transaction t;
  std::vector<http::FieldError> errors;
  ASSERT_TRUE(read_transaction(valid(), "", util::now_micros(), {}, t, errors));
  EXPECT_EQ(t.amount.minor, 950000);
  EXPECT_EQ(t.debtor.country, "US");
  auto json = transaction_to_json(t);
  EXPECT_EQ(json.at("amount").as_string(), "9500.00");
  EXPECT_EQ(json.at("occurred_at").as_string(), "2026-11-01T10:00:00.000000Z");
}

TEST(TransactionValidation, ReportsEveryBadFieldWithItsPath) {
  auto o = valid();
  o["amount"] = 9500.0;  // a JSON number: refused
  o["currency"] = "XYZ";
  o["type"] = "barter";
  o["occurred_at"] = util::format_rfc3339(util::now_micros() + 3600LL * 1'000'000);
  o["debtor"].as_object().erase("account_id");
  o["creditor"].as_object()["country"] = "Narnia";
  o["unexpected"] = true;
  EXPECT_EQ(error_fields(o, "items/4"), (std::set<std::string>{"items/4/amount", "items/4/currency", "items/4/type", "items/4/occurred_at",
                                           "items/4/debtor/account_id", "items/4/creditor/country", "items/4/unexpected"}));
}

TEST(TransactionValidation, PrecisionIsCheckedAgainstTheCurrency) {
  auto o = valid();
  o["currency"] = "JPY";
  o["amount"] = "100.5";
  Transaction t;
  std::vector<http::FieldError> errors;
  EXPECT_FALSE(read_transaction(o, "", util::now_micros(), {}, t, errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].reason.find("JPY"), std::string::npos);
  auto missing = valid();
  missing.erase("debtor");
  missing.erase("amount");
  errors.clear();
  EXPECT_FALSE(read_transaction(missing, "", util::now_micros(), {}, t, errors));
  EXPECT_EQ(errors.size(), 2u);
}

TEST(TransactionValidation, AnAmountIsJudgedEvenWhenTheCurrencyIsNot) {
  // Without a currency its precision cannot be judged, but a sign, an
  // exponent or zero is wrong in any currency and is reported with it.
  for (const char* amount : {"-5", "1e3", "0"}) {
    auto o = valid();
    o["currency"] = "XXX";
    o["amount"] = amount;
    EXPECT_EQ(error_fields(o), (std::set<std::string>{"amount", "currency"})) << amount;
  }
  auto o = valid();
  o.erase("currency");
  o["amount"] = "100.12345";  // precision unknown without a currency: not an amount error
  EXPECT_EQ(error_fields(o), (std::set<std::string>{"currency"}));
}

}  // namespace
}  // namespace hafnium::services::monitoring
