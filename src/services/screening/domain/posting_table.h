#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace hafnium::services::screening {

// The names holding each key of the candidate index, by 64-bit key hash.
// Built once from (key, name) pairs: postings are one sorted array, found
// through an open-addressing table of (key, offset, count), so a lookup is
// one or two cache lines and no string is compared. (A node-based map of
// string keys was a tenth of a screening profile, and the index's 480,000
// keys as strings took 48 MB.) A hash collision can only add candidates,
// which full scoring then judges on their own words.
class PostingTable {
 public:
  void add(uint64_t key, uint32_t name) { pending_.emplace_back(key, name); }
  // Makes the added pairs searchable; a name is listed once under a key
  // however often it was added.
  void build();

  std::span<const uint32_t> names_with(uint64_t key) const;
  size_t key_count() const { return used_; }

 private:
  struct Slot {
    uint64_t key = 0;  // 0: empty (a key that hashes to 0 is kept as 1)
    uint32_t begin = 0;
    uint32_t count = 0;
  };
  static uint64_t stored(uint64_t key) { return key == 0 ? 1 : key; }
  size_t slot_of(uint64_t key) const;

  std::vector<std::pair<uint64_t, uint32_t>> pending_;  // until build()
  std::vector<Slot> slots_;                              // a power of two, at most 70 % full
  std::vector<uint32_t> names_;
  size_t used_ = 0;
  int shift_ = 64;  // 64 - log2(slots): the product's bits that pick a slot
};

}  // namespace hafnium::services::screening
