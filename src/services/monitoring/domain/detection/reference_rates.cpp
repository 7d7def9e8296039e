#include "services/monitoring/domain/detection/reference_rates.h"

#include <cmath>

namespace hafnium::services::monitoring::detection {

ReferenceRates::ReferenceRates(std::string reporting_currency, std::string as_of,
                               std::map<std::string, double> units_per_reporting)
    : reporting_(std::move(reporting_currency)),
      as_of_(std::move(as_of)),
      units_per_reporting_(std::move(units_per_reporting)) {
  units_per_reporting_[reporting_] = 1.0;
}

const ReferenceRates& ReferenceRates::bundled() {
  // Units of each currency per US dollar, rounded, indicative for the first
  // quarter of 2025. Pegged currencies (SAR, AED, HKD, ...) at their pegs.
  static const ReferenceRates rates(
      "USD", "2025-Q1 (indicative, rounded)",
      {{"EUR", 0.93},  {"GBP", 0.79},   {"CHF", 0.89},  {"JPY", 150.0}, {"CNY", 7.25},   {"INR", 86.5},
       {"RUB", 90.0},  {"CAD", 1.43},   {"AUD", 1.58},  {"NZD", 1.75},  {"MXN", 20.3},   {"BRL", 5.8},
       {"ILS", 3.6},   {"SAR", 3.75},   {"AED", 3.6725}, {"QAR", 3.64}, {"KWD", 0.308},  {"BHD", 0.376},
       {"OMR", 0.3845}, {"JOD", 0.709}, {"HKD", 7.78},  {"SGD", 1.34},  {"KRW", 1450.0}, {"TWD", 32.8},
       {"THB", 34.0},  {"MYR", 4.45},   {"IDR", 16300.0}, {"PHP", 58.0}, {"VND", 25500.0}, {"PKR", 279.0},
       {"BDT", 121.0}, {"TRY", 36.0},   {"ZAR", 18.4},  {"NGN", 1530.0}, {"KES", 129.0}, {"EGP", 50.5},
       {"MAD", 9.9},   {"SEK", 10.7},   {"NOK", 11.1},  {"DKK", 6.95},  {"PLN", 3.95},   {"CZK", 23.9},
       {"HUF", 370.0}, {"RON", 4.65},   {"BGN", 1.82},  {"ISK", 138.0}, {"UAH", 41.5},   {"KZT", 500.0},
       {"ARS", 1060.0}, {"CLP", 950.0}, {"COP", 4150.0}, {"PEN", 3.7}});
  return rates;
}

std::optional<double> ReferenceRates::to_reporting(int64_t minor, int exponent, const std::string& currency) const {
  auto it = units_per_reporting_.find(currency);
  if (it == units_per_reporting_.end() || it->second <= 0) return std::nullopt;
  return static_cast<double>(minor) / std::pow(10.0, exponent) / it->second;
}

}  // namespace hafnium::services::monitoring::detection
