#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "services/monitoring/domain/rules/rule_expression.h"

namespace hafnium::services::monitoring::detection {

// An alert: one rule on one subject, collecting the transactions that made
// the rule fire until its suppression period ends.
struct Alert {
  std::string id;  // deterministic: the same history raises the same ids
  std::string rule_id;
  int64_t rule_version = 0;
  std::string rule_name;
  std::string typology;
  std::string subject_type = "account";
  std::string subject_id;
  std::string severity;
  int64_t score = 0;
  int64_t raised_at = 0;      // event time of the first transaction
  int64_t window_until = 0;   // later hits join this alert until then
  std::string explanation;    // the rendered template
  std::vector<rules::Fact> conditions;  // actual values against thresholds
  std::vector<std::string> transaction_ids;
  int64_t hits = 1;
};

// What processing one transaction did to the alerts.
struct AlertChange {
  enum class Kind { kRaised, kJoined } kind;
  Alert alert;                 // the alert after the change
  std::string transaction_id;  // the transaction that raised or joined it
};

boost::json::object alert_to_json(const Alert& alert);
boost::json::array facts_to_json(const std::vector<rules::Fact>& facts);

}  // namespace hafnium::services::monitoring::detection
