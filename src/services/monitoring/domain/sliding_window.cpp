#include "services/monitoring/domain/sliding_window.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hafnium::services::monitoring {

std::vector<uint64_t>& key_scratch() {
  thread_local std::vector<uint64_t> scratch;
  scratch.clear();
  return scratch;
}

void finish_stats(WindowStats& s, double squares, std::vector<uint64_t>& keys) {
  if (s.count > 0) {
    s.mean = static_cast<double>(s.sum) / static_cast<double>(s.count);
    double variance = squares / static_cast<double>(s.count) - s.mean * s.mean;
    s.stddev = variance > 0 ? std::sqrt(variance) : 0.0;
  }
  std::sort(keys.begin(), keys.end());
  s.distinct = static_cast<size_t>(std::unique(keys.begin(), keys.end()) - keys.begin());
}

bool take_out(std::vector<uint64_t>& keys, uint64_t seen) {
  auto it = std::find(keys.begin(), keys.end(), seen);
  if (it != keys.end()) {
    *it = keys.back();
    keys.pop_back();
  }
  return !keys.empty();
}

SlidingWindow::SlidingWindow(int64_t length_micros, int64_t bucket_micros, int64_t lateness_micros)
    : length_(length_micros), width_(bucket_micros), horizon_(length_micros + lateness_micros) {
  if (bucket_micros <= 0 || length_micros < bucket_micros || lateness_micros < 0) {
    throw std::invalid_argument("window length must be at least one bucket; bucket and lateness non-negative");
  }
}

void SlidingWindow::KeySet::insert(uint64_t key) {
  if (size_ == 0) {
    start(key);
    return;
  }
  if (capacity_ == 0) {
    if (key == one_.key) return;
    const uint64_t first = one_.key;
    uint64_t* heap = new uint64_t[4];
    heap[0] = std::min(key, first);
    heap[1] = std::max(key, first);
    one_.heap = heap;
    capacity_ = 4;
    size_ = 2;
    return;
  }
  uint64_t* keys = one_.heap;
  uint64_t* pos = std::lower_bound(keys, keys + size_, key);
  if (pos != keys + size_ && *pos == key) return;
  const size_t at = static_cast<size_t>(pos - keys);
  if (size_ == capacity_) {
    const uint32_t grown = capacity_ * 2;
    uint64_t* heap = new uint64_t[grown];
    std::copy(keys, keys + size_, heap);
    delete[] keys;
    keys = heap;
    one_.heap = heap;
    capacity_ = grown;
  }
  std::copy_backward(keys + at, keys + size_, keys + size_ + 1);
  keys[at] = key;
  ++size_;
}

void SlidingWindow::extend(int64_t length_micros) {
  const int64_t lateness = horizon_ - length_;
  length_ = std::max(length_, length_micros);
  horizon_ = length_ + lateness;
}

uint32_t SlidingWindow::first_at_least(int64_t index) const {
  uint32_t lo = 0, hi = size_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (bucket_at(mid).index < index) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

uint32_t SlidingWindow::reclaim_expired() {
  // Buckets before the horizon of the newest event: no event may land
  // there any more and no query within the lateness reads them.
  const int64_t oldest_needed = bucket_index(newest_ - horizon_, width_);
  uint32_t reclaimed = 0;
  while (size_ > 0 && bucket_at(0).index < oldest_needed) {
    bucket_at(0).distinct.clear();  // give the memory back, and keep the slot empty
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
    ++reclaimed;
  }
  return reclaimed;
}

void SlidingWindow::insert_at(uint32_t i, int64_t index, int64_t amount, uint64_t distinct_key) {
  if (size_ == capacity_) {
    // Expired buckets leave only when their slots are wanted: all of them
    // at once, reading the ring front to back, instead of one random read
    // of the oldest bucket with every new one.
    i -= reclaim_expired();
  }
  if (size_ == capacity_) {
    const uint32_t grown = capacity_ == 0 ? 4 : capacity_ * 2;
    auto ring = std::make_unique<Bucket[]>(grown);
    for (uint32_t k = 0; k < size_; ++k) ring[k] = std::move(bucket_at(k));
    ring_ = std::move(ring);
    capacity_ = grown;
    head_ = 0;
  }
  ++size_;
  if (i + 1 < size_) {
    // A late event's new bucket goes before newer ones: rare, and short.
    for (uint32_t k = size_ - 1; k > i; --k) bucket_at(k) = std::move(bucket_at(k - 1));
    bucket_at(i).distinct.clear();  // moved from: make sure it holds nothing
  }
  Bucket& slot = bucket_at(i);
  slot.index = index;
  slot.count = 1;
  slot.sum = amount;
  slot.sum_squares = static_cast<double>(amount) * static_cast<double>(amount);
  slot.min = amount;
  slot.max = amount;
  slot.distinct.start(distinct_key);
}

bool SlidingWindow::add(int64_t event_time, int64_t amount, uint64_t distinct_key) {
  if (newest_ != INT64_MIN && event_time <= newest_ - horizon_) return false;
  const int64_t index = bucket_index(event_time, width_);
  // The newest live bucket, when there is one, is the one holding newest_:
  // deciding from this header, not from the bucket, spares a dependent
  // cache miss on the common paths (a new newest bucket, or the same one).
  const bool live = size_ > 0;
  const int64_t newest_index = newest_ == INT64_MIN ? INT64_MIN : bucket_index(newest_, width_);
  newest_ = std::max(newest_, event_time);
  uint32_t position = size_;
  if (live && index == newest_index) {
    position = size_ - 1;
  } else if (live && index < newest_index) {
    position = first_at_least(index);
  }
  Bucket* bucket = position < size_ ? &bucket_at(position) : nullptr;
  if (!bucket || bucket->index != index) {
    insert_at(position, index, amount, distinct_key);
  } else {
    bucket->count += 1;
    bucket->sum += amount;
    bucket->sum_squares += static_cast<double>(amount) * static_cast<double>(amount);
    bucket->min = std::min(bucket->min, amount);
    bucket->max = std::max(bucket->max, amount);
    bucket->distinct.insert(distinct_key);
  }
  return true;
}

WindowStats SlidingWindow::stats(int64_t at, int64_t length, bool with_distinct) const {
  WindowStats s;
  int64_t last = bucket_index(at, width_);
  int64_t first = last - std::min(length, length_) / width_ + 1;  // (at - length, at] in whole buckets
  double squares = 0;
  std::vector<uint64_t>& distinct = key_scratch();
  bool any = false;
  size_t single = 0;  // distinct keys of a single bucket need no merge
  const Bucket* only = nullptr;
  for (uint32_t i = first_at_least(first); i < size_ && bucket_at(i).index <= last; ++i) {
    const Bucket* b = &bucket_at(i);
    s.count += b->count;
    s.sum += b->sum;
    squares += b->sum_squares;
    s.min = any ? std::min(s.min, b->min) : b->min;
    s.max = any ? std::max(s.max, b->max) : b->max;
    if (!with_distinct) {
      // totals only
    } else if (!any) {
      only = b;
      single = b->distinct.size();
    } else {
      if (only) {
        distinct.assign(only->distinct.begin(), only->distinct.end());
        only = nullptr;
      }
      distinct.insert(distinct.end(), b->distinct.begin(), b->distinct.end());
    }
    any = true;
  }
  finish_stats(s, squares, distinct);
  if (only) s.distinct = single;
  return s;
}

uint32_t SlidingWindow::end_at_most(int64_t index) const {
  uint32_t i = size_;
  while (i > 0 && bucket_at(i - 1).index > index) --i;
  return i;
}

void SlidingWindow::append_keys(int64_t after, int64_t until, std::vector<uint64_t>& out) const {
  const int64_t first = bucket_index(after, width_) + 1, last = bucket_index(until, width_);
  for (uint32_t i = end_at_most(last); i > 0 && bucket_at(i - 1).index >= first; --i) {
    out.insert(out.end(), bucket_at(i - 1).distinct.begin(), bucket_at(i - 1).distinct.end());
  }
}

void SlidingWindow::remove_seen(int64_t after, int64_t until, std::vector<uint64_t>& keys) const {
  const int64_t first = bucket_index(after, width_) + 1, last = bucket_index(until, width_);
  for (uint32_t i = end_at_most(last); i > 0 && !keys.empty() && bucket_at(i - 1).index >= first; --i) {
    for (uint64_t seen : bucket_at(i - 1).distinct) {
      if (!take_out(keys, seen)) return;
    }
  }
}

size_t new_distinct(const SlidingWindow& recent, const SlidingWindow& baseline, int64_t at, int64_t window,
                    int64_t length) {
  std::vector<uint64_t>& fresh = key_scratch();
  recent.append_keys(at - window, at, fresh);
  if (fresh.empty()) return 0;
  std::sort(fresh.begin(), fresh.end());
  fresh.erase(std::unique(fresh.begin(), fresh.end()), fresh.end());
  // Newest baseline bucket first: a regular counterparty is found within
  // a few days, and the search ends when every recent key has been found.
  baseline.remove_seen(at - length, at - window - baseline.bucket_width(), fresh);
  return fresh.size();
}

size_t SlidingWindow::memory_bytes() const {
  size_t bytes = sizeof(*this) + size_t{capacity_} * sizeof(Bucket);
  for (uint32_t i = 0; i < size_; ++i) bytes += bucket_at(i).distinct.heap_bytes();
  return bytes;
}

}  // namespace hafnium::services::monitoring
