// OFAC's XML publication (sdnList/sdnEntry), as in the consolidated
// non-SDN file: names in firstName/lastName, aliases with strong/weak
// categories, dates and places of birth, identifiers, addresses,
// nationalities and programs as elements.
#include <pugixml.hpp>

#include "services/screening/domain/countries.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/importers/ofac_identifiers.h"
#include "services/screening/domain/importers/xml_file.h"

namespace hafnium::services::screening {
namespace {

std::string text_of(const pugi::xml_node& node, const char* child) {
  return trim(node.child(child).text().as_string());
}

std::string joined_name(const pugi::xml_node& node) {
  std::string first = text_of(node, "firstName"), last = text_of(node, "lastName");
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

}  // namespace

ParsedList import_ofac_xml(const std::string& path) {
  pugi::xml_document doc;
  load_xml_file(path, doc);
  auto root = doc.child("sdnList");
  if (!root) throw ImportError(path, "no sdnList root element");
  ParsedList list;
  list.source = "ofac-xml";
  std::string publish = text_of(root.child("publshInformation"), "Publish_Date");  // MM/DD/YYYY
  if (publish.size() == 10) list.list_date = publish.substr(6, 4) + "-" + publish.substr(0, 2) + "-" + publish.substr(3, 2);
  int index = 0;
  for (auto entry : root.children("sdnEntry")) {
    ++index;
    WatchlistEntity e;
    e.list = "ofac-xml";
    e.id = text_of(entry, "uid");
    std::string name = joined_name(entry);
    if (e.id.empty() || name.empty()) {
      throw ImportError(path + " sdnEntry #" + std::to_string(index), "missing uid or name");
    }
    std::string type = text_of(entry, "sdnType");
    e.kind = type == "Individual" ? EntityKind::kPerson
             : type == "Vessel"   ? EntityKind::kVessel
             : type == "Aircraft" ? EntityKind::kAircraft
                                  : EntityKind::kOrganisation;
    EntityName primary{name, NameStrength::kStrong, true, {}};
    if (auto f = text_of(entry, "firstName"); !f.empty()) primary.parts.push_back(f);
    if (auto l = text_of(entry, "lastName"); !l.empty()) primary.parts.push_back(l);
    e.names.push_back(std::move(primary));
    for (auto aka : entry.child("akaList").children("aka")) {
      std::string alias = joined_name(aka);
      if (alias.empty()) continue;
      e.names.push_back({alias, text_of(aka, "category") == "weak" ? NameStrength::kWeak : NameStrength::kStrong, false, {}});
    }
    for (auto program : entry.child("programList").children("program")) {
      if (auto p = trim(program.text().as_string()); !p.empty()) e.programs.push_back(p);
    }
    for (auto dob : entry.child("dateOfBirthList").children("dateOfBirthItem")) {
      if (auto d = parse_list_date(text_of(dob, "dateOfBirth")); !d.empty()) e.birth_dates.push_back(d);
    }
    for (auto pob : entry.child("placeOfBirthList").children("placeOfBirthItem")) {
      if (auto p = text_of(pob, "placeOfBirth"); !p.empty()) e.birth_places.push_back(p);
    }
    for (auto id : entry.child("idList").children("id")) {
      // Only labels that identify (ofac_identifiers.h): the same list holds
      // websites, gender, Executive Order directives and stock tickers.
      const auto label = ofac_identifier_label(text_of(id, "idType"));
      if (!label) continue;
      Identifier identifier;
      identifier.type = label->type;
      identifier.value = ofac_identifier_value(text_of(id, "idNumber"), identifier.type);
      identifier.country = country_code(text_of(id, "idCountry"));
      if (!identifier.value.empty()) e.identifiers.push_back(std::move(identifier));
    }
    for (auto address : entry.child("addressList").children("address")) {
      std::string line;
      for (const char* part : {"address1", "city", "postalCode", "country"}) {
        if (auto v = text_of(address, part); !v.empty()) line += (line.empty() ? "" : ", ") + v;
      }
      if (!line.empty()) e.addresses.push_back(line);
      if (auto c = country_code(text_of(address, "country")); !c.empty()) e.countries.push_back(c);
    }
    for (auto nationality : entry.child("nationalityList").children("nationality")) {
      if (auto c = country_code(text_of(nationality, "country")); !c.empty()) e.countries.push_back(c);
    }
    for (auto citizenship : entry.child("citizenshipList").children("citizenship")) {
      if (auto c = country_code(text_of(citizenship, "country")); !c.empty()) e.countries.push_back(c);
    }
    e.remarks = text_of(entry, "remarks");
    list.entities.push_back(std::move(e));
  }
  if (list.entities.empty()) throw ImportError(path, "contains no sdnEntry elements");
  return list;
}

}  // namespace hafnium::services::screening
