#pragma once

#include <pugixml.hpp>
#include <string>

namespace hafnium::services::screening {

// Loads an XML list file (OFAC's sdnList, the UN consolidated list) for
// an importer, refusing with an ImportError at its line what XML 1.0 does
// not allow and pugixml would take: a character outside XML's Char
// production, raw or as a character reference. pugixml keeps decoded text
// NUL-terminated, so `&#0;` inside a name cut the name short there and the
// rest was imported as if it were the whole name. A file that does not
// parse is refused at its byte and line.
void load_xml_file(const std::string& path, pugi::xml_document& doc);

}  // namespace hafnium::services::screening
