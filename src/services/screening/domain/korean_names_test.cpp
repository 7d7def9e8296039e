// Korean names between Hangul and the lists' Latin spellings: the
// romanization of each syllable, the key two spellings of one syllable
// share, and what the matcher makes of them (the screener's part is in
// screener_test.cpp).
#include "services/screening/domain/korean_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/normalize.h"

namespace hafnium::services::screening {
namespace {

std::string romanized(const char32_t* syllables) {
  std::string out;
  for (const char32_t* c = syllables; *c != 0; ++c) out += (out.empty() ? "" : " ") + romanize_hangul_syllable(*c);
  return out;
}

double score(const char* a, const char* b) {
  return match_names(normalize_name(a, EntityKind::kPerson), normalize_name(b, EntityKind::kPerson)).score;
}

TEST(KoreanNames, HangulSyllablesAreWrittenAsTheListsWriteThem) {
  // 김영철 박정천 최경성 리영길 이명박 홍승무
  EXPECT_EQ(romanized(U"김영철"), "kim yeong cheol");
  EXPECT_EQ(romanized(U"박정천"), "pak jeong cheon");
  EXPECT_EQ(romanized(U"최경성"), "choe kyeong seong");
  EXPECT_EQ(romanized(U"리영길"), "ri yeong kil");
  EXPECT_EQ(romanized(U"이명박"), "i myeong pak");
  EXPECT_EQ(romanized(U"홍승무"), "hong seung mu");
  EXPECT_EQ(romanize_hangul_syllable(U'A'), "");
  EXPECT_EQ(list_spellings_of_korean("yeong"), (std::vector<std::string>{"yong"}));
  EXPECT_EQ(list_spellings_of_korean("eun"), (std::vector<std::string>{"un"}));
  EXPECT_EQ(list_spellings_of_korean("jeon"), (std::vector<std::string>{"jon", "chon"}));
  EXPECT_EQ(list_spellings_of_korean("kil"), (std::vector<std::string>{"gil"}));
  EXPECT_EQ(list_spellings_of_korean("pak"), (std::vector<std::string>{"bak", "park"}));
  // The family names' spellings are the ones the key joins: 이 is ri too.
  EXPECT_EQ(list_spellings_of_korean("i"), (std::vector<std::string>{"ri", "lee", "yi", "rhee", "li"}));
  for (const auto& spelling : list_spellings_of_korean("i")) EXPECT_EQ(korean_syllable_key(spelling), "ri");
  EXPECT_EQ(list_spellings_of_korean("cheol"), (std::vector<std::string>{"chol"}));
}

TEST(KoreanNames, SpellingsOfOneSyllableShareAKeyAndOthersDoNot) {
  auto same = [](const char* a, const char* b) { return korean_syllable_key(a) == korean_syllable_key(b); };
  EXPECT_TRUE(same("kyeong", "kyong"));
  EXPECT_TRUE(same("gwang", "kwang"));
  EXPECT_TRUE(same("jeong", "chong"));
  EXPECT_TRUE(same("pak", "park"));
  EXPECT_TRUE(same("ri", "lee"));
  EXPECT_TRUE(same("i", "yi"));
  EXPECT_TRUE(same("choe", "choi"));
  EXPECT_TRUE(same("myeong", "myung"));
  EXPECT_TRUE(same("yeong", "young"));
  EXPECT_TRUE(same("seung", "sung"));
  EXPECT_TRUE(same("yun", "yoon"));
  EXPECT_TRUE(same("sin", "shin"));
  EXPECT_FALSE(same("kim", "kil"));
  EXPECT_FALSE(same("yeong", "yun"));
  EXPECT_FALSE(same("cheol", "chun"));
  EXPECT_FALSE(same("nam", "gon"));
}

TEST(KoreanNames, ANameInHangulFindsItsLatinSpellings) {
  auto name = normalize_name("김영철", EntityKind::kPerson);
  EXPECT_TRUE(name.hangul_source);
  ASSERT_EQ(name.tokens.size(), 3u);
  for (const auto& token : name.tokens) EXPECT_EQ(token.kind, TokenKind::kName) << token.text;
  // 이 is a syllable, not an initial.
  EXPECT_EQ(normalize_name("이명박", EntityKind::kPerson).tokens[0].kind, TokenKind::kName);

  // Spellings on the bundled lists of people they also write in Hangul.
  EXPECT_GE(score("김영철", "KIM Yong Chol"), 0.95);
  EXPECT_GE(score("최경성", "CHOE Kyong-song"), 0.95);
  EXPECT_GE(score("김수광", "KIM Su-gwang"), 0.95);
  EXPECT_GE(score("손영남", "SON Young-Nam"), 0.95);
  EXPECT_GE(score("이명박", "Lee Myung-bak"), 0.9);
  // The Western order, the family name last.
  EXPECT_GE(score("박재경", "Chae-kyong PAK"), 0.95);
  // Other syllables, or the same in another order, are another person.
  EXPECT_LT(score("김영철", "KIM Yong Nam"), kDefaultThreshold);
  EXPECT_LT(score("김영철", "Kim Yun Chul"), kDefaultThreshold);
  EXPECT_LT(score("김영철", "Chol Yong KIM"), kDefaultThreshold);
  // Two names in Hangul are compared syllable for syllable: 정 is not 종,
  // though both are "Jong" on the lists.
  EXPECT_GE(score("김정은", "KIM Jong Un"), 0.95);
  EXPECT_GE(score("김종은", "KIM Jong Un"), 0.9);
  EXPECT_LT(score("김종은", "김정은"), kDefaultThreshold);
}

}  // namespace
}  // namespace hafnium::services::screening
