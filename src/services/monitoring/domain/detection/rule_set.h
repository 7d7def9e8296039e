#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "services/monitoring/domain/rules/rule_expression.h"

namespace hafnium::services::monitoring::detection {

// A rule as a tenant writes it (API) or the product ships it (rules/default).
struct RuleDefinition {
  std::string id;        // stable: "large-cash-single", or a generated UUID
  std::string name;
  std::string typology;  // large_cash, structuring, fan_in, cycle, ...
  std::string condition;
  std::string severity = "medium";  // low, medium, high, critical
  int64_t score = 50;               // 0..100
  std::string subject = "debtor";   // whose alert: debtor or creditor account
  std::string suppression = "24h";  // after an alert, later hits join it for this long
  std::string explanation;          // template: "Cash of {tx.amount} USD ..."
  bool enabled = true;
  int64_t version = 1;
};

// Where a rule cannot be used: the field and the reason (with the line and
// column for a condition).
struct RuleError {
  std::string field;
  std::string reason;
};

// The schema every rule compiles against (docs/monitoring.md lists it).
const rules::Schema& detection_schema();
// Transaction fields only: what a feature filter may test.
const rules::Schema& filter_schema();

// Parses "30m", "1h", "24h", "7d", "90d" into micros; nullopt otherwise or
// beyond 90 days.
std::optional<int64_t> parse_duration(const std::string& text);

// How the engine computes one feature call, resolved once at compile time.
struct ResolvedFeature {
  enum class Kind {
    kAggregate,       // count/sum/avg/min/max/stddev/distinct over a window
    kDaysSinceLast,   // days since the account's previous activity
    kAccountAgeDays,  // days since the account was first seen
    kHistoryAvgAmount,
    kHistoryDailyCount,
    kAlertScore,      // highest score of the account's alerts still collecting
    kCycleHops,
    kScatterGather,
    kGatherScatter,
    kBipartite,
  } kind = Kind::kAggregate;
  // kNewDistinct: counterparties of the window not seen in the 30 days
  // before it (the engine keeps the window plus that baseline).
  enum class Statistic { kCount, kSum, kAvg, kMin, kMax, kStddev, kDistinct, kNewDistinct } statistic = Statistic::kCount;
  // Groupings: an account's outgoing or incoming payments, a customer's
  // outgoing ones, a debtor->creditor pair, payments into a country.
  enum class Group { kAccountOut, kAccountIn, kCustomerOut, kPair, kCountryIn } group = Group::kAccountOut;
  bool creditor_side = false;  // the account is the creditor's (not the debtor's)
  size_t filter = 0;           // 0: every transaction; else RuleSet::filters()[filter - 1]
  int64_t window = 0;          // micros
};

struct CompiledRuleDefinition {
  RuleDefinition definition;
  rules::CompiledRule condition;
  std::vector<ResolvedFeature> features;  // by the condition's call number
  int64_t suppression_micros = 0;
  // The explanation template split into text and compiled placeholders.
  struct Piece {
    std::string text;
    std::optional<rules::CompiledRule> expression;
    std::vector<ResolvedFeature> features;
  };
  std::vector<Piece> explanation;
};

// A tenant's enabled rules, compiled once; shared immutably between the
// threads that evaluate them.
class RuleSet {
 public:
  // Compiles every enabled rule; the first unusable one is the error.
  static std::variant<std::shared_ptr<const RuleSet>, std::pair<std::string, RuleError>> compile(
      const std::vector<RuleDefinition>& definitions);
  // Compiles one rule (for the API's validation and for backtests).
  static std::optional<RuleError> check(const RuleDefinition& definition);

  const std::vector<CompiledRuleDefinition>& rules() const { return rules_; }
  const std::vector<rules::CompiledRule>& filters() const { return filters_; }
  // The longest window any rule reads (graph and evidence retention).
  int64_t longest_window() const { return longest_window_; }
  bool uses_history() const { return uses_history_; }
  bool uses_graph() const { return uses_graph_; }
  // Some rule reads alert_score: it sees the alerts the other rules raise.
  bool uses_alerts() const { return uses_alerts_; }

 private:
  std::vector<CompiledRuleDefinition> rules_;
  std::vector<rules::CompiledRule> filters_;
  std::vector<std::string> filter_sources_;
  int64_t longest_window_ = 0;
  bool uses_history_ = false;
  bool uses_graph_ = false;
  bool uses_alerts_ = false;

  std::optional<RuleError> add(const RuleDefinition& definition);
  std::variant<ResolvedFeature, std::string> resolve(const rules::FeatureCall& call);
};

// What is wrong with a rule's fields other than its condition and
// explanation (severity, score, subject, suppression): every error, not
// only the first, for the API to report them all.
std::vector<RuleError> rule_field_errors(const RuleDefinition& definition);

// Reads a rule from its JSON form (a rule file or an API body), collecting
// field errors; `rationale` and `parameters` are documentation and ignored.
std::variant<RuleDefinition, std::vector<RuleError>> rule_from_json(const boost::json::object& object);
boost::json::object rule_to_json(const RuleDefinition& rule);

// The default typology pack (rules/default/*.json, built into the binary).
const std::vector<RuleDefinition>& default_pack();
// Rule files (*.json) of a directory, sorted by file name.
std::vector<RuleDefinition> load_rule_directory(const std::string& directory);

}  // namespace hafnium::services::monitoring::detection
