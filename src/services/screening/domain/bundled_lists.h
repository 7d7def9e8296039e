#pragma once

#include <string>
#include <utility>
#include <vector>

#include "services/screening/domain/entity.h"

namespace hafnium::services::screening {

struct ListSpec {
  std::string source;  // ofac-sdn, ofac-xml, un, uk, eu, custom:<name>
  std::string path;
  // The publication date (YYYY-MM-DD) for a format that states none (the
  // legacy OFAC CSV); empty when the file says or nobody knows.
  std::string list_date = {};
};

// Where the bundled snapshots are: $HAFNIUM_LISTS_DIR, else data/lists of
// the checkout the binary was built in (found from the executable's
// location), else ./data/lists.
std::string bundled_lists_dir();
// The bundled snapshots (data/lists/README.md), one spec per source.
std::vector<ListSpec> bundled_lists(const std::string& dir);
// Parses "SOURCE=PATH" (as given to --list); throws std::invalid_argument.
ListSpec parse_list_spec(const std::string& text);
// Whether `text` is a list's publication date as stated: a real date,
// YYYY-MM-DD.
bool is_list_date(const std::string& text);
// Gives `list` the date its publisher gave, when its file states none;
// throws std::invalid_argument when the file states another one (the
// operator named the wrong file or the wrong date).
void apply_list_date(ParsedList& list, const std::string& stated);
// Imports every spec; entities of all lists together.
std::vector<WatchlistEntity> load_lists(const std::vector<ListSpec>& specs);

}  // namespace hafnium::services::screening
