#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "services/screening/domain/entity.h"
#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/watchlist_index.h"

namespace hafnium::services::screening {

// Who is screened.
struct Party {
  std::string name;
  EntityKind kind = EntityKind::kUnknown;
  std::string birth_date;  // YYYY, YYYY-MM or YYYY-MM-DD; empty if unknown
  std::string country;     // ISO alpha-2; empty if unknown
  std::vector<Identifier> identifiers;
};

// One contribution to a match's score, for the explanation.
struct Feature {
  std::string name;  // name, identifier, birth_date, country, entity_type, alias_strength
  double contribution;
  std::string detail;
};

struct Match {
  uint32_t entity_index;
  std::string list;
  std::string entity_id;
  std::string matched_name;
  double name_score = 0;
  double score = 0;
  std::vector<Feature> features;
  std::vector<std::string> reasons;
};

struct ScreeningOptions {
  double threshold = kDefaultThreshold;
  size_t candidates = 64;            // names scored in full per query
  const std::set<std::string>* lists = nullptr;  // only these sources, when set
};

// Screens parties against an index: candidate generation, full name
// scoring of the candidates, then secondary attributes. An identifier that
// matches exactly is decisive (score 1); birth dates, countries and the
// entity type raise or lower the name score. Thread-safe (const).
class Screener {
 public:
  explicit Screener(std::shared_ptr<const WatchlistIndex> index) : index_(std::move(index)) {}

  // Matches at or above the threshold, best first, one per entity.
  std::vector<Match> screen(const Party& party, const ScreeningOptions& options = {}) const;
  const WatchlistIndex& index() const { return *index_; }

 private:
  std::shared_ptr<const WatchlistIndex> index_;
};

}  // namespace hafnium::services::screening
