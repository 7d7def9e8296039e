#include "services/monitoring/repair_schedule.h"

#include <gtest/gtest.h>

namespace hafnium::services::monitoring {
namespace {

constexpr int64_t kSecond = 1'000'000;

TEST(RepairSchedule, TheFirstRebuildRunsAtOnceAndEachUnhelpfulOneWaitsTwiceAsLongUpTo30Seconds) {
  RepairSchedule schedule;
  int64_t now = 1000 * kSecond;
  EXPECT_TRUE(schedule.may_rebuild("t", now));
  // It did not help: the next one waits 1 s, then 2, 4, 8, 16, 30, 30.
  for (int64_t wait : {1, 2, 4, 8, 16, 30, 30}) {
    EXPECT_FALSE(schedule.may_rebuild("t", now + 1));
    EXPECT_FALSE(schedule.may_rebuild("t", now + wait * kSecond - 1)) << wait;
    now += wait * kSecond;
    EXPECT_TRUE(schedule.may_rebuild("t", now)) << wait;
  }
}

TEST(RepairSchedule, ACommitEndsTheWaitingAndOtherTenantsDoNotWait) {
  RepairSchedule schedule;
  const int64_t now = 1000 * kSecond;
  ASSERT_TRUE(schedule.may_rebuild("refused", now));
  ASSERT_TRUE(schedule.may_rebuild("refused", now + kSecond));
  EXPECT_FALSE(schedule.may_rebuild("refused", now + 2 * kSecond));
  EXPECT_TRUE(schedule.may_rebuild("other", now + 2 * kSecond));
  schedule.committed("refused");
  schedule.committed("other");
  EXPECT_TRUE(schedule.empty());
  EXPECT_TRUE(schedule.may_rebuild("refused", now + 2 * kSecond));
}

}  // namespace
}  // namespace hafnium::services::monitoring
