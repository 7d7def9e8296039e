#include "services/monitoring/repair_schedule.h"

#include <gtest/gtest.h>

namespace hafnium::services::monitoring {
namespace {

constexpr int64_t kSecond = 1'000'000;

// One rebuild that did not help: the tenant's evaluations failed again.
void rebuild_in_vain(RepairSchedule& schedule, const std::string& tenant, int64_t ended) {
  schedule.rebuilding(tenant);
  schedule.rebuilt(tenant, ended);
  schedule.failed(tenant);
}

TEST(RepairSchedule, TheFirstRebuildRunsAtOnceAndEachUnhelpfulOneWaitsTwiceAsLongUpTo30Seconds) {
  RepairSchedule schedule;
  int64_t now = 1000 * kSecond;
  EXPECT_FALSE(schedule.due("t", now));
  schedule.failed("t");
  EXPECT_TRUE(schedule.due("t", now));
  rebuild_in_vain(schedule, "t", now);
  // The next one waits 1 s after it, then 2, 4, 8, 16, 30, 30.
  for (int64_t wait : {1, 2, 4, 8, 16, 30, 30}) {
    EXPECT_FALSE(schedule.due("t", now + 1));
    EXPECT_FALSE(schedule.due("t", now + wait * kSecond - 1)) << wait;
    now += wait * kSecond;
    EXPECT_TRUE(schedule.due("t", now)) << wait;
    rebuild_in_vain(schedule, "t", now);
  }
}

TEST(RepairSchedule, TheWaitCountsFromTheEndOfTheLastRebuild) {
  RepairSchedule schedule;
  const int64_t now = 1000 * kSecond;
  schedule.failed("t");
  rebuild_in_vain(schedule, "t", now + 5 * kSecond);  // a rebuild that took 5 s
  EXPECT_FALSE(schedule.due("t", now + 5 * kSecond + kSecond - 1));
  EXPECT_TRUE(schedule.due("t", now + 5 * kSecond + kSecond));
}

TEST(RepairSchedule, ARebuildingTenantIsBehindButNotBrokenUntilItFailsAgainOrCommits) {
  RepairSchedule schedule;
  const int64_t now = 1000 * kSecond;
  schedule.failed("t");
  EXPECT_TRUE(schedule.broken("t"));
  EXPECT_EQ(schedule.broken_tenants(), std::vector<std::string>{"t"});
  schedule.rebuilding("t");
  EXPECT_FALSE(schedule.broken("t"));
  EXPECT_FALSE(schedule.due("t", now));
  EXPECT_TRUE(schedule.broken_tenants().empty());
  EXPECT_EQ(schedule.behind(), 1u);
  // A failure during the rebuild breaks it again; the rebuild's end keeps that.
  schedule.failed("t");
  schedule.rebuilt("t", now);
  EXPECT_TRUE(schedule.broken("t"));
  schedule.committed("t");
  EXPECT_EQ(schedule.behind(), 0u);
}

TEST(RepairSchedule, ACommitDuringARebuildLeavesTheTenantNeitherBrokenNorBehind) {
  RepairSchedule schedule;
  schedule.failed("t");
  schedule.rebuilding("t");
  schedule.committed("t");
  schedule.rebuilt("t", 1000 * kSecond);
  EXPECT_TRUE(schedule.empty());
  EXPECT_FALSE(schedule.broken("t"));
}

TEST(RepairSchedule, ACommitEndsTheWaitingAndOtherTenantsDoNotWait) {
  RepairSchedule schedule;
  const int64_t now = 1000 * kSecond;
  schedule.failed("refused");
  rebuild_in_vain(schedule, "refused", now);
  rebuild_in_vain(schedule, "refused", now + kSecond);
  EXPECT_FALSE(schedule.due("refused", now + 2 * kSecond));
  schedule.failed("other");
  EXPECT_TRUE(schedule.due("other", now + 2 * kSecond));
  EXPECT_EQ(schedule.behind(), 2u);
  schedule.committed("refused");
  schedule.committed("other");
  EXPECT_TRUE(schedule.empty());
  schedule.failed("refused");
  EXPECT_TRUE(schedule.due("refused", now + 2 * kSecond));
}

}  // namespace
}  // namespace hafnium::services::monitoring
