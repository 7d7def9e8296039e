#pragma once

#include <map>
#include <soci/soci.h>
#include <string>
#include <vector>

#include "services/monitoring/domain/detection/alert.h"
#include "services/monitoring/domain/detection/rule_set.h"

namespace hafnium::services::monitoring {

struct BacktestLimits {
  size_t max_transactions = 2'000'000;  // history replayed, warm-up included
  size_t max_alerts_listed = 1'000;
};

struct BacktestResult {
  size_t transactions_replayed = 0;  // warm-up included
  size_t transactions_evaluated = 0;  // in [from, to]
  std::vector<detection::Alert> alerts;  // in the order raised, at most max_alerts_listed
  size_t alerts_total = 0;
  // Evaluations in [from, to] where the rule could not be decided, by
  // reason ("division by zero", "missing value tx.channel", ...).
  std::map<std::string, uint64_t> undecided;
};

// Runs one rule (a draft, or a rule as stored) over the tenant's stored
// transactions in event-time order and returns the alerts it would have
// raised for transactions in [from, to]. Nothing is stored, raised or
// emitted. The engine is warmed with the transactions of the rule's
// longest window before `from` (90 days for history features), so that
// windows are full at `from`. A rule that reads alert_score runs beside
// `context` (the tenant's other rules, whose alerts it reads; a rule of the
// same id is replaced), and only its own alerts are returned. Throws
// std::length_error beyond the limits.
BacktestResult run_backtest(soci::session& sql, const std::string& tenant_id, const detection::RuleDefinition& rule,
                            int64_t from, int64_t to, const BacktestLimits& limits = {},
                            const std::vector<detection::RuleDefinition>& context = {});

}  // namespace hafnium::services::monitoring
