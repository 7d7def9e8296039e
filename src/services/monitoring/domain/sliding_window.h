#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hafnium::services::monitoring {

// Aggregates over one window length of event time.
struct WindowStats {
  int64_t count = 0;
  int64_t sum = 0;  // minor units
  int64_t min = 0;
  int64_t max = 0;
  double mean = 0;
  double stddev = 0;  // population standard deviation
  size_t distinct = 0;  // distinct counterparties (or countries: whatever key the caller passes)
};

// The bucket of `width` holding `time`: floor division, so that times
// before the epoch fall in the bucket below, as later ones do.
inline int64_t bucket_index(int64_t time, int64_t width) {
  const int64_t q = time / width;
  return (time % width != 0 && (time < 0) != (width < 0)) ? q - 1 : q;
}

// What the buckets (or payments) of a window read: count, sum, min and
// max as they were added, the mean and standard deviation from the count,
// the sum and the sum of squares, the distinct count from `keys` (any
// order, repeats allowed; sorted in place).
void finish_stats(WindowStats& stats, double squares, std::vector<uint64_t>& keys);
// Takes `seen` out of `keys` (unique, any order) if it is there; whether
// any key is left.
bool take_out(std::vector<uint64_t>& keys, uint64_t seen);
// Keys merged for a distinct count, reused by every count on the thread
// (cleared): a count runs on every payment a fan-in or fan-out rule looks
// at, and a fresh vector each time was a tenth of the engine's time in
// allocation and copying.
std::vector<uint64_t>& key_scratch();

// Sliding-window aggregates of one grouping key (an account, a customer, a
// counterparty pair) over event time, kept in fixed-width buckets: a window
// of `length` answers for (t - length, t] with bucket granularity, so a 24 h
// window with 1 h buckets needs at most 25 buckets whatever the traffic
// (plus the lateness). Expired buckets keep their slots until a new bucket
// wants one, so the ring holds at most the power of two above that.
// Any shorter window at the same granularity is answered from the same
// buckets (stats with a length), so one set of hourly buckets serves 4 h,
// 24 h and 7 d alike.
// Events may arrive out of order: an event up to `lateness` older than the
// newest seen lands in its own bucket; older ones are refused (the caller
// counts them) rather than silently mis-attributed.
class SlidingWindow {
 public:
  SlidingWindow(int64_t length_micros, int64_t bucket_micros, int64_t lateness_micros);
  // A placeholder that holds nothing and must be assigned a real window
  // before use (flat per-account arrays create an account's windows on
  // its first payment).
  SlidingWindow() = default;
  bool in_use() const { return width_ != 0; }

  // False when the event is older than the newest event minus the window
  // and the lateness (it cannot be attributed any more).
  bool add(int64_t event_time, int64_t amount_minor, uint64_t distinct_key);
  // Starts fetching the bucket an add at `event_time` would write (the
  // newest one, or the slot after it), so that several windows' misses
  // overlap. Only a hint: it changes nothing.
  void prefetch(int64_t event_time) const {
    if (capacity_ == 0) return;
    const bool same = size_ > 0 && event_time / width_ == newest_ / width_;
    const uint32_t position = same ? size_ - 1 : size_ < capacity_ ? size_ : 0;
    __builtin_prefetch(&ring_[(head_ + position) & (capacity_ - 1)], 1);
  }
  // Aggregates over (at - length, at], bucket-aligned, for `at` no older
  // than the newest event minus the lateness (what an event may still
  // change; earlier views may see buckets that expired).
  WindowStats stats(int64_t at) const { return stats(at, length_); }
  // The same over a shorter window (length at most the window's); the
  // distinct count (a merge of the buckets' keys) only when asked for.
  WindowStats stats(int64_t at, int64_t length, bool with_distinct = true) const;
  // Appends the distinct keys of the buckets holding (after, until], bucket
  // aligned as stats() is (unsorted, may repeat).
  void append_keys(int64_t after, int64_t until, std::vector<uint64_t>& out) const;
  // Takes out of `keys` (unique, any order) those that some bucket holding
  // (after, until] holds, bucket aligned as above: the newest buckets are
  // read first and the reading stops once no key is left.
  void remove_seen(int64_t after, int64_t until, std::vector<uint64_t>& keys) const;
  // Keeps buckets for a longer window from now on.
  void extend(int64_t length_micros);

  // Buckets held, the expired ones not yet reclaimed included.
  size_t bucket_count() const { return size_; }
  int64_t bucket_width() const { return width_; }
  // Approximate heap bytes held, for the per-account memory bound.
  size_t memory_bytes() const;

  // The distinct keys of one bucket, sorted and unique. Most buckets hold
  // one key (one counterparty in that hour or day): that one is kept inline,
  // without a heap allocation. 16 bytes, so that a bucket fills one cache
  // line exactly.
  class KeySet {
   public:
    KeySet() = default;
    ~KeySet() { release(); }
    KeySet(KeySet&& other) noexcept : one_(other.one_), size_(other.size_), capacity_(other.capacity_) {
      other.size_ = 0;
      other.capacity_ = 0;
    }
    KeySet& operator=(KeySet&& other) noexcept {
      if (this != &other) {
        release();
        one_ = other.one_;
        size_ = other.size_;
        capacity_ = other.capacity_;
        other.size_ = 0;
        other.capacity_ = 0;
      }
      return *this;
    }
    KeySet(const KeySet&) = delete;
    KeySet& operator=(const KeySet&) = delete;

    void insert(uint64_t key);
    // Holds `key` alone. Only for a set that holds no heap keys (a slot
    // outside a window's live buckets): it writes without reading, so a
    // new bucket costs no wait for its cache line.
    void start(uint64_t key) {
      one_.key = key;
      size_ = 1;
      capacity_ = 0;
    }
    const uint64_t* begin() const { return capacity_ == 0 ? &one_.key : one_.heap; }
    const uint64_t* end() const { return begin() + size_; }
    size_t size() const { return size_; }
    size_t heap_bytes() const { return size_t{capacity_} * sizeof(uint64_t); }
    void clear() {
      release();
      size_ = 0;
    }

   private:
    void release() {
      if (capacity_ != 0) delete[] one_.heap;
      capacity_ = 0;
    }
    // The key itself while there is one (capacity_ 0), else the heap array.
    union {
      uint64_t key;
      uint64_t* heap;
    } one_{0};
    uint32_t size_ = 0;
    uint32_t capacity_ = 0;
  };

  struct alignas(64) Bucket {
    int64_t index;  // event_time / bucket width
    int64_t count = 0;
    int64_t sum = 0;
    double sum_squares = 0;
    int64_t min = 0;
    int64_t max = 0;
    KeySet distinct;
  };
  static_assert(sizeof(Bucket) == 64, "a bucket is one cache line");

 private:
  // Drops the buckets before the newest event's horizon from the front of
  // the ring; how many.
  uint32_t reclaim_expired();
  // Buckets by ascending index, in a ring: expired ones leave from the
  // front, new ones join at the back, and neither moves the others (a
  // vector had to be compacted, and reallocated on the way).
  Bucket& bucket_at(uint32_t i) { return ring_[(head_ + i) & (capacity_ - 1)]; }
  const Bucket& bucket_at(uint32_t i) const { return ring_[(head_ + i) & (capacity_ - 1)]; }
  // The first live bucket whose index is at least `index` (size_ if none).
  uint32_t first_at_least(int64_t index) const;
  // One past the last live bucket whose index is at most `index`, found
  // from the newest end (the recent buckets are the ones reads want, and
  // the ones an add has just brought into the cache).
  uint32_t end_at_most(int64_t index) const;
  // A new bucket at position i holding one event, the later ones shifted
  // back. Slots outside the live buckets hold no heap keys (expiry clears
  // them), so the common case, a new newest bucket, only writes.
  void insert_at(uint32_t i, int64_t index, int64_t amount, uint64_t distinct_key);

  // 64 bytes, one cache line: the engine keeps an account's windows side
  // by side, and each payment touches several of them.
  int64_t length_ = 0;
  int64_t width_ = 0;
  int64_t horizon_ = 0;  // length plus lateness: how far back an event may land
  int64_t newest_ = INT64_MIN;
  std::unique_ptr<Bucket[]> ring_;
  uint32_t capacity_ = 0;  // a power of two, or 0
  uint32_t head_ = 0;
  uint32_t size_ = 0;
};
static_assert(sizeof(SlidingWindow) <= 64);

// New counterparties against a baseline: the keys of `recent` in
// (at - window, at] that appear nowhere in `baseline`'s buckets before the
// one holding at - window, back to at - length. The two may be one window,
// or the recent part kept at a finer granularity than the baseline. The
// baseline bucket that straddles the window's start is in neither part, so
// a counterparty seen only there is neither new nor known.
size_t new_distinct(const SlidingWindow& recent, const SlidingWindow& baseline, int64_t at, int64_t window,
                    int64_t length);

}  // namespace hafnium::services::monitoring
