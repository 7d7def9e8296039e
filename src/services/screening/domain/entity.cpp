#include "services/screening/domain/entity.h"

#include "platform/util/crypto.h"

namespace hafnium::services::screening {

const std::string& WatchlistEntity::primary_name() const {
  static const std::string kEmpty;
  return names.empty() ? kEmpty : names.front().full;
}

std::string WatchlistEntity::fingerprint() const {
  std::string material;
  auto add = [&](const std::string& s) {
    material += std::to_string(s.size());
    material.push_back(':');
    material += s;
  };
  add(std::to_string(static_cast<int>(kind)));
  for (const auto& n : names) {
    add(n.full);
    add(n.strength == NameStrength::kStrong ? "s" : "w");
  }
  for (const auto& d : birth_dates) add(d);
  for (const auto& p : birth_places) add(p);
  for (const auto& c : countries) add(c);
  for (const auto& i : identifiers) {
    add(i.type);
    add(i.value);
    add(i.country);
  }
  for (const auto& a : addresses) add(a);
  for (const auto& p : programs) add(p);
  add(remarks);
  return util::sha256_hex(material).substr(0, 32);
}

}  // namespace hafnium::services::screening
