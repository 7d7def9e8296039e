#include "services/monitoring/domain/sliding_window.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hafnium::services::monitoring {

namespace {
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
}  // namespace

SlidingWindow::SlidingWindow(int64_t length_micros, int64_t bucket_micros, int64_t lateness_micros)
    : length_(length_micros), width_(bucket_micros), horizon_(length_micros + lateness_micros) {
  if (bucket_micros <= 0 || length_micros < bucket_micros || lateness_micros < 0) {
    throw std::invalid_argument("window length must be at least one bucket; bucket and lateness non-negative");
  }
}

void SlidingWindow::KeySet::insert(uint64_t key) {
  if (size_ == 0) {
    first_ = key;
    size_ = 1;
    return;
  }
  if (size_ == 1) {
    if (key == first_) return;
    rest_ = key < first_ ? std::vector<uint64_t>{key, first_} : std::vector<uint64_t>{first_, key};
    size_ = 2;
    return;
  }
  auto pos = std::lower_bound(rest_.begin(), rest_.end(), key);
  if (pos != rest_.end() && *pos == key) return;
  rest_.insert(pos, key);
  size_ = static_cast<uint32_t>(rest_.size());
}

void SlidingWindow::extend(int64_t length_micros) {
  const int64_t lateness = horizon_ - length_;
  length_ = std::max(length_, length_micros);
  horizon_ = length_ + lateness;
}

bool SlidingWindow::add(int64_t event_time, int64_t amount, uint64_t distinct_key) {
  if (newest_ != INT64_MIN && event_time <= newest_ - horizon_) return false;
  const int64_t index = floor_div(event_time, width_);
  // The newest live bucket, when there is one, is the one holding newest_:
  // deciding from this header, not from the bucket, spares a dependent
  // cache miss on the common paths (a new newest bucket, or the same one).
  const bool live = begin_ < buckets_.size();
  const int64_t previous_newest = newest_;
  const int64_t newest_index = newest_ == INT64_MIN ? INT64_MIN : floor_div(newest_, width_);
  newest_ = std::max(newest_, event_time);
  auto it = buckets_.end();
  if (live && index == newest_index) {
    it = buckets_.end() - 1;
  } else if (live && index < newest_index) {
    it = std::lower_bound(buckets_.begin() + static_cast<std::ptrdiff_t>(begin_), buckets_.end(), index,
                          [](const Bucket& b, int64_t i) { return b.index < i; });
  }
  if (it == buckets_.end() || it->index != index) {
    Bucket bucket;
    bucket.index = index;
    bucket.min = amount;
    bucket.max = amount;
    it = buckets_.insert(it, std::move(bucket));
  }
  it->count += 1;
  it->sum += amount;
  it->sum_squares += static_cast<double>(amount) * static_cast<double>(amount);
  it->min = std::min(it->min, amount);
  it->max = std::max(it->max, amount);
  it->distinct.insert(distinct_key);
  expire(previous_newest);
  return true;
}

void SlidingWindow::expire(int64_t previous_newest) {
  // Keep every bucket a late event or a query at `newest` can still need.
  // Buckets before the previous horizon went when it was reached: unless
  // the horizon moved to a later bucket, there is nothing to look at.
  const int64_t oldest_needed = floor_div(newest_ - horizon_, width_);
  if (previous_newest != INT64_MIN && oldest_needed == floor_div(previous_newest - horizon_, width_)) return;
  while (begin_ < buckets_.size() && buckets_[begin_].index < oldest_needed) {
    buckets_[begin_].distinct.clear();  // give the memory back now
    ++begin_;
  }
  if (begin_ > 0 && size_t{begin_} * 2 >= buckets_.size()) {
    buckets_.erase(buckets_.begin(), buckets_.begin() + static_cast<std::ptrdiff_t>(begin_));
    begin_ = 0;
  }
}

WindowStats SlidingWindow::stats(int64_t at, int64_t length, bool with_distinct) const {
  WindowStats s;
  int64_t last = floor_div(at, width_);
  int64_t first = last - std::min(length, length_) / width_ + 1;  // (at - length, at] in whole buckets
  double squares = 0;
  std::vector<uint64_t> distinct;
  bool any = false;
  auto from = std::lower_bound(buckets_.begin() + static_cast<std::ptrdiff_t>(begin_), buckets_.end(), first,
                               [](const Bucket& b, int64_t i) { return b.index < i; });
  size_t single = 0;  // distinct keys of a single bucket need no merge
  const Bucket* only = nullptr;
  for (auto b = from; b != buckets_.end() && b->index <= last; ++b) {
    s.count += b->count;
    s.sum += b->sum;
    squares += b->sum_squares;
    s.min = any ? std::min(s.min, b->min) : b->min;
    s.max = any ? std::max(s.max, b->max) : b->max;
    if (!with_distinct) {
      // totals only
    } else if (!any) {
      only = &*b;
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
  if (s.count > 0) {
    s.mean = static_cast<double>(s.sum) / static_cast<double>(s.count);
    double variance = squares / static_cast<double>(s.count) - s.mean * s.mean;
    s.stddev = variance > 0 ? std::sqrt(variance) : 0.0;
  }
  if (only) {
    s.distinct = single;
  } else {
    std::sort(distinct.begin(), distinct.end());
    s.distinct = static_cast<size_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin());
  }
  return s;
}

void SlidingWindow::append_keys(int64_t after, int64_t until, std::vector<uint64_t>& out) const {
  const int64_t first = floor_div(after, width_) + 1, last = floor_div(until, width_);
  auto from = std::lower_bound(buckets_.begin() + static_cast<std::ptrdiff_t>(begin_), buckets_.end(), first,
                               [](const Bucket& b, int64_t i) { return b.index < i; });
  for (auto b = from; b != buckets_.end() && b->index <= last; ++b) out.insert(out.end(), b->distinct.begin(), b->distinct.end());
}

size_t new_distinct(const SlidingWindow& recent, const SlidingWindow& baseline, int64_t at, int64_t window,
                    int64_t length) {
  std::vector<uint64_t> fresh, known;
  recent.append_keys(at - window, at, fresh);
  if (fresh.empty()) return 0;
  baseline.append_keys(at - length, at - window - baseline.bucket_width(), known);
  std::sort(fresh.begin(), fresh.end());
  fresh.erase(std::unique(fresh.begin(), fresh.end()), fresh.end());
  std::sort(known.begin(), known.end());
  size_t count = 0;
  for (uint64_t k : fresh) count += std::binary_search(known.begin(), known.end(), k) ? 0 : 1;
  return count;
}

size_t SlidingWindow::memory_bytes() const {
  size_t bytes = sizeof(*this) + buckets_.capacity() * sizeof(Bucket);
  for (const auto& b : buckets_) bytes += b.distinct.heap_bytes();
  return bytes;
}

}  // namespace hafnium::services::monitoring
