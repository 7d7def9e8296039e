#include "services/monitoring/domain/detection/account_index.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace hafnium::services::monitoring::detection {
namespace {

TEST(AccountIndex, NumbersAccountsDenselyInOrderOfFirstAppearance) {
  AccountIndex index;
  EXPECT_EQ(index.find("A1"), std::nullopt);
  EXPECT_EQ(index.intern("A1"), std::make_pair(AccountIndex::Account{0}, true));
  EXPECT_EQ(index.intern("B2"), std::make_pair(AccountIndex::Account{1}, true));
  EXPECT_EQ(index.intern("A1"), std::make_pair(AccountIndex::Account{0}, false));
  EXPECT_EQ(index.find("B2"), AccountIndex::Account{1});
  EXPECT_EQ(index.name(1), "B2");
  EXPECT_EQ(index.size(), 2u);
  index.clear();
  EXPECT_EQ(index.find("A1"), std::nullopt);
  EXPECT_EQ(index.intern("B2").first, 0u);
}

TEST(AccountIndex, AgreesWithAMapOverManyNamesShortLongAndAlike) {
  // Inline names (up to 19 bytes), names only in the side list (longer),
  // names that differ in one byte or only in length, the empty name, and
  // enough of them to grow the table many times over.
  AccountIndex index;
  std::unordered_map<std::string, AccountIndex::Account> expected;
  std::mt19937_64 rng(5);
  std::vector<std::string> names = {"", "A", "AA", std::string(19, 'x'), std::string(20, 'x'), std::string(19, 'x') + "y",
                                    std::string("a\0b", 3), std::string("a\0c", 3)};
  for (int i = 0; i < 100'000; ++i) {
    std::string name = (rng() % 3 == 0 ? "IBAN-DE89370400440532013000-" : "ACC") + std::to_string(rng() % 80'000);
    names.push_back(std::move(name));
  }
  for (const auto& name : names) {
    auto [account, inserted] = index.intern(name);
    auto [it, fresh] = expected.try_emplace(name, static_cast<AccountIndex::Account>(expected.size()));
    ASSERT_EQ(inserted, fresh) << name;
    ASSERT_EQ(account, it->second) << name;
  }
  ASSERT_EQ(index.size(), expected.size());
  for (const auto& [name, account] : expected) {
    ASSERT_EQ(index.find(name), account) << name;
    ASSERT_EQ(index.name(account), name);
  }
  EXPECT_EQ(index.find("ACC-never"), std::nullopt);
  EXPECT_EQ(index.find(std::string(21, 'x')), std::nullopt);
  EXPECT_EQ(index.find(std::string(18, 'x')), std::nullopt);
}

}  // namespace
}  // namespace hafnium::services::monitoring::detection
