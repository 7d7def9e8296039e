#include "services/monitoring/domain/payment_log.h"

#include <gtest/gtest.h>

#include <random>

namespace hafnium::services::monitoring {
namespace {

constexpr int64_t kMinute = 60LL * 1'000'000, kHour = 60 * kMinute, kDay = 24 * kHour;

LoggedPayment paid(int64_t time, int64_t amount, uint64_t key, uint32_t levels = 1) {
  return LoggedPayment{time, amount, key, levels};
}

std::vector<int64_t> times(const PaymentLog& log) {
  std::vector<int64_t> out;
  for (const auto& p : log) out.push_back(p.time);
  return out;
}

TEST(PaymentLog, KeepsEventTimeOrderAndForgetsFromTheOldEnd) {
  PaymentLog log;
  for (int64_t t : {10, 30, 20, 30, 5}) log.insert(paid(t, t, 0), INT64_MIN);
  EXPECT_EQ(times(log), (std::vector<int64_t>{5, 10, 20, 30, 30}));
  log.forget_through(10);
  EXPECT_EQ(times(log), (std::vector<int64_t>{20, 30, 30}));
  log.forget_through(100);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.heap_bytes(), 0u);  // an emptied list gives its memory back
}

TEST(PaymentLog, AFullListDropsWhatIsStaleBeforeGrowing) {
  PaymentLog log;
  for (int64_t t = 1; t <= 8; ++t) log.insert(paid(t, 1, 0), INT64_MIN);
  const size_t full = log.heap_bytes();
  // Full at 8: the six payments at or before 6 are stale and make room.
  log.insert(paid(9, 1, 0), 6);
  EXPECT_EQ(times(log), (std::vector<int64_t>{7, 8, 9}));
  EXPECT_LE(log.heap_bytes(), full);
  // Nothing stale: it grows and keeps everything.
  for (int64_t t = 10; t <= 20; ++t) log.insert(paid(t, 1, 0), 0);
  EXPECT_EQ(log.size(), 14u);
}

TEST(PaymentLog, RenumberingMovesLevelsAndNewestTimesAndDropsWhatNoLevelTakes) {
  PaymentLog log;
  log.insert(paid(1, 1, 0, 0b01), INT64_MIN);
  log.insert(paid(2, 1, 0, 0b10), INT64_MIN);
  log.insert(paid(3, 1, 0, 0b11), INT64_MIN);
  log.saw(0, 3);
  log.saw(1, 2);
  // Old bit 1 becomes bit 0; old bit 0 is gone. New track 0 was track 1.
  std::array<uint32_t, PaymentLog::kTracks> from;
  from.fill(PaymentLog::kNoSlot);
  from[0] = 1;
  log.renumber([](uint32_t levels) { return (levels & 0b10) ? 1u : 0u; }, from);
  EXPECT_EQ(times(log), (std::vector<int64_t>{2, 3}));
  for (const auto& p : log) EXPECT_EQ(p.levels, 1u);
  EXPECT_EQ(log.newest(0), 2);
  EXPECT_EQ(log.newest(1), INT64_MIN);
}

// The list answers what a ring of buckets fed the same payments answers,
// for every read a rule makes, over a stream with disorder within the
// lateness and a level that takes only some payments.
TEST(PaymentLog, AnswersAsTheBucketsDo) {
  std::mt19937_64 rng(17);
  SlidingWindow hours(7 * kDay, kHour, kHour), days(40 * kDay, kDay, kHour), big(7 * kDay, kHour, kHour);
  PaymentLog log;
  int64_t clock = 1'700'000'000LL * 1'000'000;
  for (int i = 0; i < 4000; ++i) {
    clock += static_cast<int64_t>(rng() % (3 * kHour));
    const int64_t at = clock - static_cast<int64_t>(rng() % (50 * kMinute));
    const int64_t amount = static_cast<int64_t>(rng() % 100'000);
    const uint64_t key = rng() % 30;
    uint32_t levels = 0b011;
    ASSERT_TRUE(hours.add(at, amount, key));
    ASSERT_TRUE(days.add(at, amount, key));
    if (amount >= 50'000) {  // the third level is a filtered track's
      ASSERT_TRUE(big.add(at, amount, key));
      levels |= 0b100;
    }
    log.insert(paid(at, amount, key, levels), at - 41 * kDay);
    for (auto [level, window, width, length] :
         {std::tuple{&hours, 1u, kHour, 24 * kHour}, std::tuple{&hours, 1u, kHour, 7 * kDay},
          std::tuple{&days, 2u, kDay, 30 * kDay}, std::tuple{&big, 4u, kHour, 4 * kDay}}) {
      const WindowStats want = level->stats(at, length), have = log.stats(window, width, at, length, true);
      ASSERT_EQ(want.count, have.count) << i;
      ASSERT_EQ(want.sum, have.sum) << i;
      ASSERT_EQ(want.min, have.min) << i;
      ASSERT_EQ(want.max, have.max) << i;
      ASSERT_EQ(want.distinct, have.distinct) << i;
      ASSERT_NEAR(want.stddev, have.stddev, 1e-6 * (1 + want.stddev)) << i;
    }
    ASSERT_EQ(new_distinct(hours, days, at, 4 * kDay, 34 * kDay), new_distinct(log, 1, kHour, 2, kDay, at, 4 * kDay, 34 * kDay))
        << i;
  }
}

}  // namespace
}  // namespace hafnium::services::monitoring
