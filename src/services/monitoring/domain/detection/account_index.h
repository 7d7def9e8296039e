#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hafnium::services::monitoring::detection {

// Account ids of one tenant numbered densely (0, 1, 2, ... in order of
// first appearance), so per-account state lives in flat arrays. Every
// payment looks up two accounts among hundreds of thousands, each lookup a
// cache miss: the table is open addressing with the name stored in the
// slot when it is short (as account ids are), so a lookup usually reads
// one 32-byte slot; a node-based map read a bucket and then a node.
class AccountIndex {
 public:
  using Account = uint32_t;

  // The account's number, and whether it was numbered just now.
  std::pair<Account, bool> intern(std::string_view name);
  std::optional<Account> find(std::string_view name) const;
  const std::string& name(Account account) const { return names_[account]; }
  size_t size() const { return names_.size(); }
  void clear();
  size_t memory_bytes() const;

 private:
  static constexpr size_t kInline = 19;
  static constexpr uint8_t kLong = 0xFF;  // the name is only in names_
  struct Slot {
    uint64_t hash = 0;
    Account account = UINT32_MAX;  // UINT32_MAX: empty
    uint8_t length = 0;            // bytes of the name, or kLong
    char name[kInline] = {};
  };
  static_assert(sizeof(Slot) == 32);

  // The slot holding `name`, or the empty slot where it would go.
  size_t probe(std::string_view name, uint64_t hash) const;
  bool holds(const Slot& slot, std::string_view name, uint64_t hash) const;
  void grow();

  std::vector<Slot> slots_;  // a power of two, at most half full
  std::vector<std::string> names_;
};

}  // namespace hafnium::services::monitoring::detection
