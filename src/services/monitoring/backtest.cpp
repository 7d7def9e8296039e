#include "services/monitoring/backtest.h"

#include <map>
#include <stdexcept>

#include "services/monitoring/domain/detection/engine.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

BacktestResult run_backtest(soci::session& sql, const std::string& tenant_id, const detection::RuleDefinition& rule,
                            int64_t from, int64_t to, const BacktestLimits& limits,
                            const std::vector<detection::RuleDefinition>& context) {
  constexpr int64_t kDay = 24LL * 3600 * 1'000'000;
  auto compile = [](const std::vector<detection::RuleDefinition>& definitions) {
    auto compiled = detection::RuleSet::compile(definitions);
    if (auto* error = std::get_if<std::pair<std::string, detection::RuleError>>(&compiled)) {
      throw std::invalid_argument(error->second.field + ": " + error->second.reason);
    }
    return std::get<std::shared_ptr<const detection::RuleSet>>(compiled);
  };
  auto rules = compile({rule});
  if (rules->uses_alerts() && !context.empty()) {
    // The alerts it reads are the other rules': run them too, silently.
    std::vector<detection::RuleDefinition> together;
    for (const auto& other : context) {
      if (other.id != rule.id) together.push_back(other);
    }
    together.push_back(rule);
    rules = compile(together);
  }
  int64_t warm_up = std::max(rules->longest_window(), rules->uses_history() ? 90 * kDay : int64_t{0});
  // Counted first: a range too large is refused before any work.
  long long count = 0, lo = from - warm_up, hi = to;
  sql << "SELECT COUNT(*) FROM monitoring_transactions WHERE tenant_id = :t AND occurred_at >= :lo AND occurred_at <= :hi",
      soci::use(tenant_id), soci::use(lo), soci::use(hi), soci::into(count);
  if (static_cast<size_t>(count) > limits.max_transactions) {
    throw std::length_error(std::to_string(count) + " transactions (warm-up included) are more than a backtest replays (" +
                            std::to_string(limits.max_transactions) + "); narrow from/to");
  }
  detection::TenantEngine engine(tenant_id, {});
  engine.set_rules(rules);
  engine.count_failures(true);  // only evaluated transactions count: the warm-up does not evaluate
  BacktestResult result;
  std::map<std::string, size_t> listed;  // alert id -> index in result.alerts
  result.transactions_replayed = MonitoringStore::for_each_between(sql, tenant_id, lo, hi, [&](const Transaction& t) {
    bool evaluate = t.occurred_at >= from;
    if (evaluate) ++result.transactions_evaluated;
    for (auto& change : engine.process(t, evaluate)) {
      if (change.alert.rule_id != rule.id) continue;
      if (change.kind == detection::AlertChange::Kind::kRaised) ++result.alerts_total;
      auto it = listed.find(change.alert.id);
      if (it != listed.end()) {
        result.alerts[it->second] = std::move(change.alert);
      } else if (result.alerts.size() < limits.max_alerts_listed) {
        listed.emplace(change.alert.id, result.alerts.size());
        result.alerts.push_back(std::move(change.alert));
      }
    }
  });
  if (auto it = engine.failures().find(rule.id); it != engine.failures().end()) result.undecided = it->second;
  return result;
}

}  // namespace hafnium::services::monitoring
