// A rule set's features as the engine keeps them: each aggregate feature
// gets a slot on a track (its grouping and filter), whose windows and
// bucket levels serve every rule that reads it; and what a condition or
// filter gives for each payment type alone, so that the payment path can
// skip them.
#include <algorithm>
#include <memory>

#include "services/monitoring/domain/detection/engine.h"
#include "services/monitoring/domain/detection/engine_internals.h"

namespace hafnium::services::monitoring::detection {

using namespace engine_internals;

namespace {

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

bool same_feature(const ResolvedFeature& a, const ResolvedFeature& b, const std::string& a_filter,
                  const std::string& b_filter) {
  return a.kind == b.kind && a.statistic == b.statistic && a.group == b.group && a.creditor_side == b.creditor_side &&
         a_filter == b_filter && a.window == b.window;
}

}  // namespace

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

}  // namespace hafnium::services::monitoring::detection
