#include "services/monitoring/repair_schedule.h"

#include <gtest/gtest.h>

namespace hafnium::services::monitoring {
namespace {

constexpr int64_t kSecond = 1'000'000;

TEST(RepairSchedule, TheFirstRebuildRunsAtOnceAndEachUnhelpfulOneWaitsTwiceAsLongUpTo30Seconds) {
  RepairSchedule schedule;
  int64_t now = 1000 * kSecond;
  EXPECT_TRUE(schedule.due("t", now));
  schedule.rebuilt("t", now);
  // It did not help: the next one waits 1 s after it, then 2, 4, 8, 16, 30, 30.
  for (int64_t wait : {1, 2, 4, 8, 16, 30, 30}) {
    EXPECT_FALSE(schedule.due("t", now + 1));
    EXPECT_FALSE(schedule.due("t", now + wait * kSecond - 1)) << wait;
    now += wait * kSecond;
    EXPECT_TRUE(schedule.due("t", now)) << wait;
    schedule.rebuilt("t", now);
  }
}

TEST(RepairSchedule, TheWaitCountsFromTheEndOfTheLastRebuild) {
  RepairSchedule schedule;
  const int64_t now = 1000 * kSecond;
  schedule.rebuilt("t", now + 5 * kSecond);  // a rebuild that took 5 s
  EXPECT_FALSE(schedule.due("t", now + 5 * kSecond + kSecond - 1));
  EXPECT_TRUE(schedule.due("t", now + 5 * kSecond + kSecond));
}

TEST(RepairSchedule, ACommitEndsTheWaitingAndOtherTenantsDoNotWait) {
  RepairSchedule schedule;
  const int64_t now = 1000 * kSecond;
  schedule.rebuilt("refused", now);
  schedule.rebuilt("refused", now + kSecond);
  EXPECT_FALSE(schedule.due("refused", now + 2 * kSecond));
  EXPECT_TRUE(schedule.due("other", now + 2 * kSecond));
  schedule.committed("refused");
  schedule.committed("other");
  EXPECT_TRUE(schedule.empty());
  EXPECT_TRUE(schedule.due("refused", now + 2 * kSecond));
}

}  // namespace
}  // namespace hafnium::services::monitoring
