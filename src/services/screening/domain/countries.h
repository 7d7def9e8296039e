#pragma once

#include <string>
#include <string_view>

namespace hafnium::services::screening {

// ISO 3166 alpha-2 code for a country name as lists write it ("Iran",
// "Iran (Islamic Republic of)", "Korea, North", "Russian Federation") or
// for a code; empty when unknown. Names come from ICU's English display
// names plus the spellings sanctions lists use.
std::string country_code(std::string_view name_or_code);

}  // namespace hafnium::services::screening
