#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "services/monitoring/domain/sliding_window.h"

namespace hafnium::services::monitoring {

// One payment as an account's windows in one direction took it.
struct LoggedPayment {
  int64_t time;     // event time
  int64_t amount;   // minor units, as the windows count it
  uint64_t key;     // the counterparty, for distinct counts
  uint32_t levels;  // bit i: the direction's i-th window level took the payment
  uint32_t unused = 0;
};
static_assert(sizeof(LoggedPayment) == 32);

// The recent payments of one account in one direction (out of it, or into
// it), from which every window the rules read for that account is
// computed on demand, in place of a ring of buckets per window.
//
// Why: most accounts pay a few times a week. Kept as buckets, each of their
// payments wrote a bucket in every window level it counted for (seven
// for an outgoing transfer under the default pack, each a cache line of
// its own among gigabytes of rings), and their month-long day rings were
// nearly empty. Kept as a list, a payment is one entry, the list of a
// quarter's payments fits in a few cache lines read in order, and the
// memory is a fraction. An account that pays often (a merchant, a
// payroll account) outgrows the list and moves to buckets, whose cost does
// not grow with its traffic (the engine decides when:
// EngineOptions::payment_list_limit).
//
// The list answers exactly as the buckets would: a payment carries the
// levels (window lengths at one bucket width, per track) that took it,
// decided against the same per-track newest time and horizon the ring
// uses, and the stats are bucket-aligned as the ring's are. Entries stay
// in event-time order (a late payment is inserted in its place), so a
// read walks back from the newest and stops at its window's first bucket.
//
// 64 bytes, one cache line: the engine keeps one per account and
// direction in a flat array.
class PaymentLog {
 public:
  // Tracks (a grouping key's filter) whose newest time the log keeps: a
  // direction with more uses buckets for every account.
  static constexpr size_t kTracks = 6;
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  PaymentLog() { newest_.fill(INT64_MIN); }
  PaymentLog(PaymentLog&&) noexcept = default;
  PaymentLog& operator=(PaymentLog&&) noexcept = default;

  // An account moved to buckets: where its windows are in the tracks'
  // arrays (kNoSlot while it has none).
  uint32_t bucket_slot() const { return bucket_slot_; }
  bool in_buckets() const { return bucket_slot_ != kNoSlot; }
  // Moves the account to buckets at `slot`; its entries are released
  // (the caller has replayed them into the buckets).
  void move_to_buckets(uint32_t slot);

  // The newest event time a track took for this account (INT64_MIN: none).
  int64_t newest(size_t track) const { return newest_[track]; }
  void saw(size_t track, int64_t time) {
    if (time > newest_[track]) newest_[track] = time;
  }

  // Adds a payment in event-time order (after those of the same time).
  // When the list is full, the payments at or before `stale` (which no
  // window reads any more) make room first, all at once: forgetting one
  // with every payment moved the whole list each time.
  void insert(const LoggedPayment& payment, int64_t stale);
  // Forgets the payments at or before `time`.
  void forget_through(int64_t time);
  // Rewrites each entry's levels (`remap(levels)`), dropping those left
  // with none, and each track's newest time (`newest[t]` becomes
  // `old[track_from[t]]`, or none where track_from[t] is kNoSlot): for a
  // rule change that renumbers the tracks.
  template <typename Remap>
  void renumber(Remap&& remap, const std::array<uint32_t, kTracks>& track_from) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < size_; ++i) {
      LoggedPayment p = entries_[i];
      p.levels = remap(p.levels);
      if (p.levels != 0) entries_[kept++] = p;
    }
    size_ = static_cast<uint16_t>(kept);
    auto old = newest_;
    for (size_t t = 0; t < kTracks; ++t) newest_[t] = track_from[t] == kNoSlot ? INT64_MIN : old[track_from[t]];
  }

  // The payments held, stale ones included (reads never reach those).
  const LoggedPayment* begin() const { return entries_.get(); }
  const LoggedPayment* end() const { return entries_.get() + size_; }
  size_t size() const { return size_; }

  // Aggregates of the payments that `level` (a bit) took, over (at -
  // length, at] in whole buckets of `width`: what SlidingWindow::stats
  // answers for the same payments.
  WindowStats stats(uint32_t level, int64_t width, int64_t at, int64_t length, bool with_distinct) const;
  // Appends the keys of the payments `level` took in the buckets holding
  // (after, until] (unsorted, may repeat).
  void append_keys(uint32_t level, int64_t width, int64_t after, int64_t until, std::vector<uint64_t>& out) const;
  // Takes out of `keys` those that a payment `level` took in the buckets
  // holding (after, until] has.
  void remove_seen(uint32_t level, int64_t width, int64_t after, int64_t until, std::vector<uint64_t>& keys) const;

  size_t heap_bytes() const { return capacity() * sizeof(LoggedPayment); }

 private:
  size_t capacity() const { return entries_ ? size_t{1} << capacity_log2_ : 0; }
  void grow();
  void reallocate(uint8_t capacity_log2);

  std::unique_ptr<LoggedPayment[]> entries_;
  uint16_t size_ = 0;
  uint8_t capacity_log2_ = 0;
  uint32_t bucket_slot_ = kNoSlot;
  std::array<int64_t, kTracks> newest_;
};
static_assert(sizeof(PaymentLog) == 64);

// new_distinct (see sliding_window.h) over an account's list: the keys the
// `recent` level took in (at - window, at] at its width that the
// `baseline` level took nowhere in the buckets before the one holding
// at - window, back to at - length, at the baseline's width.
size_t new_distinct(const PaymentLog& log, uint32_t recent, int64_t recent_width, uint32_t baseline,
                    int64_t baseline_width, int64_t at, int64_t window, int64_t length);

}  // namespace hafnium::services::monitoring
