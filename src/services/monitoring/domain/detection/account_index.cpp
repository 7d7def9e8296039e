#include "services/monitoring/domain/detection/account_index.h"

#include <cstring>
#include <functional>

namespace hafnium::services::monitoring::detection {

namespace {
uint64_t hash_of(std::string_view name) { return std::hash<std::string_view>{}(name); }
}  // namespace

bool AccountIndex::holds(const Slot& slot, std::string_view name, uint64_t hash) const {
  if (slot.hash != hash) return false;
  if (slot.length == kLong) return names_[slot.account] == name;
  return slot.length == name.size() && std::memcmp(slot.name, name.data(), name.size()) == 0;
}

size_t AccountIndex::probe(std::string_view name, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.account == UINT32_MAX || holds(slot, name, hash)) return at;
  }
}

std::optional<AccountIndex::Account> AccountIndex::find(std::string_view name) const {
  if (slots_.empty()) return std::nullopt;
  const Slot& slot = slots_[probe(name, hash_of(name))];
  if (slot.account == UINT32_MAX) return std::nullopt;
  return slot.account;
}

std::pair<AccountIndex::Account, bool> AccountIndex::intern(std::string_view name) {
  if ((names_.size() + 1) * 2 > slots_.size()) grow();
  const uint64_t hash = hash_of(name);
  Slot& slot = slots_[probe(name, hash)];
  if (slot.account != UINT32_MAX) return {slot.account, false};
  slot.hash = hash;
  slot.account = static_cast<Account>(names_.size());
  if (name.size() <= kInline) {
    slot.length = static_cast<uint8_t>(name.size());
    std::memcpy(slot.name, name.data(), name.size());
  } else {
    slot.length = kLong;
  }
  names_.emplace_back(name);
  return {slot.account, true};
}

void AccountIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.account == UINT32_MAX) continue;
    size_t at = slot.hash & mask;
    while (slots_[at].account != UINT32_MAX) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

void AccountIndex::clear() {
  slots_.clear();
  names_.clear();
}

size_t AccountIndex::memory_bytes() const {
  size_t bytes = slots_.capacity() * sizeof(Slot) + names_.capacity() * sizeof(std::string);
  for (const auto& name : names_) bytes += name.capacity() > 15 ? name.capacity() : 0;
  return bytes;
}

}  // namespace hafnium::services::monitoring::detection
