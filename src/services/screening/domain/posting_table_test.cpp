#include "services/screening/domain/posting_table.h"

#include <gtest/gtest.h>

#include <vector>

namespace hafnium::services::screening {
namespace {

std::vector<uint32_t> names(std::span<const uint32_t> span) { return {span.begin(), span.end()}; }

TEST(PostingTable, ListsEachNameOnceUnderItsKeysInOrder) {
  PostingTable table;
  table.add(42, 9);
  table.add(42, 3);
  table.add(42, 9);  // the same name again: listed once
  table.add(7, 3);
  table.add(0, 5);   // a key that hashes to zero is a key like any other
  table.build();
  EXPECT_EQ(names(table.names_with(42)), (std::vector<uint32_t>{3, 9}));
  EXPECT_EQ(names(table.names_with(7)), (std::vector<uint32_t>{3}));
  EXPECT_EQ(names(table.names_with(0)), (std::vector<uint32_t>{5}));
  EXPECT_TRUE(table.names_with(8).empty());
  EXPECT_EQ(table.key_count(), 3u);
}

TEST(PostingTable, FindsEveryKeyOfALargeTableThroughItsCollisions) {
  PostingTable table;
  // Keys that differ only in their high bits (a slot picked from low or
  // middle bits would put them all in one probe chain).
  for (uint32_t i = 0; i < 50'000; ++i) table.add(uint64_t{i} << 40 | 1, i);
  table.build();
  for (uint32_t i = 0; i < 50'000; ++i) {
    ASSERT_EQ(names(table.names_with(uint64_t{i} << 40 | 1)), (std::vector<uint32_t>{i})) << i;
  }
  EXPECT_TRUE(table.names_with(uint64_t{50'000} << 40 | 1).empty());
  EXPECT_TRUE(PostingTable().names_with(1).empty());
}

}  // namespace
}  // namespace hafnium::services::screening
