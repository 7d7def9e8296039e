#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/screening/domain/entity.h"
#include "services/screening/domain/normalize.h"

namespace hafnium::services::screening {

struct IndexedName {
  uint32_t entity;  // index into entities()
  NormalizedName name;
  NameStrength strength;
  uint16_t variant;  // index into the entity's names
};

// The in-memory candidate index over every name of every loaded entity.
// Postings map keys to name ids: whole tokens, consonant skeletons, 4-letter
// prefixes and suffixes of longer tokens (so that one typo still meets its
// word), and joined names (split/joined tokens). A query collects the names
// its keys hit, weighted by the keys' rarity (IDF), and only the best
// `limit` go on to full scoring: no query scans the whole list.
class WatchlistIndex {
 public:
  explicit WatchlistIndex(std::vector<WatchlistEntity> entities);

  std::vector<uint32_t> candidates(const NormalizedName& query, size_t limit) const;
  // Entities carrying this identifier (compared on letters and digits only).
  const std::vector<uint32_t>* entities_with_identifier(std::string_view value) const;
  static std::string canonical_identifier(std::string_view value);

  const std::vector<WatchlistEntity>& entities() const { return entities_; }
  const IndexedName& name(uint32_t id) const { return names_[id]; }
  size_t name_count() const { return names_.size(); }
  size_t posting_keys() const { return postings_.size(); }

 private:
  static void keys_of(const NormalizedName& name, std::vector<std::string>& out);

  std::vector<WatchlistEntity> entities_;
  std::vector<IndexedName> names_;
  std::unordered_map<std::string, std::vector<uint32_t>> postings_;
  std::unordered_map<std::string, std::vector<uint32_t>> identifiers_;
};

}  // namespace hafnium::services::screening
