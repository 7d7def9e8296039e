#include "services/monitoring/domain/payment_log.h"

#include <algorithm>
#include <cstring>

namespace hafnium::services::monitoring {

void PaymentLog::move_to_buckets(uint32_t slot) {
  entries_.reset();
  size_ = 0;
  capacity_log2_ = 0;
  bucket_slot_ = slot;
}

void PaymentLog::insert(const LoggedPayment& payment, int64_t stale) {
  if (size_ == capacity()) {
    if (size_ > 0) forget_through(stale);
    // Grown when still more than three quarters full, so that the next
    // forgetting is a quarter of the list or more away.
    if (size_ * 4 > capacity() * 3 || size_ == capacity()) grow();
  }
  // Its place, found from the newest end: payments arrive nearly in order.
  uint32_t at = size_;
  while (at > 0 && entries_[at - 1].time > payment.time) --at;
  if (at < size_) std::memmove(&entries_[at + 1], &entries_[at], (size_ - at) * sizeof(LoggedPayment));
  entries_[at] = payment;
  ++size_;
}

void PaymentLog::grow() { reallocate(entries_ ? static_cast<uint8_t>(capacity_log2_ + 1) : 2); }

void PaymentLog::reallocate(uint8_t capacity_log2) {
  auto entries = std::make_unique_for_overwrite<LoggedPayment[]>(size_t{1} << capacity_log2);
  if (size_ > 0) std::memcpy(entries.get(), entries_.get(), size_ * sizeof(LoggedPayment));
  entries_ = std::move(entries);
  capacity_log2_ = capacity_log2;
}

void PaymentLog::forget_through(int64_t time) {
  uint32_t gone = 0;
  while (gone < size_ && entries_[gone].time <= time) ++gone;
  if (gone == 0) return;
  size_ = static_cast<uint16_t>(size_ - gone);
  std::memmove(&entries_[0], &entries_[gone], size_t{size_} * sizeof(LoggedPayment));
  if (size_ == 0) {
    entries_.reset();
    capacity_log2_ = 0;
    return;
  }
  // Three quarters of the list or more gone: give the memory back (an
  // account that paid a burst and went quiet).
  if (size_ * 4 <= capacity() && capacity_log2_ > 2) {
    uint8_t fits = 2;
    while ((size_t{1} << fits) < size_ * 2u) ++fits;
    reallocate(fits);
  }
}

namespace {
// Calls f(payment) for the payments `level` took whose bucket of `width`
// lies in [first, last], newest first, until f returns false. The buckets
// become a span of time once, so that no payment costs a division.
template <typename F>
void for_each_in(const LoggedPayment* begin, const LoggedPayment* end, uint32_t level, int64_t width, int64_t first,
                 int64_t last, F&& f) {
  const int64_t from = first * width, until = (last + 1) * width;  // [from, until)
  for (const LoggedPayment* p = end; p != begin;) {
    --p;
    if (p->time < from) return;
    if (p->time >= until || (p->levels & level) == 0) continue;
    if (!f(*p)) return;
  }
}
}  // namespace

WindowStats PaymentLog::stats(uint32_t level, int64_t width, int64_t at, int64_t length, bool with_distinct) const {
  WindowStats s;
  const int64_t last = bucket_index(at, width), first = last - length / width + 1;
  double squares = 0;
  std::vector<uint64_t>& keys = key_scratch();
  for_each_in(begin(), end(), level, width, first, last, [&](const LoggedPayment& p) {
    s.min = s.count == 0 ? p.amount : std::min(s.min, p.amount);
    s.max = s.count == 0 ? p.amount : std::max(s.max, p.amount);
    s.count += 1;
    s.sum += p.amount;
    squares += static_cast<double>(p.amount) * static_cast<double>(p.amount);
    if (with_distinct) keys.push_back(p.key);
    return true;
  });
  finish_stats(s, squares, keys);
  return s;
}

void PaymentLog::append_keys(uint32_t level, int64_t width, int64_t after, int64_t until,
                             std::vector<uint64_t>& out) const {
  for_each_in(begin(), end(), level, width, bucket_index(after, width) + 1, bucket_index(until, width),
              [&](const LoggedPayment& p) {
                out.push_back(p.key);
                return true;
              });
}

void PaymentLog::remove_seen(uint32_t level, int64_t width, int64_t after, int64_t until,
                             std::vector<uint64_t>& keys) const {
  if (keys.empty()) return;
  for_each_in(begin(), end(), level, width, bucket_index(after, width) + 1, bucket_index(until, width),
              [&](const LoggedPayment& p) { return take_out(keys, p.key); });
}

size_t new_distinct(const PaymentLog& log, uint32_t recent, int64_t recent_width, uint32_t baseline,
                    int64_t baseline_width, int64_t at, int64_t window, int64_t length) {
  std::vector<uint64_t>& fresh = key_scratch();
  log.append_keys(recent, recent_width, at - window, at, fresh);
  if (fresh.empty()) return 0;
  std::sort(fresh.begin(), fresh.end());
  fresh.erase(std::unique(fresh.begin(), fresh.end()), fresh.end());
  log.remove_seen(baseline, baseline_width, at - length, at - window - baseline_width, fresh);
  return fresh.size();
}

}  // namespace hafnium::services::monitoring
