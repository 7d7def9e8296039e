#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "services/screening/domain/normalize.h"

namespace hafnium::services::screening {

// How much an alias can be trusted to identify: OFAC's strong/weak, the
// UN's good/low quality, the UK's alias strength.
enum class NameStrength { kStrong, kWeak };

struct EntityName {
  std::string full;
  NameStrength strength = NameStrength::kStrong;
  bool primary = false;
  std::vector<std::string> parts;  // given where the list gives them (first, middle, last...)
};

struct Identifier {
  std::string type;     // passport, national_id, tax_id, registration, imo, lei, swift_bic, ... (docs/screening-lists.md), or a list's own code
  std::string value;
  std::string country;  // ISO 3166 alpha-2 where known
};

// One entry of one list version, in the one shape every importer produces.
struct WatchlistEntity {
  std::string list;  // source name: ofac-sdn, ofac-xml, un, uk, eu, custom:<name>
  std::string id;    // the list's own id for the entry
  EntityKind kind = EntityKind::kUnknown;
  std::vector<EntityName> names;         // primary first
  std::vector<std::string> birth_dates;  // YYYY, YYYY-MM or YYYY-MM-DD
  std::vector<std::string> birth_places;
  std::vector<std::string> countries;    // ISO alpha-2: nationality, citizenship, addresses
  std::vector<Identifier> identifiers;
  std::vector<std::string> addresses;
  std::vector<std::string> programs;     // programs / regimes
  std::string remarks;

  const std::string& primary_name() const;
  // Stable digest of the content, to tell changed entities in a diff.
  std::string fingerprint() const;
};

struct ParsedList {
  std::string source;
  std::string list_date;  // as stated by the file, when it states one (YYYY-MM-DD)
  std::vector<WatchlistEntity> entities;
};

// A malformed list file: `location` names the file and line or element.
class ImportError : public std::runtime_error {
 public:
  ImportError(std::string location, const std::string& reason)
      : std::runtime_error(location + ": " + reason), location_(std::move(location)) {}
  const std::string& location() const { return location_; }

 private:
  std::string location_;
};

}  // namespace hafnium::services::screening
