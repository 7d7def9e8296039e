// The screener over an index: candidates, name scores and the attributes
// that raise or lower them (birth date, country, entity type, identifiers).
#include <gtest/gtest.h>

#include <set>

#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/screener.h"

namespace hafnium::services::screening {
namespace {

std::string lists() { return std::string(HAFNIUM_SOURCE_DIR) + "/data/lists"; }

WatchlistEntity listed(const std::string& id, EntityKind kind, const std::string& name) {
  WatchlistEntity e;
  e.list = "custom:test";
  e.id = id;
  e.kind = kind;
  e.names = {{name, NameStrength::kStrong, true, {}}};
  return e;
}

Party party(const std::string& name, EntityKind kind) {
  Party p;
  p.name = name;
  p.kind = kind;
  return p;
}

TEST(Screener, AnEntitysExactNameExplainsItsMatchWhenAttributesCapTheScore) {
  // The same person listed twice, the variant spelling first or second:
  // the birth date lifts both names to the capped 1.0, and the exact name
  // is the one the analyst is shown, whatever the order.
  std::vector<WatchlistEntity> entities;
  for (int order = 0; order < 2; ++order) {
    WatchlistEntity e;
    e.list = "custom:test";
    e.id = "p" + std::to_string(order);
    e.kind = EntityKind::kPerson;
    e.names = {{"Vladimir Vladimirovitj PUTIN", NameStrength::kStrong, true, {}},
               {"Vladimir Vladimirovich PUTIN", NameStrength::kStrong, false, {}}};
    if (order == 1) std::swap(e.names[0], e.names[1]);
    e.birth_dates = {"1952-10-07"};
    entities.push_back(std::move(e));
  }
  Screener screener(std::make_shared<const WatchlistIndex>(std::move(entities)));
  Party putin;
  putin.name = "Vladimir Vladimirovich Putin";
  putin.kind = EntityKind::kPerson;
  putin.birth_date = "1952-10-07";
  auto matches = screener.screen(putin);
  ASSERT_EQ(matches.size(), 2u);
  for (const auto& m : matches) {
    EXPECT_DOUBLE_EQ(m.score, 1.0);
    EXPECT_DOUBLE_EQ(m.name_score, 1.0) << m.entity_id << " " << m.matched_name;
    EXPECT_EQ(m.matched_name, "Vladimir Vladimirovich PUTIN") << m.entity_id;
  }
}

TEST(Screener, FindsListedPeopleByNameAttributesAndIdentifiers) {
  auto index = std::make_shared<const WatchlistIndex>(load_lists(bundled_lists(lists())));
  Screener screener(index);
  Party party;
  party.name = "Ayman al-Zawahiri";
  party.kind = EntityKind::kPerson;
  party.birth_date = "1951-06-19";
  auto matches = screener.screen(party);
  ASSERT_FALSE(matches.empty());
  bool found = false;
  for (const auto& m : matches) found = found || (m.list == "ofac-sdn" && m.entity_id == "2676");
  EXPECT_TRUE(found);
  EXPECT_GT(matches[0].score, 0.8);

  Party by_passport;
  by_passport.name = "Somebody Else Entirely";
  by_passport.identifiers.push_back({"passport", "1084010", "EG"});
  auto decisive = screener.screen(by_passport);
  ASSERT_FALSE(decisive.empty());
  EXPECT_DOUBLE_EQ(decisive[0].score, 1.0);
  EXPECT_EQ(decisive[0].reasons[0], "identifier_match");

  Party nobody;
  nobody.name = "Patricia Lucas Wheeler";
  nobody.kind = EntityKind::kPerson;
  EXPECT_TRUE(screener.screen(nobody).empty());

  // A slip in a famous name finds him on every list that holds him, not
  // only under the alias that happens to rank first among the lists'
  // hundreds of Vladimirs.
  Party slip;
  slip.name = "Vladimir Pudin";
  slip.kind = EntityKind::kPerson;
  std::set<std::string> lists_found;
  for (const auto& m : screener.screen(slip)) {
    if ((m.list == "uk" && m.entity_id == "RUS0251") || (m.list == "eu" && m.entity_id == "135909") ||
        (m.list == "ofac-sdn" && m.entity_id == "35096")) {
      lists_found.insert(m.list);
    }
  }
  EXPECT_EQ(lists_found, (std::set<std::string>{"eu", "ofac-sdn", "uk"}));

  std::set<std::string> only_un = {"un"};
  ScreeningOptions options;
  options.lists = &only_un;
  for (const auto& m : screener.screen(party, options)) EXPECT_EQ(m.list, "un");
}

TEST(Screener, APersonIsNoCompanyOrVesselUnlessTheNameAgreesAllButExactly) {
  std::vector<WatchlistEntity> entities;
  entities.push_back(listed("vessel", EntityKind::kVessel, "EMILY S"));
  entities.push_back(listed("company", EntityKind::kOrganisation, "AL-HISN"));
  Screener screener(std::make_shared<const WatchlistIndex>(std::move(entities)));

  // A given name, and a family name ("Sarhan Al Hasan", in Arabic script)
  // whose consonants are the company's one word: flagged while the party's
  // type is unknown, not for a person.
  EXPECT_TRUE(screener.screen(party("Emily Snyder", EntityKind::kPerson)).empty());
  EXPECT_TRUE(screener.screen(party("سرحان آل حسن", EntityKind::kPerson)).empty());
  const auto untyped = screener.screen(party("سرحان آل حسن", EntityKind::kUnknown));
  ASSERT_EQ(untyped.size(), 1u);
  EXPECT_EQ(untyped[0].entity_id, "company");
  EXPECT_TRUE(std::find(untyped[0].reasons.begin(), untyped[0].reasons.end(), "entity_type_mismatch") ==
              untyped[0].reasons.end());

  // The exact name is still flagged, with the type's contribution shown.
  const auto exact = screener.screen(party("Emily S", EntityKind::kPerson));
  ASSERT_EQ(exact.size(), 1u);
  EXPECT_EQ(exact[0].entity_id, "vessel");
  EXPECT_DOUBLE_EQ(exact[0].name_score, 1.0);
  EXPECT_DOUBLE_EQ(exact[0].score, 0.7);
  EXPECT_TRUE(std::find(exact[0].reasons.begin(), exact[0].reasons.end(), "entity_type_mismatch") !=
              exact[0].reasons.end());
  bool explained = false;
  for (const auto& f : exact[0].features) {
    if (f.name == "entity_type") {
      explained = true;
      EXPECT_DOUBLE_EQ(f.contribution, -0.3);
      EXPECT_EQ(f.detail, "person against listed vessel");
    }
  }
  EXPECT_TRUE(explained);

  // A company screened against a listed person is the same conflict.
  std::vector<WatchlistEntity> people;
  people.push_back(listed("person", EntityKind::kPerson, "Viktor Bout"));
  Screener by_person(std::make_shared<const WatchlistIndex>(std::move(people)));
  const auto company = by_person.screen(party("Viktor Bout", EntityKind::kOrganisation));
  ASSERT_EQ(company.size(), 1u);
  EXPECT_DOUBLE_EQ(company[0].score, 0.7);
}

TEST(Screener, AnIdentifierDecidesUnlessTheTwoDocumentsAreFromDifferentCountries) {
  std::vector<WatchlistEntity> entities;
  entities.push_back(listed("listed", EntityKind::kPerson, "Ayman al-Zawahiri"));
  entities.back().identifiers.push_back({"passport", "1084010", "EG"});
  Screener screener(std::make_shared<const WatchlistIndex>(std::move(entities)));
  auto with_passport = [](const std::string& value, const std::string& country) {
    Party p = party("Somebody Else Entirely", EntityKind::kPerson);
    p.identifiers.push_back({"passport", value, country});
    return p;
  };
  for (const auto& country : {std::string("EG"), std::string()}) {
    const auto matches = screener.screen(with_passport("108-4010", country));
    ASSERT_EQ(matches.size(), 1u) << country;
    EXPECT_DOUBLE_EQ(matches[0].score, 1.0);
    EXPECT_EQ(matches[0].reasons[0], "identifier_match");
  }
  EXPECT_TRUE(screener.screen(with_passport("1084010", "FR")).empty());
}

// A name in Hangul finds the lists' McCune-Reischauer spelling of it
// (korean_names.h), also when every syllable is spelled otherwise.
TEST(Screener, ANameInHangulFindsItsListedSpelling) {
  std::vector<WatchlistEntity> entities;
  for (const char* name : {"PAK Jong Chon", "PAK Jong Nam", "KIM Yong Chol", "CHOE Ryong Hae", "JON Il-chun"}) {
    entities.push_back(listed(name, EntityKind::kPerson, name));
  }
  Screener screener(std::make_shared<const WatchlistIndex>(std::move(entities)));
  const auto matches = screener.screen(party("박정천", EntityKind::kPerson));
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].entity_id, "PAK Jong Chon");
  EXPECT_GE(matches[0].score, 0.95);
  const auto jon = screener.screen(party("전일춘", EntityKind::kPerson));
  ASSERT_EQ(jon.size(), 1u);
  EXPECT_EQ(jon[0].entity_id, "JON Il-chun");
  // Found though every syllable is spelled otherwise (전 Jon / Chon, 지
  // Ji / Chi, 부 Pu / Bu), among many names sharing the family name.
  std::vector<WatchlistEntity> chons;
  for (int i = 0; i < 100; ++i) {
    const std::string name = "CHON " + std::to_string(i) + "-Su";
    chons.push_back(listed(name, EntityKind::kPerson, name));
  }
  chons.push_back(listed("CHON Chi Bu", EntityKind::kPerson, "CHON Chi Bu"));
  Screener many(std::make_shared<const WatchlistIndex>(std::move(chons)));
  const auto found = many.screen(party("전지부", EntityKind::kPerson));
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entity_id, "CHON Chi Bu");
}

// Two words of Arabic script that a list writes as one Latin word (هدايت
// الله / Hidayatullah) share no word with it: the index files both under
// the consonants of the two together, so the name is offered at all.
TEST(Screener, TwoWordsOfAnAbjadFindTheirOneLatinWord) {
  std::vector<WatchlistEntity> entities;
  for (const char* name : {"HIDAYATULLAH", "SHAMSUDDIN", "Hidayat KHAN", "ULLAH Rahmat", "Aminullah AMIN"}) {
    entities.push_back(listed(name, EntityKind::kPerson, name));
  }
  Screener screener(std::make_shared<const WatchlistIndex>(std::move(entities)));
  auto first_match = [&](const std::string& name) {
    const auto matches = screener.screen(party(name, EntityKind::kPerson));
    return matches.empty() ? std::string() : matches[0].entity_id;
  };
  EXPECT_EQ(first_match("هدايت الله"), "HIDAYATULLAH");
  EXPECT_EQ(first_match("شمس الدين"), "SHAMSUDDIN");
}

}  // namespace
}  // namespace hafnium::services::screening
