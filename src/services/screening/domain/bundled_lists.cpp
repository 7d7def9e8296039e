#include "services/screening/domain/bundled_lists.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "platform/util/time.h"
#include "services/screening/domain/importers/importers.h"

namespace hafnium::services::screening {

std::string bundled_lists_dir() {
  if (const char* env = std::getenv("HAFNIUM_LISTS_DIR"); env && *env) return env;
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    // build/<preset>/hafnium -> <checkout>/data/lists
    auto candidate = std::filesystem::path(exe).parent_path().parent_path().parent_path() / "data" / "lists";
    if (std::filesystem::exists(candidate / "README.md")) return candidate.string();
  }
  return "data/lists";
}

std::vector<ListSpec> bundled_lists(const std::string& dir) {
  // The legacy SDN CSV carries no date: the snapshot's is in data/lists/README.md.
  return {{"ofac-sdn", dir + "/ofac_sdn_2024-05-03/sdn.csv", "2024-05-03"},
          {"ofac-xml", dir + "/ofac_consolidated_nonsdn_2026-01-08/ofac.xml"},
          {"un", dir + "/un_2026-02-27/UN_consolidated.xml"},
          {"uk", dir + "/uk_sanctions_list_derived_2026-04"},
          {"eu", dir + "/eu_2026-01-28/all.json"}};
}

ListSpec parse_list_spec(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw std::invalid_argument("--list takes SOURCE=PATH, got '" + text + "'");
  }
  ListSpec spec{text.substr(0, eq), text.substr(eq + 1)};
  if (!is_known_source(spec.source)) {
    throw std::invalid_argument("unknown list source '" + spec.source +
                                "' (known: ofac-sdn, ofac-xml, un, uk, eu, custom:<name>)");
  }
  return spec;
}

bool is_list_date(const std::string& text) {
  return text.size() == 10 && parse_list_date(text) == text && util::parse_rfc3339(text + "T00:00:00Z").has_value();
}

void apply_list_date(ParsedList& list, const std::string& stated) {
  if (stated.empty()) return;
  if (!is_list_date(stated)) {
    throw std::invalid_argument("the list date must be a date YYYY-MM-DD, got '" + stated + "'");
  }
  if (!list.list_date.empty() && list.list_date != stated) {
    throw std::invalid_argument("the file states its list date, " + list.list_date + ", not " + stated);
  }
  list.list_date = stated;
}

std::vector<WatchlistEntity> load_lists(const std::vector<ListSpec>& specs) {
  std::vector<WatchlistEntity> all;
  for (const auto& spec : specs) {
    auto list = import_list(spec.source, {spec.path});
    for (auto& e : list.entities) all.push_back(std::move(e));
  }
  return all;
}

}  // namespace hafnium::services::screening
