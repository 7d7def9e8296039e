// What a rule sees of a payment (its context), and the alerts rules raise:
// their text, their record, their expiry and the engine's memory of them.
#include <algorithm>
#include <set>

#include "services/monitoring/domain/detection/engine.h"
#include "services/monitoring/domain/detection/engine_internals.h"

namespace hafnium::services::monitoring::detection {

using namespace engine_internals;

rules::Context TenantEngine::context_for(const Binding& binding) {
  rules::Context context;
  // One pointer each: the std::function keeps it inline, no allocation
  // per rule per transaction.
  context.field = [&binding](size_t index, const std::string&) {
    return field_value(index, binding.evaluation->tx, binding.evaluation->amount);
  };
  // Each feature is computed once per transaction, whichever rule asks.
  context.feature = [&binding](size_t call, const rules::FeatureCall&) -> std::optional<double> {
    Evaluation& e = *binding.evaluation;
    size_t s = (*binding.calls)[call];
    if (!e.computed[s]) {
      e.values[s] = binding.engine->compute(binding.engine->slots_[s], e);
      e.computed[s] = 1;
    }
    return e.values[s];
  };
  return context;
}

std::string TenantEngine::render(const CompiledRuleDefinition& rule, size_t rule_index, Evaluation& e) {
  std::string out;
  const auto& pieces = template_slots_[rule_index];
  for (size_t p = 0; p < rule.explanation.size(); ++p) {
    const auto& piece = rule.explanation[p];
    if (!piece.expression) {
      out += piece.text;
      continue;
    }
    const auto& calls = pieces[p];
    const Binding binding{this, &e, &calls};
    out += rules::to_display(piece.expression->value(context_for(binding)));
  }
  return out;
}

AlertChange TenantEngine::record(const CompiledRuleDefinition& rule, const Transaction& t, Evaluation&,
                                 std::vector<rules::Fact> facts, std::string explanation,
                                 std::vector<std::string> evidence) {
  const auto& d = rule.definition;
  const std::string& subject = d.subject == "creditor" ? t.creditor.account_id : t.debtor.account_id;
  std::string key = d.id + '\x1f' + subject;
  auto it = open_alerts_.find(key);
  auto add_ids = [&](Alert& alert) {
    std::set<std::string> known(alert.transaction_ids.begin(), alert.transaction_ids.end());
    for (auto& id : evidence) {
      if (alert.transaction_ids.size() >= options_.max_transaction_ids_per_alert) break;
      if (known.insert(id).second) alert.transaction_ids.push_back(std::move(id));
    }
  };
  if (it != open_alerts_.end() && t.occurred_at >= it->second.raised_at && t.occurred_at <= it->second.window_until) {
    Alert& alert = it->second;
    alert.hits += 1;
    add_ids(alert);
    return {AlertChange::Kind::kJoined, alert, t.id};
  }
  Alert alert;
  char id[32];
  std::snprintf(id, sizeof id, "alr_%016llx",
                static_cast<unsigned long long>(hash_text(tenant_id_ + '\x1f' + key + '\x1f' + t.id)));
  alert.id = id;
  alert.rule_id = d.id;
  alert.rule_version = d.version;
  alert.rule_name = d.name;
  alert.typology = d.typology;
  alert.subject_id = subject;
  alert.severity = d.severity;
  alert.score = d.score;
  alert.raised_at = t.occurred_at;
  alert.window_until = t.occurred_at + rule.suppression_micros;
  alert.explanation = std::move(explanation);
  alert.conditions = std::move(facts);
  add_ids(alert);
  open_alerts_[key] = alert;
  expect_expiry(key, alert);
  return {AlertChange::Kind::kRaised, std::move(alert), t.id};
}

void TenantEngine::expect_expiry(const std::string& key, const Alert& alert) {
  expiries_.push({alert.window_until, key, alert.id, intern(alert.subject_id)});
}

void TenantEngine::forget_ended_alerts() {
  // Alerts whose collection period ended more than the lateness before the
  // newest payment are forgotten: every payment within the lateness comes
  // after their end (older payments are late for every window as well).
  const int64_t cutoff = newest_ - options_.lateness_micros;
  while (!expiries_.empty() && expiries_.top().until < cutoff) {
    const Expiry& ended = expiries_.top();
    if (ended.subject < alert_marks_.size()) {
      auto& marks = alert_marks_[ended.subject];
      std::erase_if(marks, [&](const AlertMark& mark) { return mark.alert_id == ended.alert_id; });
      if (marks.empty()) marks = {};  // its memory back, as for an account never alerted
    }
    // The key may hold a newer alert by now: only this one is forgotten.
    auto open = open_alerts_.find(ended.key);
    if (open != open_alerts_.end() && open->second.id == ended.alert_id) open_alerts_.erase(open);
    expiries_.pop();
  }
}

void TenantEngine::reset() {
  rules_.reset();
  tracks_.clear();
  slots_.clear();
  rule_slots_.clear();
  template_slots_.clear();
  evidence_types_.clear();
  rule_never_fires_.clear();
  rule_by_type_.clear();
  history_out_.reset();
  history_in_.reset();
  accounts_.clear();
  failures_.clear();
  history_.clear();
  for (auto& d : directions_) d = Direction{};
  graph_ = TransactionGraph(options_.graph);
  open_alerts_.clear();
  alert_marks_.clear();
  expiries_ = {};
  newest_ = INT64_MIN;
}

void TenantEngine::remember(const Alert& alert, bool closed) {
  const std::string key = alert.rule_id + '\x1f' + alert.subject_id;
  open_alerts_[key] = alert;
  expect_expiry(key, alert);
  note_alert(alert, closed);
}

void TenantEngine::note_alert(const Alert& alert, bool closed) {
  const Account subject = intern(alert.subject_id);
  if (subject >= alert_marks_.size()) alert_marks_.resize(accounts_.size());
  alert_marks_[subject].push_back({alert.window_until, alert.score, alert.id, closed});
}

void TenantEngine::set_alert_closed(const std::string& alert_id, const std::string& subject_id, bool closed) {
  auto account = find_account(subject_id);
  if (!account) return;
  if (*account >= alert_marks_.size()) return;
  for (auto& mark : alert_marks_[*account]) {
    if (mark.alert_id == alert_id) mark.closed = closed;
  }
}

}  // namespace hafnium::services::monitoring::detection
