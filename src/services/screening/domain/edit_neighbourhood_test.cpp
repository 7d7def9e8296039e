#include "services/screening/domain/edit_neighbourhood.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace hafnium::services::screening {
namespace {

bool share_a_key(const std::string& a, const std::string& b) {
  std::vector<uint64_t> ka, kb;
  edit_neighbourhood(a, ka);
  edit_neighbourhood(b, kb);
  return std::any_of(ka.begin(), ka.end(), [&](uint64_t k) { return std::find(kb.begin(), kb.end(), k) != kb.end(); });
}

TEST(EditNeighbourhood, WordsOneEditApartShareAKeyWhereverTheEditIs) {
  EXPECT_TRUE(share_a_key("putin", "pudin"));          // substitution in the middle
  EXPECT_TRUE(share_a_key("lukashenko", "lukashnko"));  // a letter missing
  EXPECT_TRUE(share_a_key("hasan", "hassan"));          // a letter too many
  EXPECT_TRUE(share_a_key("rohani", "rouhani"));
  EXPECT_TRUE(share_a_key("jinping", "jinpign"));       // neighbours swapped
  EXPECT_TRUE(share_a_key("putin", "putin"));
  EXPECT_FALSE(share_a_key("putin", "pushkin"));        // more than one edit
  EXPECT_FALSE(share_a_key("sultan", "salman"));
}

TEST(EditNeighbourhood, ShortWordsHaveNoneAndADoubledLetterGivesOneVariant) {
  std::vector<uint64_t> keys;
  edit_neighbourhood("ali", keys);
  EXPECT_TRUE(keys.empty());
  EXPECT_FALSE(share_a_key("ali", "ari"));
  // The word, then one variant per letter but one for the two s's.
  edit_neighbourhood("hassan", keys);
  EXPECT_EQ(keys.size(), 6u);
  std::vector<uint64_t> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_TRUE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
}

}  // namespace
}  // namespace hafnium::services::screening
