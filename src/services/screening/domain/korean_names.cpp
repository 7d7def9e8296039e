#include "services/screening/domain/korean_names.h"

#include <algorithm>
#include <array>
#include <utility>

namespace hafnium::services::screening {

namespace {

// A syllable is U+AC00 + (initial x 21 + vowel) x 28 + final.
constexpr char32_t kFirstSyllable = 0xAC00;
constexpr int kVowels = 21, kFinals = 28;

// The initial consonants in Unicode's order: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ.
// ㅈ is j, as the North and the lists write it (Jong, Jang); ㅊ is ch.
constexpr std::array<const char*, 19> kInitials = {"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s",
                                                   "ss", "", "j", "jj", "ch", "k", "t", "p", "h"};
// ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ. McCune-Reischauer
// writes ㅓ and ㅡ as ŏ and ŭ, which lose their breve on the lists (Jong,
// Un) and so fall together with ㅗ and ㅜ: 정 and 종 are both "Jong". They
// are written eo and eu here, as the South does, so that two names in
// Hangul keep them apart; the key (below) joins them to o and u.
constexpr std::array<const char*, kVowels> kVowelSpellings = {"a",  "ae", "ya", "yae", "eo", "e",  "yeo",
                                                              "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                                              "wo", "we", "wi", "yu",  "eu", "ui", "i"};
// None, ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ.
constexpr std::array<const char*, kFinals> kFinalSpellings = {"",  "k", "k", "k", "n", "n", "n", "t", "l", "k",
                                                              "m", "l", "l", "l", "p", "l", "m", "p", "p", "t",
                                                              "t", "ng", "t", "t", "k", "t", "p", "t"};

// The usual Latin spellings of a few family names, each with the spelling
// romanize_hangul_syllable gives it: read one way for the key (Park is
// pak), the other for the index (pak is also filed as park and bak).
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kFamilyNames = {{
    {"park", "pak"}, {"bak", "pak"}, {"lee", "ri"}, {"yi", "ri"}, {"rhee", "ri"}, {"li", "ri"},
    {"i", "ri"}, {"choi", "choe"}, {"chwe", "choe"}, {"oh", "o"}, {"noh", "no"}, {"ahn", "an"},
}};

std::string_view romanized_family_name(std::string_view spelling) {
  for (const auto& [usual, romanized] : kFamilyNames) {
    if (spelling == usual) return romanized;
  }
  return spelling;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string romanize_hangul_syllable(char32_t syllable) {
  if (!is_hangul_syllable(syllable)) return {};
  const int index = static_cast<int>(syllable - kFirstSyllable);
  const int initial = index / (kVowels * kFinals), vowel = (index / kFinals) % kVowels, final = index % kFinals;
  std::string out = kInitials[static_cast<size_t>(initial)];
  out += kVowelSpellings[static_cast<size_t>(vowel)];
  out += kFinalSpellings[static_cast<size_t>(final)];
  return out;
}

std::vector<std::string> list_spellings_of_korean(std::string_view syllable) {
  std::string plain(syllable);
  replace_all(plain, "eo", "o");
  replace_all(plain, "eu", "u");
  std::vector<std::string> out{plain};
  // The initial as it is written voiced or voiceless (romanize_hangul_syllable
  // writes ㅈ j, ㄱ k, ㄷ t, ㅂ p, ㄹ r, ㅅ s).
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kOtherInitials = {{
      {"j", "ch"}, {"k", "g"}, {"t", "d"}, {"p", "b"}, {"r", "l"}, {"s", "sh"},
  }};
  const bool tense_or_aspirated = plain.starts_with("ch") || plain.starts_with("kk") || plain.starts_with("tt") ||
                                  plain.starts_with("pp") || plain.starts_with("ss") || plain.starts_with("jj");
  for (const auto& [written, other] : kOtherInitials) {
    if (!tense_or_aspirated && plain.starts_with(written)) out.push_back(std::string(other) + plain.substr(written.size()));
  }
  // A family name's usual spellings, and its romanization (이 "i" is ri).
  const std::string_view family = romanized_family_name(plain);
  auto add = [&out](std::string_view spelling) {
    if (std::find(out.begin(), out.end(), spelling) == out.end()) out.emplace_back(spelling);
  };
  add(family);
  for (const auto& [usual, romanized] : kFamilyNames) {
    if (romanized == family) add(usual);
  }
  std::erase(out, std::string(syllable));
  return out;
}

std::string korean_syllable_key(std::string_view syllable) {
  // Family names whose usual spellings no rule below joins.
  syllable = romanized_family_name(syllable);
  // The initial: voiced and voiceless, plain and tense, alike.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kInitialKeys = {{
      {"tch", "c"}, {"jj", "c"}, {"ch", "c"}, {"kk", "k"}, {"tt", "t"}, {"pp", "p"}, {"ss", "s"},
      {"sh", "s"}, {"j", "c"}, {"c", "c"}, {"g", "k"}, {"k", "k"}, {"d", "t"}, {"t", "t"},
      {"b", "p"}, {"p", "p"}, {"f", "p"}, {"l", "r"}, {"r", "r"},
  }};
  std::string key;
  for (const auto& [spelling, initial] : kInitialKeys) {
    if (syllable.starts_with(spelling)) {
      key = initial;
      syllable.remove_prefix(spelling.size());
      break;
    }
  }
  std::string rest(syllable);
  // The vowel: the South's spellings of ŏ and ŭ, and English ones.
  replace_all(rest, "yeo", "yo");
  replace_all(rest, "eo", "o");
  replace_all(rest, "eu", "u");
  replace_all(rest, "oo", "u");
  replace_all(rest, "ou", "o");
  replace_all(rest, "ee", "i");
  replace_all(rest, "oi", "oe");
  // ㅓ is o by McCune-Reischauer and often u in the South's own spellings
  // (Myung, Hyun, Sung for 명, 현, 성): o and u are one vowel here, at the
  // cost of telling 온 from 운 apart, which the other syllables of a name
  // still must agree to make up for.
  replace_all(rest, "u", "o");
  // The final consonant.
  if (!rest.empty() && !(rest.size() >= 2 && rest.compare(rest.size() - 2, 2, "ng") == 0)) {
    char& last = rest.back();
    if (last == 'g') last = 'k';
    else if (last == 'd') last = 't';
    else if (last == 'b') last = 'p';
    else if (last == 'r') last = 'l';
  }
  return key + rest;
}

}  // namespace hafnium::services::screening
