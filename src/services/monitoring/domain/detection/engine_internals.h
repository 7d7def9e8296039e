#pragma once

// What the engine's source files share (engine.cpp: accounts, windows,
// features and the payment path; engine_rules.cpp: a rule set's tracks;
// engine_alerts.cpp: rules' contexts and the alerts they raise): time
// units, payment types as bits, and the engine's private state types.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "platform/util/hash.h"
#include "services/monitoring/domain/detection/engine.h"

namespace hafnium::services::monitoring::detection {
namespace engine_internals {

constexpr int64_t kMinute = 60'000'000LL, kHour = 60 * kMinute, kDay = 24 * kHour;
using Group = ResolvedFeature::Group;
using Kind = ResolvedFeature::Kind;
using Statistic = ResolvedFeature::Statistic;

inline bool is_graph(Kind kind) {
  return kind == Kind::kCycleHops || kind == Kind::kScatterGather || kind == Kind::kGatherScatter ||
         kind == Kind::kBipartite;
}

inline int64_t bucket_for(int64_t window) { return window <= 2 * kHour ? kMinute : window <= 7 * kDay ? kHour : kDay; }

inline uint64_t hash_text(std::string_view text) { return util::fnv1a_64(text); }

// A payment type's index in transaction_types() (32: none of them).
inline uint32_t type_code(const std::string& type) {
  const auto& types = transaction_types();
  auto it = std::find(types.begin(), types.end(), type);
  return it == types.end() ? 32 : static_cast<uint32_t>(it - types.begin());
}
inline bool has_type(uint32_t mask, uint32_t code) { return code < 32 && (mask >> code & 1u) != 0; }

// A transaction field as the rules read it, by its index in the schema.
rules::Value field_value(size_t index, const Transaction& t, const std::optional<double>& amount);

}  // namespace engine_internals

struct TenantEngine::Track {
  engine_internals::Group group;
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
      int64_t width = engine_internals::bucket_for(length);
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
  bool per_account() const {
    return group == engine_internals::Group::kAccountOut || group == engine_internals::Group::kAccountIn;
  }
  int direction() const { return group == engine_internals::Group::kAccountIn ? 1 : 0; }
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

}  // namespace hafnium::services::monitoring::detection
