#pragma once

#include <string_view>

namespace hafnium::services::screening {

// Jaro similarity in [0,1] (Jaro 1989) and the Winkler variant that
// rewards a common prefix of up to 4 characters with scaling 0.1.
double jaro(std::string_view a, std::string_view b);
double jaro_winkler(std::string_view a, std::string_view b);

// Levenshtein distance, bounded: returns max_distance + 1 as soon as the
// distance is known to exceed it.
int bounded_levenshtein(std::string_view a, std::string_view b, int max_distance);

}  // namespace hafnium::services::screening
