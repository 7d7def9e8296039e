#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hafnium::services::monitoring {

// Money is never a float: integer minor units plus an ISO 4217 currency.
struct Money {
  int64_t minor = 0;      // 12.34 EUR -> 1234
  std::string currency;   // "EUR"
  int exponent = 2;       // minor units per unit, as a power of ten
};

// The ISO 4217 exponent of an active currency code, or nullopt for a code
// that is not a current currency. Codes come from ICU (CLDR's list of
// current ISO 4217 currencies); exponents are ISO 4217's.
std::optional<int> currency_exponent(std::string_view code);

enum class AmountError { kNone, kSyntax, kNotPositive, kTooPrecise, kTooLarge };

// Parses a decimal string ("1234.50") into minor units of a currency with
// the given exponent. Only plain decimals: no sign but the value must be
// positive, no exponent ("1e3"), no NaN or infinity, no thousands
// separators, at most `exponent` fraction digits, at most 10^15 units.
AmountError parse_amount(std::string_view text, int exponent, int64_t& minor);

// "1234.50" from 123450 minor units with exponent 2.
std::string format_amount(int64_t minor, int exponent);

}  // namespace hafnium::services::monitoring
