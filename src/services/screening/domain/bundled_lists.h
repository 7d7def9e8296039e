#pragma once

#include <string>
#include <utility>
#include <vector>

#include "services/screening/domain/entity.h"

namespace hafnium::services::screening {

struct ListSpec {
  std::string source;  // ofac-sdn, ofac-xml, un, uk, eu, custom:<name>
  std::string path;
};

// Where the bundled snapshots are: $HAFNIUM_LISTS_DIR, else data/lists of
// the checkout the binary was built in (found from the executable's
// location), else ./data/lists.
std::string bundled_lists_dir();
// The bundled snapshots (data/lists/README.md), one spec per source.
std::vector<ListSpec> bundled_lists(const std::string& dir);
// Parses "SOURCE=PATH" (as given to --list); throws std::invalid_argument.
ListSpec parse_list_spec(const std::string& text);
// Imports every spec; entities of all lists together.
std::vector<WatchlistEntity> load_lists(const std::vector<ListSpec>& specs);

}  // namespace hafnium::services::screening
