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
    : length_(length_micros), width_(bucket_micros), lateness_(lateness_micros) {
  if (width_ <= 0 || length_ < width_ || lateness_ < 0) {
    throw std::invalid_argument("window length must be at least one bucket; bucket and lateness non-negative");
  }
}

bool SlidingWindow::add(int64_t event_time, int64_t amount, uint64_t distinct_key) {
  if (newest_ != INT64_MIN && event_time <= newest_ - length_ - lateness_) return false;
  newest_ = std::max(newest_, event_time);
  int64_t index = floor_div(event_time, width_);
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), index,
                             [](const Bucket& b, int64_t i) { return b.index < i; });
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
  auto pos = std::lower_bound(it->distinct.begin(), it->distinct.end(), distinct_key);
  if (pos == it->distinct.end() || *pos != distinct_key) it->distinct.insert(pos, distinct_key);
  expire();
  return true;
}

void SlidingWindow::expire() {
  // Keep every bucket a late event or a query at `newest` can still need.
  int64_t oldest_needed = floor_div(newest_ - length_ - lateness_, width_);
  auto keep = std::lower_bound(buckets_.begin(), buckets_.end(), oldest_needed,
                               [](const Bucket& b, int64_t i) { return b.index < i; });
  buckets_.erase(buckets_.begin(), keep);
}

WindowStats SlidingWindow::stats(int64_t at) const {
  WindowStats s;
  int64_t last = floor_div(at, width_);
  int64_t first = last - length_ / width_ + 1;  // (at - length, at] in whole buckets
  double squares = 0;
  std::vector<uint64_t> distinct;
  bool any = false;
  for (const auto& b : buckets_) {
    if (b.index < first || b.index > last) continue;
    s.count += b.count;
    s.sum += b.sum;
    squares += b.sum_squares;
    s.min = any ? std::min(s.min, b.min) : b.min;
    s.max = any ? std::max(s.max, b.max) : b.max;
    any = true;
    distinct.insert(distinct.end(), b.distinct.begin(), b.distinct.end());
  }
  if (s.count > 0) {
    s.mean = static_cast<double>(s.sum) / static_cast<double>(s.count);
    double variance = squares / static_cast<double>(s.count) - s.mean * s.mean;
    s.stddev = variance > 0 ? std::sqrt(variance) : 0.0;
  }
  std::sort(distinct.begin(), distinct.end());
  s.distinct = static_cast<size_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin());
  return s;
}

size_t SlidingWindow::new_distinct(int64_t at, int64_t recent) const {
  int64_t last = floor_div(at, width_);
  int64_t first = last - length_ / width_ + 1;
  int64_t split = floor_div(at - recent, width_);  // buckets after it are recent
  std::vector<uint64_t> before, after;
  for (const auto& b : buckets_) {
    if (b.index < first || b.index > last) continue;
    auto& into = b.index > split ? after : before;
    into.insert(into.end(), b.distinct.begin(), b.distinct.end());
  }
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  after.erase(std::unique(after.begin(), after.end()), after.end());
  size_t fresh = 0;
  for (uint64_t k : after) fresh += std::binary_search(before.begin(), before.end(), k) ? 0 : 1;
  return fresh;
}

size_t SlidingWindow::memory_bytes() const {
  size_t bytes = sizeof(*this) + buckets_.capacity() * sizeof(Bucket);
  for (const auto& b : buckets_) bytes += b.distinct.capacity() * sizeof(uint64_t);
  return bytes;
}

void SlidingWindow::restore(std::vector<Bucket> buckets, int64_t newest) {
  buckets_ = std::move(buckets);
  newest_ = newest;
  std::sort(buckets_.begin(), buckets_.end(), [](const Bucket& a, const Bucket& b) { return a.index < b.index; });
}

}  // namespace hafnium::services::monitoring
