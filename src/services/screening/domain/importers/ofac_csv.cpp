// OFAC's legacy CSV set: sdn.csv (no header, "-0-" for null, CRLF, a
// trailing 0x1A), with add.csv (addresses), alt.csv (aliases) and
// sdn_comments.csv (remarks overflow) beside it when present. Dates of
// birth, places, nationalities, identifiers and further aliases live in
// the free-text Remarks column: "DOB 10 Dec 1948; POB Giza, Egypt;
// Passport 1084010 (Egypt); a.k.a. 'X'".
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "services/screening/domain/countries.h"
#include "services/screening/domain/csv.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/importers/ofac_identifiers.h"

namespace hafnium::services::screening {
namespace {

std::string value_of(const std::string& field) {
  std::string v = trim(field);
  return v == "-0-" ? std::string() : v;
}

// Splits remarks into items on ';'. Aliases are quoted ("a.k.a. 'NASR,
// Muhammad'"), and the names hold apostrophes of their own ("a.k.a.
// ''ASRA, Abu'", "AL-QA'QA'", "Linked To: JAYSH AL-'ADL"), so quotes
// cannot be paired by counting them: an alias's quote opens right after
// "a.k.a. " and closes at the first apostrophe that a ';' follows.
std::vector<std::string> remark_items(const std::string& remarks) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start < remarks.size()) {
    const std::string_view rest = std::string_view(remarks).substr(start);
    const size_t lead = rest.find_first_not_of(' ');
    if (lead == std::string_view::npos) break;
    size_t end = std::string_view::npos;
    for (std::string_view alias : {"a.k.a. '", "f.k.a. '", "n.k.a. '"}) {
      if (rest.substr(lead).starts_with(alias)) {
        const size_t close = rest.find("';", lead + alias.size());
        end = close == std::string_view::npos ? rest.size() : close + 1;
        break;
      }
    }
    if (end == std::string_view::npos) end = std::min(rest.find(';'), rest.size());
    if (auto item = trim(rest.substr(0, end)); !item.empty()) items.push_back(std::move(item));
    start += end + 1;
  }
  return items;
}

void apply_remarks(WatchlistEntity& e, const std::string& remarks) {
  for (std::string item : remark_items(remarks)) {
    if (item.starts_with("alt. ")) item = item.substr(5);
    if (!item.empty() && item.back() == '.') item.pop_back();
    auto after = [&](std::string_view prefix) { return trim(std::string_view(item).substr(prefix.size())); };
    auto quoted = [&](std::string_view text) {
      auto a = text.find('\''), b = text.rfind('\'');
      return a != std::string_view::npos && b > a ? std::string(text.substr(a + 1, b - a - 1)) : std::string();
    };
    if (item.starts_with("DOB ")) {
      if (auto d = parse_list_date(after("DOB ")); !d.empty()) e.birth_dates.push_back(d);
    } else if (item.starts_with("POB ")) {
      e.birth_places.push_back(after("POB "));
    } else if (item.starts_with("nationality ") || item.starts_with("citizen ")) {
      auto code = country_code(item.substr(item.find(' ') + 1));
      if (!code.empty()) e.countries.push_back(code);
    } else if (item.starts_with("a.k.a. ") || item.starts_with("f.k.a. ") || item.starts_with("n.k.a. ")) {
      if (auto name = quoted(item); !name.empty()) e.names.push_back({name, NameStrength::kStrong, false, {}});
    } else if (const auto label = ofac_identifier_label_of_item(item)) {
      const std::string rest = item.substr(label->label.size() + 1);
      const auto paren = rest.find(" (");
      Identifier id;
      id.type = label->type;
      id.value = ofac_identifier_value(std::string_view(rest).substr(0, paren), id.type);
      if (paren != std::string::npos) {
        const auto close = rest.find(')', paren);
        id.country = country_code(rest.substr(paren + 2, close == std::string::npos ? std::string::npos : close - paren - 2));
      }
      if (!id.value.empty()) e.identifiers.push_back(std::move(id));
    }
  }
}

std::string list_path_beside(const std::string& sdn_path, const char* name) {
  auto candidate = std::filesystem::path(sdn_path).parent_path() / name;
  return std::filesystem::exists(candidate) ? candidate.string() : std::string();
}

}  // namespace

ParsedList import_ofac_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path, "cannot be read");
  ParsedList list;
  list.source = "ofac-sdn";
  std::map<std::string, size_t> by_id;
  CsvReader reader(in);
  try {
    while (auto row = reader.next()) {
      if (row->size() == 1 && trim((*row)[0]).empty()) continue;
      if (row->size() != 12) {
        throw ImportError(path + ":" + std::to_string(reader.record_line()),
                          "expected 12 fields, found " + std::to_string(row->size()));
      }
      WatchlistEntity e;
      e.list = "ofac-sdn";
      e.id = value_of((*row)[0]);
      std::string name = value_of((*row)[1]);
      if (e.id.empty() || name.empty()) {
        throw ImportError(path + ":" + std::to_string(reader.record_line()), "missing entity number or name");
      }
      std::string type = value_of((*row)[2]);
      e.kind = type == "individual" ? EntityKind::kPerson
               : type == "vessel"   ? EntityKind::kVessel
               : type == "aircraft" ? EntityKind::kAircraft
                                    : EntityKind::kOrganisation;
      e.names.push_back({name, NameStrength::kStrong, true, {}});
      if (auto program = value_of((*row)[3]); !program.empty()) e.programs.push_back(program);
      e.remarks = value_of((*row)[11]);
      apply_remarks(e, e.remarks);
      by_id[e.id] = list.entities.size();
      list.entities.push_back(std::move(e));
    }
  } catch (const CsvReader::Error& error) {
    throw csv_import_error(path, error);
  } catch (const ImportError&) {
    throw;
  } catch (const std::runtime_error& error) {
    throw ImportError(path, error.what());
  }
  if (list.entities.empty()) throw ImportError(path, "contains no entries");

  // Siblings of the same publication, when present.
  // Each sibling's rows that name a listed entity (a defect names the file).
  auto for_each_row = [&](const std::string& sibling, size_t fields, auto on_row) {
    if (sibling.empty()) return;
    std::ifstream f(sibling, std::ios::binary);
    CsvReader r(f);
    try {
      while (auto row = r.next()) {
        if (row->size() < fields) continue;
        auto it = by_id.find(value_of((*row)[0]));
        if (it != by_id.end()) on_row(list.entities[it->second], *row);
      }
    } catch (const CsvReader::Error& error) {
      throw csv_import_error(sibling, error);
    } catch (const ImportError&) {
      throw;
    } catch (const std::runtime_error& error) {
      throw ImportError(sibling, error.what());
    }
  };
  for_each_row(list_path_beside(path, "alt.csv"), 4, [](WatchlistEntity& e, const std::vector<std::string>& row) {
    std::string alias = value_of(row[3]);
    std::string kind = value_of(row[2]);
    if (!alias.empty()) {
      e.names.push_back(
          {alias, kind == "aka" || kind == "fka" || kind == "nka" ? NameStrength::kStrong : NameStrength::kWeak, false, {}});
    }
  });
  for_each_row(list_path_beside(path, "add.csv"), 5, [](WatchlistEntity& e, const std::vector<std::string>& row) {
    std::string address;
    for (size_t i = 2; i < 5; ++i) {
      auto v = value_of(row[i]);
      if (!v.empty()) address += (address.empty() ? "" : ", ") + v;
    }
    if (!address.empty()) e.addresses.push_back(address);
    if (auto code = country_code(value_of(row[4])); !code.empty()) e.countries.push_back(code);
  });
  for_each_row(list_path_beside(path, "sdn_comments.csv"), 2, [](WatchlistEntity& e, const std::vector<std::string>& row) {
    e.remarks += value_of(row[1]);
    apply_remarks(e, value_of(row[1]));
  });
  for (auto& e : list.entities) {
    std::sort(e.countries.begin(), e.countries.end());
    e.countries.erase(std::unique(e.countries.begin(), e.countries.end()), e.countries.end());
  }
  return list;
}

}  // namespace hafnium::services::screening
