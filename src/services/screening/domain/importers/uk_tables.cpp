// The UK Sanctions List (FCDO), de-duplicated into tables: subjects.csv,
// subject_names.csv (primary/alias, alias strength, name parts),
// subject_dobs.csv, subject_identifiers.csv, subject_countries.csv.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "services/screening/domain/countries.h"
#include "services/screening/domain/csv.h"
#include "services/screening/domain/importers/importers.h"

namespace hafnium::services::screening {
namespace {

// Reads a table with a header into rows keyed by column name.
template <class F>
void read_table(const std::filesystem::path& path, const std::vector<std::string>& required, F on_row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path.string(), "cannot be read");
  CsvReader reader(in);
  auto header = read_header(reader, path.string());
  if (!header) throw ImportError(path.string(), "is empty");
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header->size(); ++i) column[trim((*header)[i])] = i;
  for (const auto& name : required) {
    if (!column.contains(name)) throw ImportError(path.string() + ":1", "missing column " + name);
  }
  try {
    while (auto row = reader.next()) {
      if (row->size() == 1 && trim((*row)[0]).empty()) continue;
      if (row->size() != header->size()) {
        throw ImportError(path.string() + ":" + std::to_string(reader.record_line()),
                          "expected " + std::to_string(header->size()) + " fields, found " +
                              std::to_string(row->size()));
      }
      auto get = [&](const std::string& name) -> std::string {
        auto it = column.find(name);
        return it == column.end() ? std::string() : trim((*row)[it->second]);
      };
      on_row(get, reader.record_line());
    }
  } catch (const CsvReader::Error& error) {
    throw csv_import_error(path.string(), error);
  } catch (const ImportError&) {
    throw;
  } catch (const std::runtime_error& error) {
    throw ImportError(path.string(), error.what());
  }
}

}  // namespace

ParsedList import_uk_tables(const std::string& folder) {
  std::filesystem::path dir(folder);
  if (!std::filesystem::is_directory(dir)) throw ImportError(folder, "the uk source is a folder of tables");
  ParsedList list;
  list.source = "uk";
  std::map<std::string, size_t> by_id;
  read_table(dir / "subjects.csv", {"unique_id", "subject_type"}, [&](auto get, size_t line) {
    WatchlistEntity e;
    e.list = "uk";
    e.id = get("unique_id");
    if (e.id.empty()) throw ImportError((dir / "subjects.csv").string() + ":" + std::to_string(line), "empty unique_id");
    std::string type = get("subject_type");
    e.kind = type == "individual" ? EntityKind::kPerson
             : type == "ship"     ? EntityKind::kVessel
                                  : EntityKind::kOrganisation;
    // The tables carry no publication date; the newest change of any
    // subject is the date the list stands at (a later publication that
    // changed nothing is the same list).
    for (const char* column : {"last_updated", "date_designated"}) {
      if (auto d = parse_list_date(get(column)); d.size() == 10 && d > list.list_date) list.list_date = d;
    }
    by_id[e.id] = list.entities.size();
    list.entities.push_back(std::move(e));
  });
  auto entity = [&](const std::string& id) -> WatchlistEntity* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &list.entities[it->second];
  };
  read_table(dir / "subject_names.csv", {"unique_id", "name_type", "full_name"}, [&](auto get, size_t) {
    auto* e = entity(get("unique_id"));
    std::string full = get("full_name");
    if (!e || full.empty()) return;
    EntityName name{full, get("alias_strength") == "weak" ? NameStrength::kWeak : NameStrength::kStrong,
                    get("name_type") == "primary", {}};
    for (const char* part : {"name_1", "name_2", "name_3", "name_4", "name_5", "name_6"}) {
      if (auto v = get(part); !v.empty()) name.parts.push_back(v);
    }
    if (name.primary) e->names.insert(e->names.begin(), std::move(name));
    else e->names.push_back(std::move(name));
  });
  if (std::filesystem::exists(dir / "subject_dobs.csv")) {
    read_table(dir / "subject_dobs.csv", {"unique_id", "year"}, [&](auto get, size_t) {
      auto* e = entity(get("unique_id"));
      if (!e || get("year").empty()) return;
      std::string date = get("year");
      if (!get("month").empty()) date += "-" + get("month");
      if (!get("month").empty() && !get("day").empty()) date += "-" + get("day");
      if (auto d = parse_list_date(date); !d.empty()) e->birth_dates.push_back(d);
    });
  }
  if (std::filesystem::exists(dir / "subject_identifiers.csv")) {
    read_table(dir / "subject_identifiers.csv", {"unique_id", "raw_value"}, [&](auto get, size_t) {
      auto* e = entity(get("unique_id"));
      // "Kuwait,  number 273030601222": the number alone.
      auto number = identifier_number(get("raw_value"));
      if (!e || number.empty()) return;
      std::string type = get("identifier_type");
      e->identifiers.push_back({type == "passport" ? "passport" : type == "national" ? "national_id" : type.empty() ? "other" : type,
                                std::move(number), ""});
    });
  }
  if (std::filesystem::exists(dir / "subject_countries.csv")) {
    read_table(dir / "subject_countries.csv", {"unique_id"}, [&](auto get, size_t) {
      auto* e = entity(get("unique_id"));
      if (!e) return;
      std::string code = get("iso");
      if (code.empty()) code = country_code(get("raw_value"));
      if (!code.empty() && std::find(e->countries.begin(), e->countries.end(), code) == e->countries.end()) {
        e->countries.push_back(code);
      }
    });
  }
  std::erase_if(list.entities, [](const WatchlistEntity& e) { return e.names.empty(); });
  if (list.entities.empty()) throw ImportError(folder, "contains no subjects with names");
  return list;
}

}  // namespace hafnium::services::screening
