// Candidate generation: what the index must offer the matcher.
#include "services/screening/domain/watchlist_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace hafnium::services::screening {
namespace {

WatchlistEntity entity(const std::string& id, EntityKind kind, const std::string& name) {
  WatchlistEntity e;
  e.list = "custom:test";
  e.id = id;
  e.kind = kind;
  e.names.push_back({name, NameStrength::kStrong, true, {}});
  return e;
}

// The ids of the entities whose names the index offers for `query`.
std::vector<std::string> offered(const WatchlistIndex& index, const std::string& query, EntityKind kind,
                                 size_t limit = 64) {
  std::vector<std::string> ids;
  for (uint32_t name : index.candidates(normalize_name(query, kind), limit)) {
    ids.push_back(index.entities()[index.name(name).entity].id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Two thousand names sharing nothing with the tests' names, so that the
// words those share are as rare as they are on the lists: a key's weight
// is its rarity among all the names.
void add_unrelated_names(std::vector<WatchlistEntity>& entities) {
  for (int i = 0; i < 2000; ++i) {
    entities.push_back(entity("o" + std::to_string(i), EntityKind::kPerson,
                              "Given" + std::to_string(i) + " Family" + std::to_string(i)));
  }
}

bool offers(const WatchlistIndex& index, const std::string& query, EntityKind kind, const std::string& id,
            size_t limit = 64) {
  auto ids = offered(index, query, kind, limit);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(WatchlistIndex, OffersAOneLetterSlipAmongManyNamesSharingTheOtherWord) {
  // A hundred Vladimirs: the exact given name alone cannot rank Putin
  // among the first ten; the slip in the family name has to.
  std::vector<WatchlistEntity> entities;
  for (int i = 0; i < 100; ++i) {
    entities.push_back(entity("v" + std::to_string(i), EntityKind::kPerson, "Vladimir Surname" + std::string(1, char('a' + i % 26)) + std::to_string(i)));
  }
  entities.push_back(entity("putin", EntityKind::kPerson, "Vladimir Putin"));
  WatchlistIndex index(std::move(entities));
  EXPECT_TRUE(offers(index, "Vladimir Pudin", EntityKind::kPerson, "putin", 10));     // substituted
  EXPECT_TRUE(offers(index, "Vladimir Puttin", EntityKind::kPerson, "putin", 10));    // inserted
  EXPECT_TRUE(offers(index, "Vladimir Ptin", EntityKind::kPerson, "putin", 10));      // left out
  EXPECT_TRUE(offers(index, "Vladimir Ptuin", EntityKind::kPerson, "putin", 10));     // swapped
  EXPECT_FALSE(offers(index, "Vladimir Pushkin", EntityKind::kPerson, "putin", 10));  // another name
}

// Names that gather the same weight from a query's keys tie; the shorter
// goes first, as more of it is what the query holds.
TEST(WatchlistIndex, OffersTheShorterOfNamesTheQueryMeetsAlike) {
  std::vector<WatchlistEntity> entities;
  for (int i = 0; i < 30; ++i) {
    entities.push_back(entity("long" + std::to_string(i), EntityKind::kPerson,
                              "Mohammad Ahmad Surname" + std::string(1, char('a' + i % 26)) + " Other" + std::to_string(i)));
  }
  entities.push_back(entity("short", EntityKind::kPerson, "Mohammad Ahmad"));
  for (int i = 30; i < 60; ++i) {
    entities.push_back(entity("long" + std::to_string(i), EntityKind::kPerson,
                              "Mohammad Ahmad Surname" + std::string(1, char('a' + i % 26)) + " Other" + std::to_string(i)));
  }
  WatchlistIndex index(std::move(entities));
  EXPECT_EQ(offered(index, "Mohammad Ahmed", EntityKind::kPerson, 1), std::vector<std::string>{"short"});
}

// The lists hold hundreds of names with محمد, in Latin letters and in
// Arabic script. A word of the query counts once for a name, by the best
// key they share: counted once per key, the names in Arabic script, which
// share the word's letters as well as its skeleton, went before every
// Latin spelling.
TEST(WatchlistIndex, OffersTheLatinSpellingOfANameFromAnAbjadAmongManySharingItsWords) {
  std::vector<WatchlistEntity> entities;
  const std::vector<std::string> others = {"رضا", "علي", "حسن", "كريم", "جواد", "صادق", "امین", "نور", "باقر", "هادي"};
  for (int i = 0; i < 40; ++i) {
    entities.push_back(entity("ar" + std::to_string(i), EntityKind::kPerson,
                              "محمد " + others[i % others.size()] + " " + others[(i / 10 + 3) % others.size()]));
  }
  add_unrelated_names(entities);  // so that محمد is as rare a word as on the lists
  entities.push_back(entity("ahmadi", EntityKind::kPerson, "MOHAMMAD AHMADI"));
  WatchlistIndex index(std::move(entities));
  EXPECT_TRUE(offers(index, "محمد احمدی", EntityKind::kPerson, "ahmadi", 8));
}

// Arabic script writes the article into the word (الاسد), Latin spellings
// apart (AL-ASSAD): among the lists' many Mahers, the Latin name's article
// and word together must meet the one Arabic word.
TEST(WatchlistIndex, OffersALatinArticleAndWordForOneWordOfAnAbjad) {
  std::vector<WatchlistEntity> entities;
  for (int i = 0; i < 30; ++i) {
    entities.push_back(entity("maher" + std::to_string(i), EntityKind::kPerson,
                              "Maher Surname" + std::string(1, char('a' + i % 26)) + std::to_string(i)));
  }
  add_unrelated_names(entities);
  entities.push_back(entity("assad", EntityKind::kPerson, "Maher AL-ASSAD"));
  WatchlistIndex index(std::move(entities));
  EXPECT_TRUE(offers(index, "ماهر الاسد", EntityKind::kPerson, "assad", 8));
}

TEST(WatchlistIndex, OffersJoinedNamesAndOrganisationsAcronymsButNoPersonsInitials) {
  std::vector<WatchlistEntity> entities;
  entities.push_back(entity("irgc", EntityKind::kOrganisation, "Islamic Revolutionary Guard Corps"));
  entities.push_back(entity("polpot", EntityKind::kPerson, "Pol Pot"));
  entities.push_back(entity("sam", EntityKind::kOrganisation, "SAM"));
  WatchlistIndex index(std::move(entities));
  EXPECT_TRUE(offers(index, "IRGC", EntityKind::kOrganisation, "irgc"));
  EXPECT_TRUE(offers(index, "PolPot", EntityKind::kPerson, "polpot"));
  // Susan Amanda Mathews is not "SAM", and "IRGC" asked as a person's
  // name is not an abbreviation.
  EXPECT_FALSE(offers(index, "Susan Amanda Mathews", EntityKind::kPerson, "sam"));
  EXPECT_FALSE(offers(index, "IRGC", EntityKind::kPerson, "irgc"));
}

}  // namespace
}  // namespace hafnium::services::screening
