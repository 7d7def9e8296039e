#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hafnium::services::screening {

// A word's one-edit neighbourhood, as 64-bit key hashes: the word itself
// and the word with each of its letters deleted in turn. Two words one
// substitution, insertion, deletion or swap of neighbours apart share at
// least one key wherever the edit is ("pudin" and "putin" share "puin";
// "puin" is one of "putin"'s), which prefix and suffix keys miss for a
// typo in the middle of a short word. Words and variants share one key
// space: a word missing a letter is a variant of the whole one.
//
// Words shorter than kNeighbourhoodMinLength have none: theirs would be
// two-letter keys, which meet every name.
inline constexpr size_t kNeighbourhoodMinLength = 4;
void edit_neighbourhood(std::string_view word, std::vector<uint64_t>& keys);

}  // namespace hafnium::services::screening
