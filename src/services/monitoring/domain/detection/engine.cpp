// The engine's accounts, their windows and payment lists, the features
// rules read, and the payment path. A rule set's tracks and slots are set
// up in engine_rules.cpp; rules' contexts and alerts are in
// engine_alerts.cpp.
#include "services/monitoring/domain/detection/engine.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "services/monitoring/domain/detection/engine_internals.h"

namespace hafnium::services::monitoring::detection {

using namespace engine_internals;

namespace {

enum class Field {
  kAmount, kOriginalAmount, kCurrency, kType, kChannel, kHour, kIsRound, kCrossBorder, kSelfTransfer,
  kDebtorAccount, kCreditorAccount, kDebtorCountry, kCreditorCountry, kDebtorBank, kCreditorBank,
  kDebtorCustomer, kCreditorCustomer, kUnknown
};

// Field positions in the schema's (map) order, resolved once.
const std::vector<Field>& field_order() {
  static const std::vector<Field> order = [] {
    static const std::map<std::string, Field> by_name = {
        {"tx.amount", Field::kAmount},           {"tx.original_amount", Field::kOriginalAmount},
        {"tx.currency", Field::kCurrency},       {"tx.type", Field::kType},
        {"tx.channel", Field::kChannel},         {"tx.hour", Field::kHour},
        {"tx.is_round", Field::kIsRound},        {"tx.cross_border", Field::kCrossBorder},
        {"tx.self_transfer", Field::kSelfTransfer}, {"debtor.account", Field::kDebtorAccount},
        {"creditor.account", Field::kCreditorAccount}, {"debtor.country", Field::kDebtorCountry},
        {"creditor.country", Field::kCreditorCountry}, {"debtor.bank", Field::kDebtorBank},
        {"creditor.bank", Field::kCreditorBank}, {"debtor.customer", Field::kDebtorCustomer},
        {"creditor.customer", Field::kCreditorCustomer}};
    std::vector<Field> out;
    for (const auto& [name, _] : detection_schema().fields) {
      auto it = by_name.find(name);
      out.push_back(it == by_name.end() ? Field::kUnknown : it->second);
    }
    return out;
  }();
  return order;
}

rules::Value text_or_missing(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return s;
}

// A window statistic as the rules see it (amounts in currency units): a
// count, sum or distinct count of nothing is 0, the others have no value.
std::optional<double> value_of(Statistic statistic, const WindowStats& s) {
  switch (statistic) {
    case Statistic::kCount: return static_cast<double>(s.count);
    case Statistic::kSum: return static_cast<double>(s.sum) / 100.0;
    case Statistic::kDistinct: return static_cast<double>(s.distinct);
    case Statistic::kNewDistinct: break;  // not a statistic of one window
    case Statistic::kAvg: return s.count ? std::optional<double>(s.mean / 100.0) : std::nullopt;
    case Statistic::kMin: return s.count ? std::optional<double>(static_cast<double>(s.min) / 100.0) : std::nullopt;
    case Statistic::kMax: return s.count ? std::optional<double>(static_cast<double>(s.max) / 100.0) : std::nullopt;
    case Statistic::kStddev: return s.count ? std::optional<double>(s.stddev / 100.0) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

rules::Value engine_internals::field_value(size_t index, const Transaction& t, const std::optional<double>& amount) {
  const auto& order = field_order();
  if (index >= order.size()) return std::monostate{};
  switch (order[index]) {
    case Field::kAmount: return amount ? rules::Value{*amount} : rules::Value{std::monostate{}};
    case Field::kOriginalAmount:
      return static_cast<double>(t.amount.minor) / std::pow(10.0, t.amount.exponent);
    case Field::kCurrency: return t.amount.currency;
    case Field::kType: return t.type;
    case Field::kChannel: return text_or_missing(t.channel);
    case Field::kHour: {
      int64_t micros_of_day = ((t.occurred_at % kDay) + kDay) % kDay;
      return static_cast<double>(micros_of_day / kHour);
    }
    case Field::kIsRound: {
      int64_t unit = 1;
      for (int i = 0; i < t.amount.exponent; ++i) unit *= 10;
      return t.amount.minor % (1000 * unit) == 0;
    }
    case Field::kCrossBorder:
      if (t.debtor.country.empty() || t.creditor.country.empty()) return std::monostate{};
      return t.debtor.country != t.creditor.country;
    case Field::kSelfTransfer: return t.debtor.account_id == t.creditor.account_id;
    case Field::kDebtorAccount: return t.debtor.account_id;
    case Field::kCreditorAccount: return t.creditor.account_id;
    case Field::kDebtorCountry: return text_or_missing(t.debtor.country);
    case Field::kCreditorCountry: return text_or_missing(t.creditor.country);
    case Field::kDebtorBank: return text_or_missing(t.debtor.bank_id);
    case Field::kCreditorBank: return text_or_missing(t.creditor.bank_id);
    case Field::kDebtorCustomer: return text_or_missing(t.debtor.customer_id);
    case Field::kCreditorCustomer: return text_or_missing(t.creditor.customer_id);
    case Field::kUnknown: break;
  }
  return std::monostate{};
}

TenantEngine::TenantEngine(std::string tenant_id, EngineOptions options)
    : tenant_id_(std::move(tenant_id)),
      options_(options),
      list_limit_(std::min<size_t>(options.payment_list_limit, kMaxListLimit)),
      graph_(options.graph) {
  for (const auto& type : options_.graph_types) {
    if (uint32_t code = type_code(type); code < 32) graph_type_bits_ |= 1u << code;
  }
}

TenantEngine::~TenantEngine() = default;

TenantEngine::Account TenantEngine::intern(const std::string& account) {
  auto [number, inserted] = accounts_.intern(account);
  if (inserted) {
    history_.emplace_back();
    directions_[0].logs.emplace_back();
    directions_[1].logs.emplace_back();
  }
  return number;
}

const PaymentLog* TenantEngine::list_of(const Track& track, Account account) const {
  const Direction& d = directions_[track.direction()];
  const PaymentLog& log = d.logs[account];
  return d.listed(log) ? &log : nullptr;
}

SlidingWindow* TenantEngine::buckets_of(Track& track, Account account, bool create) {
  PaymentLog& log = directions_[track.direction()].logs[account];
  if (!log.in_buckets()) {
    if (!create) return nullptr;
    log.move_to_buckets(directions_[track.direction()].bucket_slots++);
  }
  if (SlidingWindow* levels = track.slot_levels(log.bucket_slot()); levels || !create) return levels;
  return track.fresh_levels(log.bucket_slot(), options_.lateness_micros);
}

const SlidingWindow* TenantEngine::buckets_of(const Track& track, Account account) const {
  const PaymentLog& log = directions_[track.direction()].logs[account];
  return log.in_buckets() ? const_cast<Track&>(track).slot_levels(log.bucket_slot()) : nullptr;
}

WindowStats TenantEngine::account_stats(const Track& track, size_t window, Account account, int64_t at,
                                        bool with_distinct) const {
  const size_t level = track.window_level[window];
  if (const PaymentLog* log = list_of(track, account)) {
    return log->stats(track.level_bit(level), track.level_widths[level], at, track.windows[window], with_distinct);
  }
  if (const SlidingWindow* levels = buckets_of(track, account)) {
    return levels[level].stats(at, track.windows[window], with_distinct);
  }
  return {};
}

size_t TenantEngine::account_new_distinct(const Track& track, const Slot& slot, Account account, int64_t at) const {
  const size_t level = track.window_level[slot.window], recent = track.window_level[slot.recent_window];
  const int64_t window = slot.feature.window, length = track.windows[slot.window];
  if (const PaymentLog* log = list_of(track, account)) {
    return new_distinct(*log, track.level_bit(recent), track.level_widths[recent], track.level_bit(level),
                        track.level_widths[level], at, window, length);
  }
  if (const SlidingWindow* levels = buckets_of(track, account)) {
    return new_distinct(levels[recent], levels[level], at, window, length);
  }
  return 0;
}

void TenantEngine::move_to_buckets(int direction, Account account) {
  Direction& d = directions_[direction];
  PaymentLog& log = d.logs[account];
  const uint32_t slot = d.bucket_slots++;
  // The payments go into each level that took them, oldest first: in
  // event-time order no level refuses one, so the buckets hold what they
  // would have held had the account been kept in buckets all along.
  for (size_t ti : d.tracks) {
    Track& track = *tracks_[ti];
    SlidingWindow* levels = track.fresh_levels(slot, options_.lateness_micros);
    for (size_t l = 0; l < track.levels(); ++l) {
      for (const LoggedPayment& p : log) {
        if (p.levels & track.level_bit(l)) levels[l].add(p.time, p.amount, p.key);
      }
    }
  }
  log.move_to_buckets(slot);
}

std::optional<TenantEngine::Account> TenantEngine::find_account(const std::string& account) const {
  return accounts_.find(account);
}

SlidingWindow* TenantEngine::windows_of(Track& track, const Transaction& t, Account debtor, Account creditor,
                                        bool creditor_side, bool create) {
  if (track.per_account()) return buckets_of(track, creditor_side ? creditor : debtor, create);
  std::string key;
  const Party& party = creditor_side ? t.creditor : t.debtor;
  switch (track.group) {
    case Group::kCustomerOut: key = party.customer_id; break;
    case Group::kPair: key = t.debtor.account_id + '\x1f' + t.creditor.account_id; break;
    case Group::kCountryIn: key = t.creditor.country; break;
    default: break;
  }
  if (key.empty()) return nullptr;
  if (!create) {
    auto it = track.keys.find(key);
    return it == track.keys.end() ? nullptr : it->second.data();
  }
  auto& levels = track.keys[key];
  if (levels.empty()) {
    levels.resize(track.levels());
    for (size_t l = 0; l < track.levels(); ++l) levels[l] = track.level(l, options_.lateness_micros);
  }
  return levels.data();
}

// A daily rate over less than two days of an account's life is averaged
// over two days: an account's first day is one burst, not a rate, and
// must not become the baseline that hides it.
constexpr double kMinimumRateDays = 2.0;

std::optional<double> TenantEngine::history_value(const ResolvedFeature& f, const Evaluation& e) const {
  const bool creditor_side = f.creditor_side;
  const AccountHistory& seen = creditor_side ? e.creditor_before : e.debtor_before;
  const int64_t at = e.tx.occurred_at;
  const double days = static_cast<double>(kDay);
  if (seen.first_seen == INT64_MAX) {  // never seen before
    if (f.kind == Kind::kAccountAgeDays || f.kind == Kind::kHistoryDailyCount) return 0.0;
    return std::nullopt;
  }
  double age = std::max(0.0, static_cast<double>(at - seen.first_seen) / days);
  switch (f.kind) {
    case Kind::kDaysSinceLast:
      return seen.last_seen <= at ? std::optional<double>(static_cast<double>(at - seen.last_seen) / days) : std::nullopt;
    case Kind::kAccountAgeDays: return age;
    default: break;
  }
  // The account's payments in the direction of this one over 90 days,
  // without this one.
  const auto& slot = slots_[creditor_side ? *history_in_ : *history_out_];
  const auto& track = *tracks_[slot.track];
  Account account = creditor_side ? e.creditor : e.debtor;
  const WindowStats stats = account_stats(track, slot.window, account, at, false);
  int64_t count = stats.count, sum = stats.sum;
  if (creditor_side ? e.creditor_added : e.debtor_added) {
    count -= 1;
    sum -= e.cents;
  }
  if (f.kind == Kind::kHistoryAvgAmount) {
    return count > 0 ? std::optional<double>(static_cast<double>(sum) / static_cast<double>(count) / 100.0) : std::nullopt;
  }
  return static_cast<double>(count) / std::clamp(age, kMinimumRateDays, 90.0);
}

std::optional<double> TenantEngine::compute(const Slot& slot, Evaluation& e) {
  const Transaction& t = e.tx;
  const ResolvedFeature& f = slot.feature;
  switch (f.kind) {
    case Kind::kAggregate: {
      Track& track = *tracks_[slot.track];
      if (track.per_account()) {
        const Account account = f.creditor_side ? e.creditor : e.debtor;
        if (f.statistic == Statistic::kNewDistinct) {
          return static_cast<double>(account_new_distinct(track, slot, account, t.occurred_at));
        }
        return value_of(f.statistic, account_stats(track, slot.window, account, t.occurred_at,
                                                   f.statistic == Statistic::kDistinct));
      }
      auto* windows = windows_of(track, t, e.debtor, e.creditor, f.creditor_side, false);
      if (!windows) {
        // No state yet for a key the transaction has: nothing in the window.
        // A key it lacks (no customer id, no country): no value at all.
        bool keyed = track.group == Group::kCustomerOut ? !(f.creditor_side ? t.creditor : t.debtor).customer_id.empty()
                     : track.group == Group::kCountryIn ? !t.creditor.country.empty()
                                                        : true;
        if (!keyed) return std::nullopt;
        return f.statistic == Statistic::kNewDistinct ? std::optional<double>(0.0) : value_of(f.statistic, {});
      }
      const SlidingWindow& level = windows[track.window_level[slot.window]];
      if (f.statistic == Statistic::kNewDistinct) {
        const SlidingWindow& recent = windows[track.window_level[slot.recent_window]];
        return static_cast<double>(new_distinct(recent, level, t.occurred_at, f.window, track.windows[slot.window]));
      }
      return value_of(f.statistic,
                      level.stats(t.occurred_at, track.windows[slot.window], f.statistic == Statistic::kDistinct));
    }
    case Kind::kDaysSinceLast:
    case Kind::kAccountAgeDays:
    case Kind::kHistoryAvgAmount:
    case Kind::kHistoryDailyCount: return history_value(f, e);
    case Kind::kAlertScore: {
      const Account subject = f.creditor_side ? e.creditor : e.debtor;
      int64_t best = 0;
      if (subject < alert_marks_.size()) {
        for (const auto& mark : alert_marks_[subject]) {
          if (!mark.closed && mark.until >= t.occurred_at) best = std::max(best, mark.score);
        }
      }
      return static_cast<double>(best);
    }
    case Kind::kCycleHops:
    case Kind::kScatterGather:
    case Kind::kGatherScatter:
    case Kind::kBipartite: return graph_finding(slot, e, false).size;
  }
  return std::nullopt;
}

GraphFinding TenantEngine::graph_finding(const Slot& slot, const Evaluation& e, bool evidence) const {
  const Transaction& t = e.tx;
  const ResolvedFeature& f = slot.feature;
  const Account d = e.debtor, c = e.creditor;
  switch (f.kind) {
    case Kind::kCycleHops: {
      int64_t cents = e.amount ? static_cast<int64_t>(std::llround(*e.amount * 100.0)) : -1;
      return graph_.cycle(d, c, t.occurred_at, cents, f.window, evidence);
    }
    case Kind::kScatterGather: return graph_.scatter_gather(d, c, t.occurred_at, f.window, evidence);
    case Kind::kGatherScatter: return graph_.gather_scatter(d, t.occurred_at, f.window, evidence);
    case Kind::kBipartite: return graph_.bipartite(d, c, t.occurred_at, f.window, evidence);
    default: return {};
  }
}

std::vector<AlertChange> TenantEngine::process(const Transaction& t, bool evaluate) {
  std::vector<AlertChange> changes;
  if (!rules_) return changes;
  const Account debtor = intern(t.debtor.account_id), creditor = intern(t.creditor.account_id);
  // The parties' payment lists (or where their buckets are): asked for
  // now, so that the two misses overlap with each other and with the
  // work below.
  PaymentLog& debtor_out = directions_[0].logs[debtor];
  PaymentLog& creditor_in = directions_[1].logs[creditor];
  __builtin_prefetch(&debtor_out, 1);
  __builtin_prefetch(&creditor_in, 1);
  __builtin_prefetch(&history_[debtor], 1);
  __builtin_prefetch(&history_[creditor], 1);
  graph_.prefetch(debtor);
  graph_.prefetch(creditor);
  Evaluation e{t, debtor, creditor, options_.rates->to_reporting(t.amount.minor, t.amount.exponent, t.amount.currency)};
  const int64_t cents = e.amount ? static_cast<int64_t>(std::llround(*e.amount * 100.0)) : 0;
  e.cents = cents;
  const bool self = t.debtor.account_id == t.creditor.account_id;
  e.debtor_before = history_[debtor];
  e.creditor_before = history_[creditor];
  for (Account account : {debtor, creditor}) {
    auto& h = history_[account];
    h.first_seen = std::min(h.first_seen, t.occurred_at);
    h.last_seen = std::max(h.last_seen, t.occurred_at);
  }
  // A transfer between an account and itself moves nothing between
  // parties: it is activity (history), not a payment to aggregate. Cash is
  // the exception: many cores book a deposit or withdrawal with the
  // customer's account on both sides (the cash desk is no account), and
  // cash reporting must see it. It stays out of the payment graph all the
  // same (cash is not a graph type): it is listed on the account only as
  // evidence for the alerts it contributes to.
  const uint32_t type = type_code(t.type);
  static const uint32_t kCashDeposit = type_code("cash_deposit"), kCashWithdrawal = type_code("cash_withdrawal");
  const bool cash = type == kCashDeposit || type == kCashWithdrawal;
  if (self && !cash) return changes;

  // Features: every track the rules read, the transaction included.
  rules::Context filter_context;
  filter_context.field = [&](size_t index, const std::string&) { return field_value(index, t, e.amount); };
  bool late = false;
  const size_t history_out_track = history_out_ ? slots_[*history_out_].track : SIZE_MAX;
  const size_t history_in_track = history_in_ ? slots_[*history_in_].track : SIZE_MAX;
  // The counterparty keys distinct counts use, hashed once.
  const uint64_t creditor_key = hash_text(t.creditor.account_id), debtor_key = hash_text(t.debtor.account_id);
  // Two passes: first every window the transaction goes into, each asked
  // to fetch the bucket it will write, then the writes; the cache misses
  // of the tracks overlap instead of following one another.
  auto& touched = touched_scratch_;
  touched.clear();
  // An account kept as a list gets one entry per direction, marked with
  // the levels that take the payment, each decided as its ring would.
  LoggedPayment listed[2] = {{t.occurred_at, cents, creditor_key, 0}, {t.occurred_at, cents, debtor_key, 0}};
  PaymentLog* lists[2] = {&debtor_out, &creditor_in};
  for (PaymentLog* log : lists) {
    if (log->size() > 0) __builtin_prefetch(log->end() - 1, 1);
  }
  for (size_t ti = 0; ti < tracks_.size(); ++ti) {
    auto& track = tracks_[ti];
    if (track->filter && !has_type(track->filter_always, type)) {
      if (has_type(track->filter_never, type) || !track->filter->evaluate(filter_context).fired) continue;
    }
    if (track->per_account() && directions_[track->direction()].listed(*lists[track->direction()])) {
      PaymentLog& log = *lists[track->direction()];
      const int64_t newest = log.newest(track->list_track);
      uint32_t took = 0;
      for (size_t l = 0; l < track->levels(); ++l) {
        if (newest == INT64_MIN || t.occurred_at > newest - (track->level_lengths[l] + options_.lateness_micros)) {
          took |= track->level_bit(l);
        }
      }
      const bool added = took == track->level_bits();
      if (!added) late = true;
      if (ti == history_out_track) e.debtor_added = added;
      if (ti == history_in_track) e.creditor_added = added;
      if (took == 0) continue;
      listed[track->direction()].levels |= took;
      log.saw(track->list_track, t.occurred_at);
      continue;
    }
    auto* windows = windows_of(*track, t, debtor, creditor,
                               track->group == Group::kAccountIn || track->group == Group::kCountryIn, true);
    if (!windows) continue;
    for (size_t l = 0; l < track->levels(); ++l) windows[l].prefetch(t.occurred_at);
    touched.emplace_back(ti, windows);
  }
  for (auto [ti, windows] : touched) {
    const auto& track = tracks_[ti];
    uint64_t distinct = 0;
    switch (track->group) {
      case Group::kAccountOut:
      case Group::kCustomerOut: distinct = creditor_key; break;
      case Group::kAccountIn:
      case Group::kCountryIn: distinct = debtor_key; break;
      case Group::kPair: distinct = 0; break;
    }
    bool added = true;
    for (size_t l = 0; l < track->levels(); ++l) {
      if (!windows[l].add(t.occurred_at, cents, distinct)) added = false;
    }
    if (!added) late = true;
    if (ti == history_out_track) e.debtor_added = added;
    if (ti == history_in_track) e.creditor_added = added;
  }
  for (int dir = 0; dir < 2; ++dir) {
    if (listed[dir].levels == 0) continue;
    PaymentLog& log = *lists[dir];
    // What no window reads any more: older than the longest level's
    // horizon and a bucket before the newest payment.
    const int64_t newest = log.size() > 0 ? std::max((log.end() - 1)->time, t.occurred_at) : t.occurred_at;
    const int64_t stale = newest - directions_[dir].keep;
    log.insert(listed[dir], stale);
    if (log.size() > list_limit_) {
      log.forget_through(stale);
      if (log.size() > list_limit_) move_to_buckets(dir, dir == 0 ? debtor : creditor);
    }
  }
  // Counted when evaluated: a rebuild's replay (evaluate false) sees the
  // same late payments again, and they arrived late only once.
  if (late && evaluate) ++late_;
  if (type < 32 ? has_type(graph_type_bits_, type) : options_.graph_types.contains(t.type)) {
    graph_.add(debtor, creditor, t.occurred_at, e.amount ? cents : -1, t.id);
  } else {
    graph_.record(debtor, creditor, t.occurred_at, type, t.id, list_other_out_, list_other_in_);
  }
  newest_ = std::max(newest_, t.occurred_at);

  forget_ended_alerts();
  if (!evaluate) return changes;

  // The per-transaction feature cache reuses the engine's buffers.
  e.values.swap(values_scratch_);
  e.computed.swap(computed_scratch_);
  e.values.assign(slots_.size(), std::nullopt);
  e.computed.assign(slots_.size(), 0);
  const auto& all = rules_->rules();
  // One context for every rule, pointed at each rule's feature slots in
  // turn: building its callbacks per rule cost as much as many a rule's
  // evaluation.
  Binding binding{this, &e, nullptr};
  rules::Context context = context_for(binding);
  for (size_t r = 0; r < all.size(); ++r) {
    if (has_type(rule_never_fires_[r], type)) continue;
    const auto& rule = all[r];
    const auto& calls = rule_slots_[r];
    binding.calls = &calls;
    const auto& condition = type < rule_by_type_[r].size() ? rule_by_type_[r][type] : rule.condition;
    if (auto result = condition.evaluate(context); !result.fired) {
      if (count_failures_ && !result.error.empty()) ++failures_[rule.definition.id][result.error];
      continue;
    }
    context.record_facts = true;
    auto explained = rule.condition.evaluate(context);
    context.record_facts = false;
    // Evidence: what the graph found, the subject's payments in the
    // rule's longest window, and this transaction.
    std::vector<std::string> evidence;
    int64_t longest = 0;
    bool creditor_subject = rule.definition.subject == "creditor";
    for (size_t call = 0; call < calls.size(); ++call) {
      const auto& slot = slots_[calls[call]];
      if (slot.feature.kind == Kind::kAggregate &&
          (slot.feature.group == Group::kAccountOut || slot.feature.group == Group::kAccountIn)) {
        longest = std::max(longest, slot.feature.window);
      }
      if (is_graph(slot.feature.kind) && e.computed[calls[call]]) {
        for (auto& id : graph_finding(slot, e, true).transaction_ids) evidence.push_back(std::move(id));
      }
    }
    if (longest > 0) {
      Account account = creditor_subject ? creditor : debtor;
      bool outgoing = !creditor_subject;
      for (auto& id : graph_.payments(account, outgoing, t.occurred_at - longest, t.occurred_at,
                                      options_.max_transaction_ids_per_alert, evidence_types_[r],
                                      (evidence_types_[r] & graph_type_bits_) != 0)) {
        evidence.push_back(std::move(id));
      }
    }
    evidence.push_back(t.id);
    changes.push_back(record(rule, t, e, std::move(explained.facts), render(rule, r, e), std::move(evidence)));
  }
  values_scratch_.swap(e.values);
  computed_scratch_.swap(e.computed);
  // alert_score describes the parties before this payment, whatever order
  // the rules run in: its own alerts count from the next payment on.
  for (const auto& change : changes) {
    if (change.kind == AlertChange::Kind::kRaised) note_alert(change.alert, false);
  }
  return changes;
}

std::optional<WindowStats> TenantEngine::aggregate(ResolvedFeature::Group group, const std::string& key,
                                                  int64_t window, int64_t at, const std::string& filter) const {
  for (const auto& track : tracks_) {
    if (track->group != group || track->filter_source != filter) continue;
    auto w = std::find(track->windows.begin(), track->windows.end(), window);
    if (w == track->windows.end()) return std::nullopt;
    const size_t index = static_cast<size_t>(w - track->windows.begin());
    if (track->per_account()) {
      auto account = find_account(key);
      return account ? account_stats(*track, index, *account, at, true) : WindowStats{};
    }
    auto it = track->keys.find(key);
    if (it == track->keys.end()) return WindowStats{};
    return it->second[track->window_level[index]].stats(at, window);
  }
  return std::nullopt;
}

size_t TenantEngine::keys() const {
  size_t n = 0;
  for (const auto& track : tracks_) {
    n += track->keys.size();
    if (!track->per_account()) continue;
    for (size_t a = 0; a < accounts_.size(); ++a) {
      const Account account = static_cast<Account>(a);
      if (const PaymentLog* log = list_of(*track, account)) {
        n += log->newest(track->list_track) != INT64_MIN ? 1 : 0;
      } else {
        n += buckets_of(*track, account) ? 1 : 0;
      }
    }
  }
  return n;
}

size_t TenantEngine::memory_bytes() const {
  size_t bytes = graph_.memory_bytes() + history_.capacity() * sizeof(AccountHistory);
  bytes += accounts_.memory_bytes();
  for (const auto& d : directions_) {
    bytes += d.logs.capacity() * sizeof(PaymentLog);
    for (const auto& log : d.logs) bytes += log.heap_bytes();
  }
  for (const auto& track : tracks_) {
    bytes += track->by_account.capacity() * sizeof(SlidingWindow);
    for (const auto& w : track->by_account) bytes += w.memory_bytes() - sizeof(SlidingWindow);
    for (const auto& [key, windows] : track->keys) {
      bytes += key.capacity() + 64;
      for (const auto& w : windows) bytes += w.memory_bytes();
    }
  }
  bytes += alert_marks_.capacity() * sizeof(std::vector<AlertMark>);
  for (const auto& marks : alert_marks_) {
    bytes += marks.capacity() * sizeof(AlertMark);
    for (const auto& mark : marks) bytes += mark.alert_id.capacity() > 15 ? mark.alert_id.capacity() : 0;
  }
  // The expiry queue holds one entry per open alert (and a few replaced).
  bytes += expiries_.size() * (sizeof(Expiry) + 48);
  for (const auto& [key, alert] : open_alerts_) {
    bytes += key.capacity() + sizeof(Alert) + alert.explanation.capacity();
    for (const auto& id : alert.transaction_ids) bytes += sizeof(std::string) + id.capacity();
  }
  return bytes;
}

DetectionEngine::Slot& DetectionEngine::tenant(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  auto& slot = tenants_[tenant_id];
  if (!slot) {
    slot = std::make_unique<Slot>();
    slot->engine = std::make_unique<TenantEngine>(tenant_id, options_);
  }
  return *slot;
}

DetectionEngine::Slot* DetectionEngine::existing(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  auto it = tenants_.find(tenant_id);
  return it == tenants_.end() ? nullptr : it->second.get();
}

size_t DetectionEngine::accounts() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [id, slot] : tenants_) n += slot->accounts.load(std::memory_order_relaxed);
  return n;
}

uint64_t DetectionEngine::late_transactions() const {
  std::lock_guard lock(mutex_);
  uint64_t n = 0;
  for (const auto& [id, slot] : tenants_) n += slot->late.load(std::memory_order_relaxed);
  return n;
}

}  // namespace hafnium::services::monitoring::detection
