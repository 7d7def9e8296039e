#pragma once

#include <map>
#include <optional>
#include <string>

namespace hafnium::services::monitoring::detection {

// Converts transaction amounts into the reporting currency that rule
// thresholds are written in (a CTR threshold is 10,000 US dollars whatever
// the payment's currency). The bundled table holds rounded, indicative
// rates: good enough to compare against a threshold, never used to book
// money. Operators replace it with their institution's reference rates.
class ReferenceRates {
 public:
  ReferenceRates(std::string reporting_currency, std::string as_of, std::map<std::string, double> units_per_reporting);

  // The bundled USD table (see docs/monitoring.md for its date and source).
  static const ReferenceRates& bundled();

  // `minor` units of `currency` (with its ISO 4217 exponent) in units of the
  // reporting currency; nullopt for a currency the table does not hold.
  std::optional<double> to_reporting(int64_t minor, int exponent, const std::string& currency) const;

  const std::string& reporting_currency() const { return reporting_; }
  const std::string& as_of() const { return as_of_; }

 private:
  std::string reporting_;
  std::string as_of_;
  std::map<std::string, double> units_per_reporting_;
};

}  // namespace hafnium::services::monitoring::detection
