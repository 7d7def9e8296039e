#pragma once

// Korean names between Hangul and the Latin spellings the lists use.
//
// ICU writes Hangul in something like the South's Revised Romanization
// and runs a name's syllables together (박정천 -> "bagjeongcheon"), while
// the lists spell Korean names, most of them North Korean, by
// McCune-Reischauer without its diacritics, a syllable a part: "PAK Jong
// Chon", "CHOE Kyong Song", "KIM Su-gwang". Hangul is therefore written
// here syllable by syllable in that style, and two spellings of one
// syllable are compared by a key that forgets what romanizations disagree
// on.

#include <string>
#include <string_view>
#include <vector>

namespace hafnium::services::screening {

// Whether `c` is a precomposed Hangul syllable (U+AC00..U+D7A3).
inline bool is_hangul_syllable(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }

// One Hangul syllable in McCune-Reischauer without diacritics or
// apostrophes, as a syllable stands at the start of a name part, but for
// ㅓ and ㅡ, written eo and eu: 김 -> "kim", 영 -> "yeong", 철 -> "cheol",
// 최 -> "choe", 리 -> "ri". Empty for anything that is not a Hangul
// syllable.
std::string romanize_hangul_syllable(char32_t syllable);

// The spellings the lists give a syllable romanize_hangul_syllable wrote,
// for finding candidates: eo and eu as o and u, a voiceless initial also
// voiced and the other way round (ㅈ: Jong, Chong; ㄱ: Kil, Gil), r also
// l, and a family name's usual spellings ("jeon" -> jon, chon; "ri" -> ri,
// li, lee, yi, rhee). The syllable itself is not among them.
std::vector<std::string> list_spellings_of_korean(std::string_view syllable);

// A lower-case Latin syllable with what romanizations of Korean disagree
// on forgotten: voiced and voiceless initials (Kwang/Gwang, Jong/Chong,
// Pak/Bak), r and l, the vowels o and u (the South writes ㅓ as eo or u:
// Kyeong/Kyong, Myung/Myong; ㅡ as eu: Seung/Sung; Young, Yoon), final
// consonants likewise, and the usual spellings of a few family names
// (Park, Lee/Yi/Rhee, Choi). Two spellings of one syllable share their
// key; "kim" and "kil" do not.
std::string korean_syllable_key(std::string_view syllable);

}  // namespace hafnium::services::screening
