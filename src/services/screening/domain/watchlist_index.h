#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/screening/domain/entity.h"
#include "services/screening/domain/normalize.h"
#include "services/screening/domain/posting_table.h"
#include "services/screening/domain/token_vocabulary.h"

namespace hafnium::services::screening {

struct IndexedName {
  uint32_t entity;  // index into entities()
  NormalizedName name;
  NameStrength strength;
  uint16_t variant;  // index into the entity's names
};

// The in-memory candidate index over every name of every loaded entity.
// Postings map keys to name ids: whole tokens, consonant skeletons, 4-letter
// prefixes and suffixes of longer tokens, joined names (split/joined
// tokens), acronyms of organisations' names, and the one-edit
// neighbourhood of every name word of four letters or more, so that a slip
// anywhere in a word still meets it (Vladimir Pudin meets Putin, where
// prefix and suffix keys miss it among the lists' hundreds of Vladimirs).
// A query collects the names its keys hit, weighted by the keys' rarity
// (IDF): each word of the query once per name, by the best key they share,
// and the name's keys as a whole on top. Only the best `limit` go on to
// full scoring, the shorter first among equals: no query scans the whole
// list.
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
  size_t posting_keys() const { return postings_.key_count() + neighbourhoods_.key_count(); }
  // Every distinct token of the indexed names once (by text and kind), and
  // each name as ids into it: the screener's upper bound reads names in
  // this form (QueryNameBound), so that it meets a common word in one place.
  const TokenVocabulary& vocabulary() const { return vocabulary_; }
  std::span<const uint32_t> token_ids(uint32_t name) const {
    return {token_ids_.data() + token_start_[name], token_start_[name + 1] - token_start_[name]};
  }

 private:
  // The keys a name is filed under: each strong word's (word_keys_of) and
  // the whole name's (name_keys_of).
  static void keys_of(const NormalizedName& name, std::vector<std::string>& out);
  static bool has_keys(const Token& token);  // names' words and numbers
  static void word_keys_of(const Token& token, bool hangul_source, std::vector<std::string>& out);
  static void name_keys_of(const NormalizedName& name, std::vector<std::string>& out);
  double rarity(size_t names_with_key) const;  // the key's inverse document frequency
  double key_weight(std::string_view key, size_t names_with_key) const;
  // Name words have one-edit neighbourhoods (edit_neighbourhood.h); a shared
  // neighbourhood key weighs less than an exact word (1.0) and about as
  // much as a shared consonant skeleton (0.7).
  static bool has_neighbourhood(const Token& token);
  static constexpr double kNeighbourhoodWeight = 0.6;

  std::vector<WatchlistEntity> entities_;
  std::vector<IndexedName> names_;
  TokenVocabulary vocabulary_;
  std::vector<uint32_t> token_ids_;    // the names' tokens as vocabulary ids, name after name
  std::vector<uint32_t> token_start_;  // name i's ids start at token_start_[i]; one more entry closes the last
  PostingTable postings_;        // keys_of()'s keys, hashed
  PostingTable neighbourhoods_;  // name words' edit_neighbourhood() keys
  std::unordered_map<std::string, std::vector<uint32_t>> identifiers_;
};

}  // namespace hafnium::services::screening
