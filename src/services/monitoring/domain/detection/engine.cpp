#include "services/monitoring/domain/detection/engine.h"

#include "platform/util/hash.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace hafnium::services::monitoring::detection {

namespace {

constexpr int64_t kMinute = 60'000'000LL, kHour = 60 * kMinute, kDay = 24 * kHour;
using Group = ResolvedFeature::Group;
using Kind = ResolvedFeature::Kind;
using Statistic = ResolvedFeature::Statistic;

bool is_graph(Kind kind) {
  return kind == Kind::kCycleHops || kind == Kind::kScatterGather || kind == Kind::kGatherScatter ||
         kind == Kind::kBipartite;
}

int64_t bucket_for(int64_t window) { return window <= 2 * kHour ? kMinute : window <= 7 * kDay ? kHour : kDay; }

uint64_t hash_text(std::string_view text) { return util::fnv1a_64(text); }

// A payment type's index in transaction_types() (32: none of them).
uint32_t type_code(const std::string& type) {
  const auto& types = transaction_types();
  auto it = std::find(types.begin(), types.end(), type);
  return it == types.end() ? 32 : static_cast<uint32_t>(it - types.begin());
}
bool has_type(uint32_t mask, uint32_t code) { return code < 32 && (mask >> code & 1u) != 0; }

// What a condition gives for each payment type when nothing but the type
// is known (bit k: transaction_types()[k]). Reading any other field or a
// feature is an error then, so a clean answer depends on the type alone
// and holds for every payment of that type: `fires`, or `fails`; neither
// when the condition needs more than the type.
struct TypeVerdicts {
  uint32_t fires = 0, fails = 0;
};
TypeVerdicts verdicts_by_type(const rules::CompiledRule& condition) {
  TypeVerdicts verdicts;
  const auto& types = transaction_types();
  for (size_t k = 0; k < types.size() && k < 32; ++k) {
    rules::Context probe;
    probe.field = [&](size_t, const std::string& name) -> rules::Value {
      if (name == "tx.type") return types[k];
      return std::monostate{};
    };
    probe.feature = [](size_t, const rules::FeatureCall&) -> std::optional<double> { return std::nullopt; };
    auto result = condition.evaluate(probe);
    if (!result.error.empty()) continue;
    (result.fired ? verdicts.fires : verdicts.fails) |= 1u << k;
  }
  return verdicts;
}

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

}  // namespace

struct TenantEngine::Track {
  Group group;
  std::string filter_source;  // empty: every transaction
  const rules::CompiledRule* filter = nullptr;
  // Payment types (bits as in transaction_types()) the filter takes, or
  // refuses, whatever else the payment holds: not evaluated for those.
  uint32_t filter_always = 0, filter_never = 0;
  std::vector<int64_t> windows;       // the lengths rules read
  // Buckets are kept per granularity (level), each as long as the longest
  // window read at that granularity: one set of hourly buckets serves every
  // window from 3 h to 7 d.
  std::vector<int64_t> level_widths, level_lengths;
  std::vector<size_t> window_level;   // window -> level
  void plan_levels() {
    level_widths.clear();
    level_lengths.clear();
    window_level.clear();
    for (int64_t length : windows) {
      int64_t width = bucket_for(length);
      auto it = std::find(level_widths.begin(), level_widths.end(), width);
      if (it == level_widths.end()) {
        level_widths.push_back(width);
        level_lengths.push_back(length);
        it = level_widths.end() - 1;
      }
      size_t level = static_cast<size_t>(it - level_widths.begin());
      level_lengths[level] = std::max(level_lengths[level], length);
      window_level.push_back(level);
    }
  }
  // Account groupings kept in buckets, by the account's bucket slot (see
  // Direction), its levels side by side in one flat array (slot * levels
  // + level: a payment touches them without chasing a pointer per
  // account); the other groupings by their text key.
  std::vector<SlidingWindow> by_account;
  std::unordered_map<std::string, std::vector<SlidingWindow>> keys;
  bool per_account() const { return group == Group::kAccountOut || group == Group::kAccountIn; }
  int direction() const { return group == Group::kAccountIn ? 1 : 0; }
  size_t levels() const { return level_widths.size(); }
  // A new empty window for level l.
  SlidingWindow level(size_t l, int64_t lateness) const {
    return SlidingWindow(level_lengths[l], level_widths[l], lateness);
  }
  // New empty levels at a bucket slot (the array grown to hold it).
  SlidingWindow* fresh_levels(uint32_t slot, int64_t lateness) {
    const size_t needed = (static_cast<size_t>(slot) + 1) * levels();
    if (by_account.size() < needed) {
      // Grows geometrically with the slots (resize alone would add
      // exactly what is asked, reallocating for every new account).
      if (by_account.capacity() < needed) by_account.reserve(std::max(by_account.capacity() * 2, needed));
      by_account.resize(needed);
    }
    SlidingWindow* at = by_account.data() + static_cast<size_t>(slot) * levels();
    for (size_t l = 0; l < levels(); ++l) at[l] = level(l, lateness);
    return at;
  }
  // The levels at a bucket slot, or nullptr when it has none yet.
  SlidingWindow* slot_levels(uint32_t slot) {
    size_t at = static_cast<size_t>(slot) * levels();
    return at < by_account.size() && by_account[at].in_use() ? &by_account[at] : nullptr;
  }
  // In an account's payment list: this track's place among its
  // direction's tracks (for its newest time), and the bit of each level.
  size_t list_track = 0;
  uint32_t list_bit = 0;
  uint32_t level_bit(size_t level) const { return 1u << (list_bit + level); }
  uint32_t level_bits() const { return ((1u << levels()) - 1) << list_bit; }
  uint32_t list_end() const { return list_bit + static_cast<uint32_t>(levels()); }  // the next track's first bit
};

struct TenantEngine::Evaluation {
  const Transaction& tx;
  Account debtor, creditor;
  std::optional<double> amount;  // reporting currency
  // Each party's history as it was before this transaction, and whether
  // the transaction went into the history windows (taken out again when a
  // history feature is read: history describes the account before it).
  AccountHistory debtor_before, creditor_before;
  int64_t cents = 0;
  bool debtor_added = false, creditor_added = false;
  std::vector<std::optional<double>> values;
  std::vector<char> computed;
};

namespace {

rules::Value field_value(size_t index, const Transaction& t, const std::optional<double>& amount) {
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

bool same_feature(const ResolvedFeature& a, const ResolvedFeature& b, const std::string& a_filter,
                  const std::string& b_filter) {
  return a.kind == b.kind && a.statistic == b.statistic && a.group == b.group && a.creditor_side == b.creditor_side &&
         a_filter == b_filter && a.window == b.window;
}

}  // namespace

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

size_t TenantEngine::slot_for(const ResolvedFeature& feature, std::vector<std::unique_ptr<Track>>& tracks) {
  const std::string filter_source =
      feature.filter == 0 ? std::string() : rules_->filters()[feature.filter - 1].source();
  for (size_t i = 0; i < slots_.size(); ++i) {
    const auto& s = slots_[i].feature;
    std::string s_filter = s.kind == Kind::kAggregate ? tracks[slots_[i].track]->filter_source : std::string();
    if (same_feature(s, feature, s_filter, filter_source)) return i;
  }
  Slot slot{feature, 0, 0};
  if (feature.kind == Kind::kAggregate) {
    size_t t = 0;
    while (t < tracks.size() && !(tracks[t]->group == feature.group && tracks[t]->filter_source == filter_source)) ++t;
    if (t == tracks.size()) {
      auto track = std::make_unique<Track>();
      track->group = feature.group;
      track->filter_source = filter_source;
      track->filter = feature.filter == 0 ? nullptr : &rules_->filters()[feature.filter - 1];
      tracks.push_back(std::move(track));
    }
    auto& windows = tracks[t]->windows;
    auto window_index = [&windows](int64_t length) {
      auto w = std::find(windows.begin(), windows.end(), length);
      if (w == windows.end()) {
        windows.push_back(length);
        w = windows.end() - 1;
      }
      return static_cast<size_t>(w - windows.begin());
    };
    slot.track = t;
    slot.window = window_index(feature.window);
    // new_distinct also reads the 30 days before its window as baseline:
    // kept in day buckets, while the window keeps its own (finer) ones so
    // a 4-day window is not cut at a day boundary.
    if (feature.statistic == Statistic::kNewDistinct) {
      slot.recent_window = slot.window;
      slot.window = window_index(feature.window + 30 * kDay);
    }
  }
  slots_.push_back(slot);
  return slots_.size() - 1;
}

void TenantEngine::set_rules(std::shared_ptr<const RuleSet> rules) {
  rules_ = std::move(rules);
  std::vector<std::unique_ptr<Track>> tracks;
  slots_.clear();
  rule_slots_.clear();
  template_slots_.clear();
  history_out_.reset();
  history_in_.reset();
  for (const auto& rule : rules_->rules()) {
    std::vector<size_t> calls;
    for (const auto& f : rule.features) calls.push_back(slot_for(f, tracks));
    rule_slots_.push_back(std::move(calls));
    std::vector<std::vector<size_t>> pieces;
    for (const auto& piece : rule.explanation) {
      std::vector<size_t> piece_calls;
      for (const auto& f : piece.features) piece_calls.push_back(slot_for(f, tracks));
      pieces.push_back(std::move(piece_calls));
    }
    template_slots_.push_back(std::move(pieces));
  }
  // The payment types each rule's windows count: its alerts list those as
  // evidence, not the card payments of a rule about transfers, nor the
  // graph's transfers for a rule about cash (graph payments are listed
  // whole when the rule counts any of their types). A filter that cannot
  // be decided from the type alone (it reads the amount, say) counts the
  // type. And the types for which a rule cannot fire at all: it is not
  // evaluated for them (most rules begin with `tx.type in [...]`).
  // Card and cash payments are kept on an account's outgoing (incoming)
  // list only when some debtor (creditor) rule lists them.
  evidence_types_.clear();
  rule_never_fires_.clear();
  rule_by_type_.clear();
  list_other_out_ = list_other_in_ = false;
  const auto& fields = detection_schema().fields;
  const size_t type_field = static_cast<size_t>(std::distance(fields.begin(), fields.find("tx.type")));
  const uint32_t known_types = (1u << transaction_types().size()) - 1;
  for (size_t r = 0; r < rules_->rules().size(); ++r) {
    const auto& rule = rules_->rules()[r];
    uint32_t mask = 0;
    bool lists_payments = false;  // evidence from the subject's payments (see process)
    for (const auto& f : rule.features) {
      if (f.kind != Kind::kAggregate) continue;
      mask |= f.filter == 0 ? ~0u : ~verdicts_by_type(rules_->filters()[f.filter - 1]).fails;
      lists_payments = lists_payments || f.group == Group::kAccountOut || f.group == Group::kAccountIn;
    }
    evidence_types_.push_back(mask);
    rule_never_fires_.push_back(verdicts_by_type(rule.condition).fails);
    auto& by_type = rule_by_type_.emplace_back();
    for (const auto& type : transaction_types()) by_type.push_back(rule.condition.with_known_text(type_field, type));
    if (lists_payments && (mask & known_types & ~graph_type_bits_) != 0) {
      (rule.definition.subject == "creditor" ? list_other_in_ : list_other_out_) = true;
    }
  }
  if (rules_->uses_history()) {
    ResolvedFeature out;
    out.kind = Kind::kAggregate;
    out.group = Group::kAccountOut;
    out.window = 90 * kDay;
    history_out_ = slot_for(out, tracks);
    out.group = Group::kAccountIn;
    history_in_ = slot_for(out, tracks);
  }
  for (auto& track : tracks) {
    track->plan_levels();
    if (track->filter) {
      auto verdicts = verdicts_by_type(*track->filter);
      track->filter_always = verdicts.fires;
      track->filter_never = verdicts.fails;
    }
  }
  // Each direction's per-account tracks share an account's payment list,
  // each level a bit of its entries' (at most three levels a track, so six
  // tracks take at most 18 bits); a direction with more tracks keeps
  // buckets for every account.
  Direction next[2];
  for (size_t ti = 0; ti < tracks.size(); ++ti) {
    Track& track = *tracks[ti];
    if (!track.per_account()) continue;
    Direction& d = next[track.direction()];
    track.list_track = d.tracks.size();
    track.list_bit = d.tracks.empty() ? 0 : tracks[d.tracks.back()]->list_end();
    d.tracks.push_back(ti);
    for (size_t l = 0; l < track.levels(); ++l) {
      d.keep = std::max(d.keep, track.level_lengths[l] + options_.lateness_micros + track.level_widths[l]);
    }
  }
  for (int dir = 0; dir < 2; ++dir) {
    Direction& d = next[dir];
    d.lists = list_limit_ > 0 && d.tracks.size() <= PaymentLog::kTracks &&
              (d.tracks.empty() || tracks[d.tracks.back()]->list_end() <= 32);
    // Lists that the new rules cannot keep move to buckets now, under the
    // tracks they were written for; the buckets then carry over below.
    if (directions_[dir].lists && !d.lists) {
      for (size_t a = 0; a < directions_[dir].logs.size(); ++a) {
        const PaymentLog& log = directions_[dir].logs[a];
        if (!log.in_buckets() && log.size() > 0) move_to_buckets(dir, static_cast<Account>(a));
      }
      directions_[dir].lists = false;
    }
  }
  // How the lists' bits and newest times carry over where lists stay:
  // old bit -> new bits, new track -> old track, per direction.
  std::array<uint32_t, 32> bit_to[2] = {};
  std::array<uint32_t, PaymentLog::kTracks> track_from[2];
  track_from[0].fill(PaymentLog::kNoSlot);
  track_from[1].fill(PaymentLog::kNoSlot);
  // Carry the buckets the new rules still read over from the old tracks.
  for (auto& track : tracks) {
    for (auto& old : tracks_) {
      if (!old || old->group != track->group || old->filter_source != track->filter_source) continue;
      if (track->per_account() && directions_[track->direction()].lists && next[track->direction()].lists) {
        const int dir = track->direction();
        track_from[dir][track->list_track] = static_cast<uint32_t>(old->list_track);
        for (size_t l = 0; l < track->levels(); ++l) {
          auto at = std::find(old->level_widths.begin(), old->level_widths.end(), track->level_widths[l]);
          if (at == old->level_widths.end()) continue;  // a new level starts empty
          bit_to[dir][old->list_bit + static_cast<size_t>(at - old->level_widths.begin())] |= track->level_bit(l);
        }
      }
      // The new levels of one key from its old ones (`old_levels` null: none).
      auto carry = [&](SlidingWindow* old_levels, SlidingWindow* out) {
        for (size_t l = 0; l < track->levels(); ++l) {
          auto at = std::find(old->level_widths.begin(), old->level_widths.end(), track->level_widths[l]);
          if (!old_levels) {
            out[l] = SlidingWindow();
          } else if (at != old->level_widths.end()) {
            out[l] = std::move(old_levels[static_cast<size_t>(at - old->level_widths.begin())]);
            out[l].extend(track->level_lengths[l]);
          } else {
            out[l] = track->level(l, options_.lateness_micros);
          }
        }
      };
      for (auto& [key, old_levels] : old->keys) {
        std::vector<SlidingWindow> levels(track->levels());
        carry(old_levels.data(), levels.data());
        track->keys.emplace(key, std::move(levels));
      }
      const size_t slots = old->levels() == 0 ? 0 : old->by_account.size() / old->levels();
      track->by_account.resize(slots * track->levels());
      for (size_t a = 0; a < slots; ++a) {
        carry(old->slot_levels(static_cast<uint32_t>(a)), track->by_account.data() + a * track->levels());
      }
      old.reset();
      break;
    }
  }
  tracks_ = std::move(tracks);
  for (int dir = 0; dir < 2; ++dir) {
    Direction& d = directions_[dir];
    const bool had_lists = d.lists;
    d.tracks = std::move(next[dir].tracks);
    d.lists = next[dir].lists;
    d.keep = next[dir].keep;
    if (!had_lists) continue;
    const auto& to = bit_to[dir];
    auto remap = [&to](uint32_t levels) {
      uint32_t out = 0;
      for (; levels != 0; levels &= levels - 1) out |= to[static_cast<size_t>(__builtin_ctz(levels))];
      return out;
    };
    for (auto& log : d.logs) {
      if (!log.in_buckets()) log.renumber(remap, track_from[dir]);
    }
  }
}

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
