#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace hafnium::util {

// JSON text of a value, as every response, event and exported file carries
// it: numbers that are not integers are written in their shortest plain
// form (0.9524, 15000.0, 1e-07 only when that is shorter), not in the
// exponent form boost::json writes for every double (9.524E-1, 1.5E4),
// which reads as noise to the analyst or auditor looking at a score or an
// amount. A number that is not finite has no JSON form and is written null.
std::string to_json_text(const boost::json::value& value);

// Appends `text` escaped as a JSON string's content (without the quotes):
// quote, backslash and control characters; UTF-8 as it is.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace hafnium::util
