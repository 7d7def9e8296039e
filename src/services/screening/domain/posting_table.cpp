#include "services/screening/domain/posting_table.h"

#include <algorithm>
#include <bit>

namespace hafnium::services::screening {

void PostingTable::build() {
  for (auto& [key, name] : pending_) key = stored(key);
  std::sort(pending_.begin(), pending_.end());
  pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
  size_t distinct = 0;
  for (size_t i = 0; i < pending_.size(); ++i) distinct += i == 0 || pending_[i].first != pending_[i - 1].first;
  slots_.assign(std::bit_ceil(std::max<size_t>(16, distinct * 10 / 7 + 1)), Slot{});
  shift_ = 64 - std::countr_zero(slots_.size());
  names_.clear();
  names_.reserve(pending_.size());
  used_ = 0;
  for (size_t i = 0; i < pending_.size();) {
    const uint64_t key = pending_[i].first;
    Slot& slot = slots_[slot_of(key)];
    slot.key = key;
    slot.begin = static_cast<uint32_t>(names_.size());
    for (; i < pending_.size() && pending_[i].first == key; ++i) names_.push_back(pending_[i].second);
    slot.count = static_cast<uint32_t>(names_.size() - slot.begin);
    ++used_;
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(pending_);
}

size_t PostingTable::slot_of(uint64_t key) const {
  // Fibonacci hashing: the top bits of the product depend on every bit of
  // the key. Linear probing from there ends at the key or at an empty slot
  // (the table is never full).
  const size_t mask = slots_.size() - 1;
  size_t at = static_cast<size_t>((key * 11400714819323198485ULL) >> shift_);
  while (slots_[at].key != 0 && slots_[at].key != key) at = (at + 1) & mask;
  return at;
}

std::span<const uint32_t> PostingTable::names_with(uint64_t key) const {
  if (slots_.empty()) return {};
  key = stored(key);
  const Slot& slot = slots_[slot_of(key)];
  if (slot.key != key) return {};
  return {names_.data() + slot.begin, slot.count};
}

}  // namespace hafnium::services::screening
