#include "services/monitoring/domain/money.h"

#include <unicode/ucurr.h>
#include <unicode/uenum.h>

#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace hafnium::services::monitoring {

namespace {

// ISO 4217 exponents other than 2. (CLDR, which ICU follows, records the
// digits in everyday use instead, which differ for a few currencies: IQD
// is 3 in ISO 4217 and 0 in CLDR.)
const std::unordered_map<std::string, int>& iso_exponents() {
  static const std::unordered_map<std::string, int> map = {
      {"BHD", 3}, {"IQD", 3}, {"JOD", 3}, {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"TND", 3},
      {"CLF", 4}, {"UYW", 4},
      {"BIF", 0}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"ISK", 0}, {"JPY", 0}, {"KMF", 0},
      {"KRW", 0}, {"PYG", 0}, {"RWF", 0}, {"UGX", 0}, {"UYI", 0}, {"VND", 0}, {"VUV", 0},
      {"XAF", 0}, {"XOF", 0}, {"XPF", 0}};
  return map;
}

const std::unordered_set<std::string>& current_codes() {
  static const auto* codes = [] {
    auto* set = new std::unordered_set<std::string>();
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration* all = ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &status);
    if (U_SUCCESS(status)) {
      const char* code;
      int32_t length;
      while ((code = uenum_next(all, &length, &status)) != nullptr && U_SUCCESS(status)) {
        set->emplace(code, static_cast<size_t>(length));
      }
      uenum_close(all);
    }
    // Precious metals and testing codes are ISO 4217 "currencies" but not money.
    for (const char* excluded : {"XAU", "XAG", "XPT", "XPD", "XTS", "XXX", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC", "XBD"}) {
      set->erase(excluded);
    }
    return set;
  }();
  return *codes;
}

}  // namespace

std::optional<int> currency_exponent(std::string_view code) {
  if (code.size() != 3) return std::nullopt;
  std::string key(code);
  if (!current_codes().contains(key)) return std::nullopt;
  if (auto it = iso_exponents().find(key); it != iso_exponents().end()) return it->second;
  return 2;
}

AmountError parse_amount(std::string_view text, int exponent, int64_t& minor) {
  if (text.empty() || text.size() > 32) return AmountError::kSyntax;
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (whole.empty() || !digits(whole) || !digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    return AmountError::kSyntax;  // "-1", "1e3", "NaN", "1,000", ".5", "5." all end here
  }
  if (whole.size() > 1 && whole[0] == '0') return AmountError::kSyntax;  // no leading zeros
  // Trailing zeros beyond the exponent are precision the amount does not have.
  size_t significant = fraction.size();
  while (significant > 0 && fraction[significant - 1] == '0') --significant;
  if (static_cast<int>(significant) > exponent) return AmountError::kTooPrecise;
  if (whole.size() > 15) return AmountError::kTooLarge;
  // Unsigned: 15 digits and 4 decimals reach 10^19, past int64's range.
  uint64_t value = 0;
  for (char c : whole) value = value * 10 + static_cast<uint64_t>(c - '0');
  for (int i = 0; i < exponent; ++i) {
    value = value * 10 + (static_cast<size_t>(i) < significant ? static_cast<uint64_t>(fraction[static_cast<size_t>(i)] - '0') : 0);
  }
  if (value == 0) return AmountError::kNotPositive;
  if (value > static_cast<uint64_t>(INT64_MAX)) return AmountError::kTooLarge;
  minor = static_cast<int64_t>(value);
  return AmountError::kNone;
}

std::string format_amount(int64_t minor, int exponent) {
  std::string digits = std::to_string(minor);
  if (exponent <= 0) return digits;
  size_t places = static_cast<size_t>(exponent);
  if (digits.size() <= places) digits = std::string(places - digits.size() + 1, '0') + digits;
  // Built by concatenation: GCC 12 warns (-Wrestrict, a false positive) on
  // std::string::insert here.
  return digits.substr(0, digits.size() - places) + "." + digits.substr(digits.size() - places);
}

}  // namespace hafnium::services::monitoring
