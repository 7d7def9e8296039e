// The UN Security Council Consolidated List (CONSOLIDATED_LIST with
// INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY). Aliases carry a QUALITY of
// "Good" or "Low"; low-quality aliases are weak.
#include <pugixml.hpp>

#include "services/screening/domain/countries.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/importers/name_spellings.h"
#include "services/screening/domain/importers/xml_file.h"

namespace hafnium::services::screening {
namespace {

std::string text_of(const pugi::xml_node& node, const char* child) {
  return trim(node.child(child).text().as_string());
}

void read_common(const pugi::xml_node& node, WatchlistEntity& e, const char* alias_tag,
                 const char* address_tag) {
  for (auto alias : node.children(alias_tag)) {
    const std::string quality = text_of(alias, "QUALITY");
    for (auto& name : name_spellings(text_of(alias, "ALIAS_NAME"))) {
      e.names.push_back({std::move(name), quality == "Low" ? NameStrength::kWeak : NameStrength::kStrong, false, {}});
    }
  }
  for (auto address : node.children(address_tag)) {
    std::string line;
    for (const char* part : {"STREET", "CITY", "STATE_PROVINCE", "COUNTRY"}) {
      if (auto v = text_of(address, part); !v.empty()) line += (line.empty() ? "" : ", ") + v;
    }
    if (!line.empty()) e.addresses.push_back(line);
    if (auto c = country_code(text_of(address, "COUNTRY")); !c.empty()) e.countries.push_back(c);
  }
  if (auto list_type = text_of(node, "UN_LIST_TYPE"); !list_type.empty()) e.programs.push_back(list_type);
  e.remarks = text_of(node, "COMMENTS1");
}

}  // namespace

ParsedList import_un_xml(const std::string& path) {
  pugi::xml_document doc;
  load_xml_file(path, doc);
  auto root = doc.child("CONSOLIDATED_LIST");
  if (!root) throw ImportError(path, "no CONSOLIDATED_LIST root element");
  ParsedList list;
  list.source = "un";
  std::string generated = root.attribute("dateGenerated").as_string();
  if (generated.size() >= 10) list.list_date = generated.substr(0, 10);
  int index = 0;
  for (auto node : root.child("INDIVIDUALS").children("INDIVIDUAL")) {
    ++index;
    WatchlistEntity e;
    e.list = "un";
    e.kind = EntityKind::kPerson;
    e.id = text_of(node, "REFERENCE_NUMBER");
    if (e.id.empty()) e.id = text_of(node, "DATAID");
    EntityName primary;
    primary.primary = true;
    for (const char* part : {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"}) {
      if (auto v = text_of(node, part); !v.empty()) {
        primary.parts.push_back(v);
        primary.full += (primary.full.empty() ? "" : " ") + v;
      }
    }
    if (e.id.empty() || primary.full.empty()) {
      throw ImportError(path + " INDIVIDUAL #" + std::to_string(index), "missing reference number or name");
    }
    e.names.push_back(std::move(primary));
    if (auto original = text_of(node, "NAME_ORIGINAL_SCRIPT"); !original.empty()) {
      e.names.push_back({original, NameStrength::kStrong, false, {}});
    }
    read_common(node, e, "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS");
    for (auto dob : node.children("INDIVIDUAL_DATE_OF_BIRTH")) {
      std::string date = text_of(dob, "DATE");
      if (date.empty()) date = text_of(dob, "YEAR");
      if (auto d = parse_list_date(date); !d.empty()) e.birth_dates.push_back(d);
      if (auto from = text_of(dob, "FROM_YEAR"); !from.empty()) e.birth_dates.push_back(from);
    }
    for (auto pob : node.children("INDIVIDUAL_PLACE_OF_BIRTH")) {
      std::string place;
      for (const char* part : {"CITY", "STATE_PROVINCE", "COUNTRY"}) {
        if (auto v = text_of(pob, part); !v.empty()) place += (place.empty() ? "" : ", ") + v;
      }
      if (!place.empty()) e.birth_places.push_back(place);
    }
    for (auto nationality : node.child("NATIONALITY").children("VALUE")) {
      if (auto c = country_code(trim(nationality.text().as_string())); !c.empty()) e.countries.push_back(c);
    }
    for (auto document : node.children("INDIVIDUAL_DOCUMENT")) {
      Identifier id;
      std::string type = text_of(document, "TYPE_OF_DOCUMENT");
      id.type = type.find("Passport") != std::string::npos ? "passport"
                : type.find("National") != std::string::npos ? "national_id"
                                                              : "other";
      id.value = identifier_number(text_of(document, "NUMBER"));  // "CAR diplomatic passport no. D00000898"
      id.country = country_code(text_of(document, "ISSUING_COUNTRY"));
      if (!id.value.empty()) e.identifiers.push_back(std::move(id));
    }
    list.entities.push_back(std::move(e));
  }
  index = 0;
  for (auto node : root.child("ENTITIES").children("ENTITY")) {
    ++index;
    WatchlistEntity e;
    e.list = "un";
    e.kind = EntityKind::kOrganisation;
    e.id = text_of(node, "REFERENCE_NUMBER");
    if (e.id.empty()) e.id = text_of(node, "DATAID");
    // "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS
    // COMPANY (GLBC)": the first is the name, the others aliases.
    auto names = name_spellings(text_of(node, "FIRST_NAME"));
    if (e.id.empty() || names.empty()) {
      throw ImportError(path + " ENTITY #" + std::to_string(index), "missing reference number or name");
    }
    for (auto& spelling : names) {
      e.names.push_back({std::move(spelling), NameStrength::kStrong, e.names.empty(), {}});
    }
    read_common(node, e, "ENTITY_ALIAS", "ENTITY_ADDRESS");
    list.entities.push_back(std::move(e));
  }
  if (list.entities.empty()) throw ImportError(path, "contains no INDIVIDUAL or ENTITY elements");
  return list;
}

}  // namespace hafnium::services::screening
