// The EU Financial Sanctions Files, as merged in the shared JSON
// ({"metadata": ..., "entities": [{name, type, aliases, birthdates,
// identifiers, source: [...], source_id}]}). Only entries whose source
// includes "EU" belong to the eu list; the UN and OFAC entries of the file
// come from their own sources.
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include <algorithm>

#include "services/screening/domain/countries.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/importers/name_spellings.h"
#include "services/screening/domain/importers/ofac_identifiers.h"

namespace hafnium::services::screening {

ParsedList import_eu_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path, "cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  boost::json::stream_parser parser;
  std::string text = buffer.str();
  size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) throw ImportError(path + " at byte " + std::to_string(consumed), "invalid JSON: " + ec.message());
  auto doc = parser.release();
  const auto* entities = doc.is_object() ? doc.as_object().if_contains("entities") : nullptr;
  if (!entities || !entities->is_array()) throw ImportError(path, "no 'entities' array");
  ParsedList list;
  list.source = "eu";
  if (const auto* meta = doc.as_object().if_contains("metadata"); meta && meta->is_object()) {
    if (const auto* generated = meta->as_object().if_contains("generated"); generated && generated->is_string()) {
      list.list_date = std::string(generated->as_string()).substr(0, 10);
    }
  }
  size_t index = 0;
  for (const auto& item : entities->as_array()) {
    ++index;
    std::string where = path + " entities[" + std::to_string(index - 1) + "]";
    if (!item.is_object()) throw ImportError(where, "is not an object");
    const auto& o = item.as_object();
    bool eu = false;
    if (const auto* sources = o.if_contains("source"); sources && sources->is_array()) {
      for (const auto& s : sources->as_array()) eu = eu || (s.is_string() && s.as_string() == "EU");
    }
    if (!eu) continue;
    auto str = [&](const char* key) -> std::string {
      const auto* v = o.if_contains(key);
      return v && v->is_string() ? trim(std::string(v->as_string())) : std::string();
    };
    WatchlistEntity e;
    e.list = "eu";
    e.id = str("source_id");
    // Entries copied from the UN list hold several spellings in one field
    // (name_spellings.h): the first of the name is the primary one.
    auto names = name_spellings(str("name"));
    if (e.id.empty() || names.empty()) throw ImportError(where, "missing source_id or name");
    e.kind = str("type") == "individual" ? EntityKind::kPerson : EntityKind::kOrganisation;
    for (auto& spelling : names) e.names.push_back({std::move(spelling), NameStrength::kStrong, e.names.empty(), {}});
    if (const auto* aliases = o.if_contains("aliases"); aliases && aliases->is_array()) {
      for (const auto& a : aliases->as_array()) {
        if (!a.is_string()) continue;
        for (auto& spelling : name_spellings(std::string(a.as_string()))) {
          e.names.push_back({std::move(spelling), NameStrength::kStrong, false, {}});
        }
      }
    }
    if (const auto* dates = o.if_contains("birthdates"); dates && dates->is_array()) {
      for (const auto& d : dates->as_array()) {
        if (!d.is_string()) continue;
        if (auto parsed = parse_list_date(std::string(d.as_string())); !parsed.empty()) e.birth_dates.push_back(parsed);
      }
    }
    if (const auto* ids = o.if_contains("identifiers"); ids && ids->is_array()) {
      for (const auto& i : ids->as_array()) {
        if (!i.is_object()) continue;
        const auto& io = i.as_object();
        auto field = [&](const char* key) -> std::string {
          const auto* v = io.if_contains(key);
          return v && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        // The EU's own codes (passport, regnumber, fiscalcode, swiftbic,
        // ...) are lower-case words; a few entries merged with OFAC's carry
        // its labels, which also describe ("Secondary sanctions risk:",
        // "Organization Established Date"), and copies of those values
        // without a type: of these, only the labels that identify.
        std::string type = field("type");
        if (type.empty()) continue;
        const bool eu_code = std::all_of(type.begin(), type.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
        if (!eu_code) {
          if (const auto label = ofac_identifier_label(type)) {
            type = label->type;
          } else if (type == "National Identification Number") {
            type = "national_id";
          } else {
            continue;
          }
        }
        // "Afghan passport number OA296623": the number alone; SWIFT/BIC
        // codes are letters.
        Identifier id{type,
                      type == "swiftbic" ? trim(field("number")) : identifier_number(field("number")),
                      country_code(field("country"))};
        if (!id.value.empty()) e.identifiers.push_back(std::move(id));
      }
    }
    list.entities.push_back(std::move(e));
  }
  if (list.entities.empty()) throw ImportError(path, "contains no EU entries");
  return list;
}

}  // namespace hafnium::services::screening
