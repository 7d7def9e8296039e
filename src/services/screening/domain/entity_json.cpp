#include "services/screening/domain/entity_json.h"

#include <boost/json.hpp>
#include <stdexcept>

namespace hafnium::services::screening {

std::string kind_name(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson: return "person";
    case EntityKind::kOrganisation: return "organisation";
    case EntityKind::kVessel: return "vessel";
    case EntityKind::kAircraft: return "aircraft";
    case EntityKind::kUnknown: break;
  }
  return "unknown";
}

EntityKind kind_from_name(std::string_view name) {
  if (name == "person") return EntityKind::kPerson;
  if (name == "organisation" || name == "organization" || name == "company") return EntityKind::kOrganisation;
  if (name == "vessel") return EntityKind::kVessel;
  if (name == "aircraft") return EntityKind::kAircraft;
  return EntityKind::kUnknown;
}

namespace {
boost::json::array strings(const std::vector<std::string>& values) {
  return boost::json::array(values.begin(), values.end());
}
std::vector<std::string> strings_of(const boost::json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& s : v->as_array()) {
      if (s.is_string()) out.emplace_back(s.as_string());
    }
  }
  return out;
}
std::string string_of(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
}  // namespace

boost::json::value entity_to_json(const WatchlistEntity& e) {
  boost::json::array names;
  for (const auto& n : e.names) {
    names.push_back({{"name", n.full},
                     {"strength", n.strength == NameStrength::kStrong ? "strong" : "weak"},
                     {"primary", n.primary},
                     {"parts", strings(n.parts)}});
  }
  boost::json::array identifiers;
  for (const auto& i : e.identifiers) {
    identifiers.push_back({{"type", i.type}, {"value", i.value}, {"country", i.country}});
  }
  return boost::json::object{{"list", e.list},
                             {"id", e.id},
                             {"type", kind_name(e.kind)},
                             {"names", std::move(names)},
                             {"birth_dates", strings(e.birth_dates)},
                             {"birth_places", strings(e.birth_places)},
                             {"countries", strings(e.countries)},
                             {"identifiers", std::move(identifiers)},
                             {"addresses", strings(e.addresses)},
                             {"programs", strings(e.programs)},
                             {"remarks", e.remarks}};
}

WatchlistEntity entity_from_json(const boost::json::value& value) {
  if (!value.is_object()) throw std::invalid_argument("stored entity is not an object");
  const auto& o = value.as_object();
  WatchlistEntity e;
  e.list = string_of(o, "list");
  e.id = string_of(o, "id");
  e.kind = kind_from_name(string_of(o, "type"));
  if (const auto* names = o.if_contains("names"); names && names->is_array()) {
    for (const auto& n : names->as_array()) {
      if (!n.is_object()) continue;
      const auto& no = n.as_object();
      EntityName name{string_of(no, "name"), string_of(no, "strength") == "weak" ? NameStrength::kWeak : NameStrength::kStrong,
                      no.if_contains("primary") && no.at("primary").is_bool() && no.at("primary").as_bool(),
                      strings_of(no, "parts")};
      e.names.push_back(std::move(name));
    }
  }
  e.birth_dates = strings_of(o, "birth_dates");
  e.birth_places = strings_of(o, "birth_places");
  e.countries = strings_of(o, "countries");
  if (const auto* ids = o.if_contains("identifiers"); ids && ids->is_array()) {
    for (const auto& i : ids->as_array()) {
      if (!i.is_object()) continue;
      e.identifiers.push_back({string_of(i.as_object(), "type"), string_of(i.as_object(), "value"),
                               string_of(i.as_object(), "country")});
    }
  }
  e.addresses = strings_of(o, "addresses");
  e.programs = strings_of(o, "programs");
  e.remarks = string_of(o, "remarks");
  if (e.list.empty() || e.id.empty() || e.names.empty()) throw std::invalid_argument("stored entity lacks list, id or names");
  return e;
}

}  // namespace hafnium::services::screening
