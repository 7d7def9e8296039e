// A tenant's own list (PEPs, internal blocklists) in the CSV format of
// docs/screening-lists.md: a header row; columns id and name required;
// type, aliases (separated by '|'), birth_date, country (names separated
// by '|'; ISO alpha-2 or English names), identifiers ("type:value" separated
// by '|'), program, remarks optional. Unknown columns are refused so that a
// typo in a header never silently drops data.
#include <fstream>
#include <map>
#include <set>

#include "services/screening/domain/countries.h"
#include "services/screening/domain/csv.h"
#include "services/screening/domain/importers/importers.h"

namespace hafnium::services::screening {

ParsedList import_custom_csv(const std::string& source, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path, "cannot be read");
  return import_custom_csv(source, in, path);
}

ParsedList import_custom_csv(const std::string& source, std::istream& in, const std::string& path) {
  CsvReader reader(in);
  auto header = read_header(reader, path);
  if (!header) throw ImportError(path, "is empty");
  static const std::set<std::string> known = {"id", "name", "type", "aliases", "birth_date",
                                              "country", "identifiers", "program", "remarks"};
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header->size(); ++i) {
    std::string name = trim((*header)[i]);
    if (!known.contains(name)) throw ImportError(path + ":1", "unknown column '" + name + "'");
    column[name] = i;
  }
  for (const char* required : {"id", "name"}) {
    if (!column.contains(required)) throw ImportError(path + ":1", std::string("missing column ") + required);
  }
  ParsedList list;
  list.source = source;
  std::set<std::string> ids;
  try {
    while (auto row = reader.next()) {
      std::string where = path + ":" + std::to_string(reader.record_line());
      if (row->size() == 1 && trim((*row)[0]).empty()) continue;
      if (row->size() != header->size()) {
        throw ImportError(where, "expected " + std::to_string(header->size()) + " fields, found " +
                                     std::to_string(row->size()));
      }
      auto get = [&](const char* name) -> std::string {
        auto it = column.find(name);
        return it == column.end() ? std::string() : trim((*row)[it->second]);
      };
      WatchlistEntity e;
      e.list = source;
      e.id = get("id");
      std::string name = get("name");
      if (e.id.empty()) throw ImportError(where, "id is empty");
      if (name.empty()) throw ImportError(where, "name is empty");
      if (!ids.insert(e.id).second) throw ImportError(where, "id '" + e.id + "' appears twice");
      std::string type = get("type");
      if (type.empty() || type == "person") e.kind = type.empty() ? EntityKind::kUnknown : EntityKind::kPerson;
      else if (type == "organisation" || type == "organization" || type == "company") e.kind = EntityKind::kOrganisation;
      else if (type == "vessel") e.kind = EntityKind::kVessel;
      else if (type == "aircraft") e.kind = EntityKind::kAircraft;
      else throw ImportError(where, "type must be person, organisation, vessel or aircraft");
      e.names.push_back({name, NameStrength::kStrong, true, {}});
      for (auto& alias : split_trimmed(get("aliases"), '|')) e.names.push_back({alias, NameStrength::kStrong, false, {}});
      if (auto dob = get("birth_date"); !dob.empty()) {
        auto parsed = parse_list_date(dob);
        if (parsed.empty()) throw ImportError(where, "birth_date must be YYYY, YYYY-MM or YYYY-MM-DD");
        e.birth_dates.push_back(parsed);
      }
      for (auto& country : split_trimmed(get("country"), '|')) {
        auto code = country_code(country);
        if (code.empty()) throw ImportError(where, "unknown country '" + country + "'");
        e.countries.push_back(code);
      }
      for (auto& identifier : split_trimmed(get("identifiers"), '|')) {
        auto colon = identifier.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == identifier.size()) {
          throw ImportError(where, "identifiers are type:value, separated by |");
        }
        e.identifiers.push_back({identifier.substr(0, colon), identifier.substr(colon + 1), ""});
      }
      if (auto program = get("program"); !program.empty()) e.programs.push_back(program);
      e.remarks = get("remarks");
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
  return list;
}

}  // namespace hafnium::services::screening
