// The upper bound of the name score that lets the screener skip most
// candidates unscored: never below the score, and the same whichever way
// the candidate's tokens are held.
#include "services/screening/domain/name_score_bound.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/name_rules.h"
#include "services/screening/domain/normalize.h"
#include "services/screening/domain/watchlist_index.h"

namespace hafnium::services::screening {
namespace {

// Names of every shape the matcher treats differently: scripts, typos,
// initials, nicknames, particles, legal forms, numbers, split and joined
// words, acronyms, one-word names.
const std::vector<std::string>& names_of_every_shape() {
  static const std::vector<std::string> names = {
      "Mohammad Hossein Bagheri", "Mohammad Ali Rezaei", "Muhammad Ali", "Mohamed Aly", "محمد بن سلمان",
      "Mohammed bin Salman", "Salman bin Mohammed", "Usama bin Ladin", "Osama Bin Laden", "حسین محمدی",
      "Hossein Mohammadi", "Владимир Владимирович Путин", "Vladimir Putin", "Wladimir Putin", "Ким Чен Ын",
      "金正恩", "Kim Jong Un", "Kim Jong-un", "習近平", "Xi Jinping", "John Smith", "J. Smith", "Jon Smyth",
      "Jonathan Smithson", "William Clark", "Bill Clark", "Robert Jones", "Bob Jones", "Maria Garcia Lopez",
      "Maria Garcia", "Maria", "Al Qaida", "Alqaida", "Al-Qaeda", "Abu Bakr al-Baghdadi", "Abubakr Baghdadi",
      "People's Liberation Army", "PLA", "Rosneft Oil Company OAO", "Rosneft", "Siemens AG", "Siemens GmbH",
      "Bank Melli Iran", "Melli Bank PLC", "Trust 12 Holdings LLC", "Trust 13 Holdings LLC",
      "Vessel Ocean Star 7", "Ocean Star", "Jose Antonio Rodriguez Zapatero", "José Rodríguez",
      "Hafiz Muhammad Saeed", "Hafeez Mohammad Sayeed", "Dmitry Medvedev", "Dmitri Medvedyev",
      "Lee Myung-bak", "이명박", "Abdul Rahman", "Abdulrahman", "A B C D E F", "van der Berg", "Vanderberg",
      "Tim Cook", "Tom Cook", "Igor Sechin", "Igor Sechev", "Kim Yong Chol", "Kim Yong Chun", "Fund III", "Fund IV",
      "Haji Asad Khan Mohammadhasni", "Mohammad Hasni Haji Ssad Khan", "Abdul Rahman Yasin", "Yasin Abdulrahman",
      // A word against two weak ones written apart (a legal form and an
      // initial: "SA D"), found by the fuzz target.
      "SA d+eCbmVG H L te p: Cb p:xxxsLLC ld", "Sad al-Sharyan al-Kabi",
      // The same words from Arabic script and from Latin: the bound's tests
      // differ between the two.
      "محمد سلمان", "Mhmd Slman",
      // Names from Arabic script that meet Latin ones by consonants: short
      // skeletons, joins by consonants, the article, 'ayn and ta marbuta.
      "مطيع الله", "Matiullah", "عبدالمنان محمد", "Abdul Manan Mohammad", "يحيى عبد الله العبيدي",
      "Yahia Abdallah al-Ubaidi", "علي حسن المجيد", "Ali Hassan al-Majid", "هالة عباس", "Hala Abbas",
      // Names of weak words alone, which agree only with themselves.
      "TRUST", "X-HOLDING", "I&S HOLDING COMPANY, S.A.", "Mr. O",
      // French and Persian spellings of Arabic letters (dj, ch, gh).
      "Djamel Akkacha", "جمال عكاشة", "Mohammad Bagher Ghalandari", "محمد باقر قلندری",
      // Longer than a token's brief or the bound's 16 tokens can say.
      std::string(300, 'a') + " Smith", std::string(150, 'a') + std::string(150, 'b') + " Smith Jones",
      std::string(300, 'a'), "Smith " + std::string(150, 'a') + " " + std::string(150, 'b'),
      "A B C D E F G H I J K L M N O P Q R S", "A B C D E F G H I J K L M N O P Q R T",
      // More pairable parts on one side than on the other, and slips
      // between parts that cannot pair otherwise.
      "Debra Barr", "Amadou Barry", "Dragas Agan", "Dragas Dragan", "Ismael Ismel", "Ismail Ismail",
      "Hamdan Salim Ahmad Alim", "Salem Ahmed Salem Hamdan",
      // Korean names in Hangul and in Latin letters, in either order.
      "김영철", "KIM Yong Chol", "Chol Yong KIM", "박재경", "Chae-kyong PAK", "김정은", "김종은", "Kim Jong Un",
      // Whole names longer than the 64 letters Jaro-Winkler compares,
      // written as more or fewer words, with a slip.
      "Federal State Unitary Enterprise Production Agrarian Union Massandra",
      "FederalState Unitary Enterprise Production Agrarian Union Masandra",
      "Federal State Unitary Enterprise Production Agrarian Union Massandra of the Administration of the President"};
  return names;
}

TEST(NameScoreBound, IsNeverBelowTheScoreAndRulesOutUnrelatedNames) {
  std::vector<NormalizedName> normalized;
  for (const auto& n : names_of_every_shape()) {
    normalized.push_back(normalize_name(n, EntityKind::kPerson));
    normalized.push_back(normalize_name(n, EntityKind::kOrganisation));
  }
  size_t ruled_out = 0;
  for (const auto& a : normalized) {
    for (const auto& b : normalized) {
      double score = match_names(a, b, {}, false).score;
      double bound = name_score_upper_bound(a, b);
      ASSERT_GE(bound + 1e-12, score) << a.joined() << " / " << b.joined();
      if (bound + 0.11 < kDefaultThreshold) ++ruled_out;
    }
  }
  // The bound is worth computing: most unrelated pairs are ruled out.
  EXPECT_GT(ruled_out, normalized.size() * normalized.size() / 2);
  EXPECT_LT(name_score_upper_bound(normalize_name("Mohammad Hossein Bagheri", EntityKind::kPerson),
                                   normalize_name("Mohammad Ali Rezaei", EntityKind::kPerson)) + 0.11,
            kDefaultThreshold);
  // A short name against a list name of over 64 letters: the lengths alone
  // say the whole strings cannot agree (the bound once gave such pairs 1).
  EXPECT_LT(name_score_upper_bound(
                normalize_name("Jakob Mans", EntityKind::kPerson),
                normalize_name("Federal State Unitary Enterprise Production Agrarian Union Massandra of the "
                               "Administration of the President of the Russian Federation",
                               EntityKind::kOrganisation)) + 0.11,
            kDefaultThreshold);
}

// The matcher and the bound rule out joins by consonants from the
// skeletons' sizes, first and last consonants (may_join_in_consonants)
// before they try the rule in full (joined_in_consonants): for every three
// words below, what the rule joins must be among what the sketches let
// through.
// The words meet at seams where two letters read as one and change the
// first consonant (Ag + Hassan, Ac + Eliman), where that meets a doubled
// consonant (Majad + Jamil), where the article's l goes (Abd + al-Dar) and
// where a last h is no longer last (Mah + Mud).
TEST(NameScoreBound, RulesOutNoJoinByConsonantsTheMatcherMakes) {
  const std::vector<std::string> words = {
      "majad", "jamil", "majadjmyl", "majadjamil", "ag", "hassan", "aghsan", "aghassan", "ac", "eliman",
      "aslymn", "aceliman", "ad", "hamid", "adhmyd", "adhamid", "abd", "aldar", "abddar", "abdar", "mah", "mud",
      "mahmwd", "mahmud", "shams", "aldin", "shmsaldyn", "shamsuddin", "mtya", "allh", "matiullah", "kach",
      "ella", "kachella", "kashla", "djamel", "jmal", "ha", "ahmad", "ahmdh", "ahmadha"};
  std::vector<Token> tokens;
  for (const auto& w : words) tokens.push_back(normalize_name(w, EntityKind::kPerson).tokens.at(0));
  size_t joined = 0;
  for (const auto& whole : tokens) {
    for (const auto& first : tokens) {
      for (const auto& second : tokens) {
        for (bool whole_from_abjad : {false, true}) {
          if (!name_rules::joined_in_consonants(whole, first, second, whole_from_abjad, !whole_from_abjad)) continue;
          ++joined;
          EXPECT_TRUE(name_rules::may_join_in_consonants(name_rules::SkeletonSketch::of(whole.skeleton),
                                                         name_rules::SkeletonSketch::of(first.skeleton),
                                                         name_rules::SkeletonSketch::of(second.skeleton)))
              << whole.text << " = " << first.text << " + " << second.text;
        }
      }
    }
  }
  EXPECT_GE(joined, 16u);
}

// The screener's QueryNameBound reads list names as ids into the index's
// vocabulary and remembers what it worked out per token: it must give
// exactly what name_score_upper_bound gives, for every name, also once its
// memory is full (the thousand made-up names below hold 2,000 distinct
// tokens, more than it remembers).
TEST(NameScoreBound, ReadFromTheIndexVocabularyIsTheSameBound) {
  std::vector<WatchlistEntity> entities;
  auto add = [&entities](const std::string& name, EntityKind kind) {
    WatchlistEntity e;
    e.list = "custom:test";
    e.id = std::to_string(entities.size());
    e.kind = kind;
    e.names.push_back({name, NameStrength::kStrong, true, {}});
    entities.push_back(std::move(e));
  };
  for (const auto& n : names_of_every_shape()) {
    add(n, EntityKind::kPerson);
    add(n, EntityKind::kOrganisation);
  }
  for (int i = 0; i < 1000; ++i) add("Given" + std::to_string(i) + " Family" + std::to_string(i), EntityKind::kPerson);
  const WatchlistIndex index(std::move(entities));

  // Each distinct token once, and each name's ids pointing at its tokens.
  size_t tokens = 0;
  for (uint32_t id = 0; id < index.name_count(); ++id) {
    const auto& name = index.name(id).name;
    const auto ids = index.token_ids(id);
    ASSERT_EQ(ids.size(), name.tokens.size());
    for (size_t k = 0; k < ids.size(); ++k) {
      EXPECT_EQ(index.vocabulary().sketch(ids[k]), sketch_of(name.tokens[k]));
      EXPECT_EQ(index.vocabulary().kind(ids[k]), name.tokens[k].kind);
      EXPECT_EQ(index.vocabulary().length(ids[k]), std::min<size_t>(name.tokens[k].text.size(), 255));
    }
    tokens += ids.size();
  }
  EXPECT_LT(index.vocabulary().size(), tokens);

  for (const auto& query_text : names_of_every_shape()) {
    for (EntityKind kind : {EntityKind::kPerson, EntityKind::kOrganisation}) {
      const auto query = normalize_name(query_text, kind);
      const QueryNameBound bound(query, index.vocabulary());
      for (uint32_t id = 0; id < index.name_count(); ++id) {
        const auto& name = index.name(id).name;
        ASSERT_EQ(bound.of(name, index.token_ids(id)), name_score_upper_bound(query, name))
            << query_text << " / " << name.joined();
      }
    }
  }
}

}  // namespace
}  // namespace hafnium::services::screening
