#include "services/screening/domain/watchlist_index.h"

#include <algorithm>
#include <cmath>

namespace hafnium::services::screening {

namespace {
EntityKind normalisation_kind(EntityKind kind) {
  return kind == EntityKind::kPerson ? EntityKind::kPerson
         : kind == EntityKind::kUnknown ? EntityKind::kUnknown
                                        : EntityKind::kOrganisation;
}
}  // namespace

void WatchlistIndex::keys_of(const NormalizedName& name, std::vector<std::string>& out) {
  out.clear();
  bool any_strong = false;
  for (const auto& token : name.tokens) {
    bool strong = token.kind == TokenKind::kName || token.kind == TokenKind::kNumber;
    any_strong = any_strong || strong;
    if (!strong) continue;
    out.push_back("t:" + token.text);
    if (token.skeleton.size() >= 2) out.push_back("s:" + token.skeleton);
    if (token.text.size() >= 5) {
      out.push_back("p:" + token.text.substr(0, 4));
      out.push_back("x:" + token.text.substr(token.text.size() - 4));
    }
  }
  if (!any_strong) {
    // Names made only of weak words still need to be findable.
    for (const auto& token : name.tokens) out.push_back("t:" + token.text);
  }
  if (name.tokens.size() > 1) out.push_back("j:" + name.joined());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

WatchlistIndex::WatchlistIndex(std::vector<WatchlistEntity> entities) : entities_(std::move(entities)) {
  std::vector<std::string> keys;
  for (uint32_t e = 0; e < entities_.size(); ++e) {
    const auto& entity = entities_[e];
    for (uint16_t v = 0; v < entity.names.size(); ++v) {
      auto normalized = normalize_name(entity.names[v].full, normalisation_kind(entity.kind));
      if (normalized.tokens.empty()) continue;
      uint32_t id = static_cast<uint32_t>(names_.size());
      keys_of(normalized, keys);
      for (const auto& key : keys) postings_[key].push_back(id);
      names_.push_back({e, std::move(normalized), entity.names[v].strength, v});
    }
  }
  for (auto& [key, ids] : postings_) ids.shrink_to_fit();
  for (uint32_t e = 0; e < entities_.size(); ++e) {
    for (const auto& identifier : entities_[e].identifiers) {
      auto value = canonical_identifier(identifier.value);
      if (value.size() >= 4) identifiers_[value].push_back(e);
    }
  }
}

std::string WatchlistIndex::canonical_identifier(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

const std::vector<uint32_t>* WatchlistIndex::entities_with_identifier(std::string_view value) const {
  auto it = identifiers_.find(canonical_identifier(value));
  return it == identifiers_.end() ? nullptr : &it->second;
}

std::vector<uint32_t> WatchlistIndex::candidates(const NormalizedName& query, size_t limit) const {
  std::vector<std::string> keys;
  keys_of(query, keys);
  // Joined-query key also against single-token list names ("alqaida").
  if (query.tokens.size() > 1) keys.push_back("t:" + query.joined());
  // Scores accumulate in a dense per-thread array (one slot per name) with
  // a list of touched slots: postings of common tokens run to thousands of
  // ids, and a hash map per query was the largest cost of this function.
  thread_local std::vector<float> scores;
  thread_local std::vector<uint32_t> touched;
  if (scores.size() < names_.size()) scores.assign(names_.size(), 0.0f);
  touched.clear();
  double total = static_cast<double>(names_.size()) + 1;
  for (const auto& key : keys) {
    auto it = postings_.find(key);
    if (it == postings_.end()) continue;
    const auto& ids = it->second;
    double idf = std::log(total / static_cast<double>(ids.size() + 1));
    // Exact tokens count most; skeleton and affix keys support typos and
    // transliterations.
    double weight = key[0] == 't' || key[0] == 'j' ? 1.0 : key[0] == 's' ? 0.7 : 0.4;
    auto add = static_cast<float>(idf * weight);
    for (uint32_t id : ids) {
      if (scores[id] == 0.0f) touched.push_back(id);
      scores[id] += add;
    }
  }
  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(touched.size());
  for (uint32_t id : touched) {
    ranked.emplace_back(scores[id], id);
    scores[id] = 0.0f;
  }
  if (ranked.size() > limit) {
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<long>(limit), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    ranked.resize(limit);
  }
  std::vector<uint32_t> out;
  out.reserve(ranked.size());
  for (const auto& [score, id] : ranked) out.push_back(id);
  return out;
}

}  // namespace hafnium::services::screening
