#include "services/monitoring/domain/sliding_window.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

namespace hafnium::services::monitoring {
namespace {

constexpr int64_t kMinute = 60'000'000LL;
constexpr int64_t kHour = 60 * kMinute;

TEST(SlidingWindow, AggregatesWithinTheWindow) {
  SlidingWindow w(24 * kHour, kHour, 2 * kHour);
  int64_t t0 = 1000 * kHour;
  ASSERT_TRUE(w.add(t0, 100, 1));
  ASSERT_TRUE(w.add(t0 + kHour, 300, 2));
  ASSERT_TRUE(w.add(t0 + 2 * kHour, 200, 1));
  auto s = w.stats(t0 + 2 * kHour);
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.sum, 600);
  EXPECT_EQ(s.min, 100);
  EXPECT_EQ(s.max, 300);
  EXPECT_DOUBLE_EQ(s.mean, 200);
  EXPECT_NEAR(s.stddev, std::sqrt(20000.0 / 3.0), 1e-9);
  EXPECT_EQ(s.distinct, 2u);
  // A day later the first two have left the window.
  auto later = w.stats(t0 + 25 * kHour);
  EXPECT_EQ(later.count, 1);
  EXPECT_EQ(later.sum, 200);
}

TEST(SlidingWindow, LateEventsWithinLatenessLandInTheirBucket) {
  SlidingWindow w(kHour, kMinute, 10 * kMinute);
  int64_t t0 = 5000 * kHour;
  ASSERT_TRUE(w.add(t0, 10, 1));
  ASSERT_TRUE(w.add(t0 - 30 * kMinute, 20, 2));   // out of order, inside the window
  ASSERT_TRUE(w.add(t0 - 65 * kMinute, 40, 3));   // outside the window but within lateness: kept, not counted at t0
  EXPECT_FALSE(w.add(t0 - 80 * kMinute, 80, 4));  // too late to attribute: refused
  EXPECT_EQ(w.stats(t0).count, 2);
  EXPECT_EQ(w.stats(t0 - 10 * kMinute).sum, 60);  // an earlier view sees the late event
}

TEST(SlidingWindow, MemoryStaysBoundedUnderSteadyTraffic) {
  SlidingWindow w(24 * kHour, kHour, kHour);
  int64_t t = 0;
  for (int i = 0; i < 100000; ++i) {
    t += kMinute;
    w.add(t, 1, static_cast<uint64_t>(i % 7));
  }
  // 24 + lateness + the current one are live; expired buckets wait for
  // their slots to be wanted, in a ring of the next power of two.
  EXPECT_LE(w.bucket_count(), 32u);
  EXPECT_LT(w.memory_bytes(), 8 * 1024u);
}

TEST(SlidingWindow, MatchesABruteForceRecount) {
  std::mt19937_64 rng(42);
  SlidingWindow w(7 * 24 * kHour, kHour, 6 * kHour);
  struct Event { int64_t t; int64_t amount; uint64_t key; };
  std::vector<Event> accepted;
  int64_t newest = 0, base = 100000 * kHour;
  for (int i = 0; i < 5000; ++i) {
    int64_t t = base + static_cast<int64_t>(rng() % (30 * 24)) * kHour / 3 + static_cast<int64_t>(rng() % kHour);
    Event e{t, static_cast<int64_t>(rng() % 100000) + 1, rng() % 50};
    if (w.add(e.t, e.amount, e.key)) {
      accepted.push_back(e);
      newest = std::max(newest, e.t);
    }
  }
  for (int64_t at : {newest, newest - 2 * kHour, newest - 3 * kHour + 17}) {
    int64_t last = at / kHour, first = last - 7 * 24 + 1;
    int64_t count = 0, sum = 0;
    std::set<uint64_t> keys;
    for (const auto& e : accepted) {
      int64_t b = e.t / kHour;
      if (b < first || b > last) continue;
      ++count;
      sum += e.amount;
      keys.insert(e.key);
    }
    auto s = w.stats(at);
    EXPECT_EQ(s.count, count) << at;
    EXPECT_EQ(s.sum, sum);
    EXPECT_EQ(s.distinct, keys.size());
  }
}

TEST(SlidingWindow, StaysExactWhileItsBucketsWrapAroundTheRing) {
  // Months of traffic with disorder through a 24 h window: buckets expire
  // at the front and join at the back many times over (the ring wraps),
  // late events open buckets between live ones, and bursts grow the ring.
  // Checked against a recount along the way, not only at the end.
  std::mt19937_64 rng(7);
  SlidingWindow w(24 * kHour, kHour, 3 * kHour);
  struct Event { int64_t t; int64_t amount; uint64_t key; };
  std::vector<Event> accepted;
  int64_t clock = 200000 * kHour, newest = 0;
  for (int i = 0; i < 8000; ++i) {
    // Mostly quiet hours, sometimes a burst of many events per hour.
    clock += (i / 500) % 3 == 0 ? static_cast<int64_t>(rng() % (kHour / 20)) : static_cast<int64_t>(rng() % (3 * kHour));
    const int64_t t = clock - static_cast<int64_t>(rng() % (4 * kHour));  // up to 4 h late: some refused
    Event e{t, static_cast<int64_t>(rng() % 100000) + 1, rng() % 20};
    if (w.add(e.t, e.amount, e.key)) {
      accepted.push_back(e);
      newest = std::max(newest, e.t);
    } else {
      EXPECT_LE(e.t, newest - 27 * kHour) << "refused although within the window and the lateness";
    }
    // After every event: a damaged bucket must not expire unseen. Events
    // arrive at most 4 h out of order, so the recount walks back from the
    // newest until well past the window.
    const int64_t last = newest / kHour, first = last - 24 + 1;
    int64_t count = 0, sum = 0;
    std::set<uint64_t> keys;
    for (auto it = accepted.rbegin(); it != accepted.rend() && it->t >= newest - 40 * kHour; ++it) {
      const Event& a = *it;
      const int64_t b = a.t / kHour;
      if (b < first || b > last) continue;
      ++count;
      sum += a.amount;
      keys.insert(a.key);
    }
    auto s = w.stats(newest);
    ASSERT_EQ(s.count, count) << "after event " << i;
    EXPECT_EQ(s.sum, sum);
    EXPECT_EQ(s.distinct, keys.size());
    EXPECT_LE(w.bucket_count(), size_t{32});  // 24 + 3 + 2 live, in a ring of a power of two
  }
}

TEST(SlidingWindow, RefusesNonsenseSpecs) {
  EXPECT_THROW(SlidingWindow(kMinute, kHour, 0), std::invalid_argument);
  EXPECT_THROW(SlidingWindow(kHour, 0, 0), std::invalid_argument);
}

TEST(SlidingWindow, NewDistinctCountsCounterpartiesNotSeenBeforeTheRecentPart) {
  constexpr int64_t kHour = 3600LL * 1'000'000, kDay = 24 * kHour;
  SlidingWindow w(34 * kDay, kDay, kHour);
  const int64_t t0 = 100 * kDay;
  w.add(t0, 100, 1);            // an old counterparty
  w.add(t0 + 10 * kDay, 100, 2);
  w.add(t0 + 31 * kDay, 100, 1);  // recent, but known
  w.add(t0 + 32 * kDay, 100, 3);  // recent and new
  w.add(t0 + 33 * kDay, 100, 4);  // recent and new
  EXPECT_EQ(new_distinct(w, w, t0 + 33 * kDay, 4 * kDay, 34 * kDay), 2u);
  EXPECT_EQ(w.stats(t0 + 33 * kDay).distinct, 4u);
}

TEST(SlidingWindow, NewDistinctKeepsTheWindowAtItsOwnGranularity) {
  // A 4-day window in hourly buckets against a 30-day baseline in daily
  // ones: a sender 3.5 days back is in the window even though its day
  // started more than 4 days back.
  constexpr int64_t kHour = 3600LL * 1'000'000, kDay = 24 * kHour;
  SlidingWindow hours(4 * kDay, kHour, kHour), days(34 * kDay, kDay, kHour);
  const int64_t at = 140 * kDay + 6 * kHour;
  auto add = [&](int64_t time, uint64_t key) {
    hours.add(time, 100, key);
    days.add(time, 100, key);
  };
  add(at - 20 * kDay, 1);               // baseline
  add(at - 4 * kDay - 2 * kHour, 6);    // before the window, in the day it starts in: neither
  add(at - 3 * kDay - 12 * kHour, 5);   // in the window: new
  add(at - kDay, 1);                    // in the window, known from the baseline
  add(at - 10 * kHour, 7);              // new
  EXPECT_EQ(new_distinct(hours, days, at, 4 * kDay, 34 * kDay), 2u);
  // The same from the daily buckets alone loses the sender of 3.5 days ago.
  EXPECT_EQ(new_distinct(days, days, at, 4 * kDay, 34 * kDay), 1u);
}

TEST(SlidingWindow, NewDistinctAgreesWithACountOverTheRawEvents) {
  // Random streams (several counterparties a bucket, some late events),
  // counted again from the events themselves at every step: the baseline
  // search that stops once every recent key is found must count the same.
  constexpr int64_t kHour = 3600LL * 1'000'000, kDay = 24 * kHour;
  auto floor_div = [](int64_t a, int64_t b) { return a / b - ((a % b != 0 && a < 0) ? 1 : 0); };
  std::mt19937_64 rng(5);
  for (int stream = 0; stream < 20; ++stream) {
    SlidingWindow hours(4 * kDay, kHour, kHour), days(34 * kDay, kDay, kHour);
    struct Event {
      int64_t time;
      uint64_t key;
    };
    std::vector<Event> events;
    int64_t newest = 200 * kDay;
    const uint64_t counterparties = 2 + rng() % 12;
    for (int i = 0; i < 300; ++i) {
      newest += static_cast<int64_t>(rng() % (8 * kHour));
      const int64_t time = newest - static_cast<int64_t>(rng() % kHour);  // late by up to the lateness
      const uint64_t key = rng() % counterparties;
      ASSERT_TRUE(hours.add(time, 100, key));
      ASSERT_TRUE(days.add(time, 100, key));
      events.push_back({time, key});
      const int64_t at = newest;
      std::set<uint64_t> recent, known;
      for (const auto& e : events) {
        const int64_t hour = floor_div(e.time, kHour), day = floor_div(e.time, kDay);
        if (hour > floor_div(at - 4 * kDay, kHour) && hour <= floor_div(at, kHour)) recent.insert(e.key);
        if (day > floor_div(at - 34 * kDay, kDay) && day <= floor_div(at - 4 * kDay - kDay, kDay)) known.insert(e.key);
      }
      size_t expected = 0;
      for (uint64_t k : recent) expected += known.contains(k) ? 0 : 1;
      ASSERT_EQ(new_distinct(hours, days, at, 4 * kDay, 34 * kDay), expected) << "stream " << stream << " event " << i;
    }
  }
}

}  // namespace
}  // namespace hafnium::services::monitoring
