#include "services/screening/domain/watchlist_index.h"

#include <algorithm>
#include <cmath>

#include "platform/util/hash.h"
#include "services/screening/domain/edit_neighbourhood.h"
#include "services/screening/domain/korean_names.h"
#include "services/screening/domain/name_matcher.h"
#include "services/screening/domain/name_rules.h"

namespace hafnium::services::screening {

bool WatchlistIndex::has_keys(const Token& token) {
  return token.kind == TokenKind::kName || token.kind == TokenKind::kNumber;
}

void WatchlistIndex::word_keys_of(const Token& token, bool hangul_source, std::vector<std::string>& out) {
  out.push_back("t:" + token.text);
  // A syllable from Hangul is found under the lists' spellings of it as
  // well (korean_names.h).
  if (hangul_source) {
    for (const auto& spelled : list_spellings_of_korean(token.text)) out.push_back("t:" + spelled);
  }
  if (token.skeleton.size() >= 2) out.push_back("s:" + token.skeleton);
  if (token.text.size() >= 5) {
    out.push_back("p:" + token.text.substr(0, 4));
    out.push_back("x:" + token.text.substr(token.text.size() - 4));
  }
}

void WatchlistIndex::name_keys_of(const NormalizedName& name, std::vector<std::string>& out) {
  // Two words of an abjad are often one Latin word (هدايت الله
  // Hidayatullah, شمس الدين Shamsuddin): the matcher joins them by their
  // consonants, so the index files them under the skeleton of the two
  // together (without the article's l before a sun letter too), where the
  // Latin word's own skeleton key meets it.
  if (name.abjad_source) {
    for (size_t i = 0; i + 1 < name.tokens.size(); ++i) {
      const auto& first = name.tokens[i].text;
      const auto& second = name.tokens[i + 1].text;
      if (auto joined = consonant_skeleton(first + second); joined.size() >= 3) out.push_back("s:" + joined);
      if (const auto rest = name_rules::after_assimilated_article(second); !rest.empty()) {
        if (auto joined = consonant_skeleton(first + std::string(rest)); joined.size() >= 3) out.push_back("s:" + joined);
      }
    }
  }
  // Arabic script writes the article into the word where Latin spellings
  // write it apart (الاسد "alasd" / AL-ASSAD; the article comes off an
  // abjad's word only where four letters remain): a Latin name is filed
  // under the skeleton of its article and the word after it together too.
  if (!name.abjad_source) {
    for (size_t i = 0; i + 1 < name.tokens.size(); ++i) {
      const auto& article = name.tokens[i].text;
      if ((article != "al" && article != "el") || !has_keys(name.tokens[i + 1])) continue;
      if (auto joined = consonant_skeleton("al" + name.tokens[i + 1].text); joined.size() >= 2) out.push_back("s:" + joined);
    }
  }
  if (std::none_of(name.tokens.begin(), name.tokens.end(), has_keys)) {
    // Names made only of weak words still need to be findable.
    for (const auto& token : name.tokens) out.push_back("t:" + token.text);
  }
  if (name.tokens.size() > 1) out.push_back("j:" + name.joined());
}

void WatchlistIndex::keys_of(const NormalizedName& name, std::vector<std::string>& out) {
  out.clear();
  for (const auto& token : name.tokens) {
    if (has_keys(token)) word_keys_of(token, name.hangul_source, out);
  }
  name_keys_of(name, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

bool WatchlistIndex::has_neighbourhood(const Token& token) { return token.kind == TokenKind::kName; }

WatchlistIndex::WatchlistIndex(std::vector<WatchlistEntity> entities) : entities_(std::move(entities)) {
  std::vector<std::string> keys;
  std::vector<uint64_t> neighbourhood;
  std::unordered_map<std::string, uint32_t> vocabulary_ids;  // text, U+001F, kind
  token_start_.push_back(0);
  for (uint32_t e = 0; e < entities_.size(); ++e) {
    const auto& entity = entities_[e];
    for (uint16_t v = 0; v < entity.names.size(); ++v) {
      auto normalized = normalize_name(entity.names[v].full, entity.kind);
      if (normalized.tokens.empty()) continue;
      uint32_t id = static_cast<uint32_t>(names_.size());
      keys_of(normalized, keys);
      // Acronyms of organisations' names, looked up by one-word queries
      // only (candidates()).
      if (normalized.tokens.size() > 1 && normalized.kind != EntityKind::kPerson) {
        if (auto initials = acronym_of(normalized); initials.size() >= 2) keys.push_back("a:" + initials);
      }
      for (const auto& key : keys) postings_.add(util::fnv1a_64(key), id);
      for (const auto& token : normalized.tokens) {
        if (!has_neighbourhood(token)) continue;
        edit_neighbourhood(token.text, neighbourhood);
        for (uint64_t key : neighbourhood) neighbourhoods_.add(key, id);
      }
      for (const auto& token : normalized.tokens) {
        std::string key = token.text + '\x1f' + static_cast<char>('0' + static_cast<int>(token.kind));
        auto [it, added] = vocabulary_ids.try_emplace(std::move(key), static_cast<uint32_t>(vocabulary_.size()));
        if (added) vocabulary_.add(token);
        token_ids_.push_back(it->second);
      }
      token_start_.push_back(static_cast<uint32_t>(token_ids_.size()));
      names_.push_back({e, std::move(normalized), entity.names[v].strength, v});
    }
  }
  postings_.build();
  neighbourhoods_.build();
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

double WatchlistIndex::rarity(size_t names_with_key) const {
  return std::log((static_cast<double>(names_.size()) + 1) / static_cast<double>(names_with_key + 1));
}

// The weight a shared key adds: its rarity times how much sharing it
// says. Exact words count most; skeleton and affix keys support typos and
// transliterations.
double WatchlistIndex::key_weight(std::string_view key, size_t names_with_key) const {
  const double weight = key[0] == 't' || key[0] == 'j' ? 1.0 : key[0] == 's' ? 0.7 : 0.4;
  return rarity(names_with_key) * weight;
}

std::vector<uint32_t> WatchlistIndex::candidates(const NormalizedName& query, size_t limit) const {
  // Scores accumulate in a dense per-thread array (one slot per name) with
  // a list of touched slots: postings of common tokens run to thousands of
  // ids, and a hash map per query was the largest cost of this function.
  thread_local std::vector<float> scores;
  thread_local std::vector<uint32_t> touched;
  if (scores.size() < names_.size()) scores.assign(names_.size(), 0.0f);
  touched.clear();
  auto add = [&](std::span<const uint32_t> ids, double weight) {
    const auto amount = static_cast<float>(weight);
    for (uint32_t id : ids) {
      if (scores[id] == 0.0f) touched.push_back(id);
      scores[id] += amount;
    }
  };

  // Each word of the query adds to a name the weight of the best key they
  // share (the word itself, its skeleton, prefix or suffix, or a word one
  // edit away), once: a word counts as one piece of evidence however many
  // of its keys a name holds. Summing them instead counted an exact word
  // four or five times, so that for a name from an abjad the lists' names
  // in its own script, which share its words' letters as well as their
  // skeletons, crowded out every Latin spelling of it (the lists hold
  // hundreds of names with محمد).
  thread_local std::vector<uint32_t> stamps;
  thread_local uint32_t stamp = 0;
  if (stamps.size() < names_.size()) stamps.assign(names_.size(), 0);
  thread_local std::vector<std::string> keys;
  thread_local std::vector<uint64_t> neighbourhood;
  thread_local std::vector<std::pair<double, std::span<const uint32_t>>> hits;
  for (size_t w = 0; w < query.tokens.size(); ++w) {
    const Token& token = query.tokens[w];
    if (!has_keys(token)) continue;
    // A word twice in the query is one piece of evidence.
    bool seen = false;
    for (size_t v = 0; v < w && !seen; ++v) seen = query.tokens[v].text == token.text;
    if (seen) continue;
    keys.clear();
    word_keys_of(token, query.hangul_source, keys);
    hits.clear();
    for (const auto& key : keys) {
      const auto ids = postings_.names_with(util::fnv1a_64(key));
      if (!ids.empty()) hits.emplace_back(key_weight(key, ids.size()), ids);
    }
    if (has_neighbourhood(token)) {
      edit_neighbourhood(token.text, neighbourhood);
      for (uint64_t key : neighbourhood) {
        const auto ids = neighbourhoods_.names_with(key);
        if (!ids.empty()) hits.emplace_back(rarity(ids.size()) * kNeighbourhoodWeight, ids);
      }
    }
    std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (++stamp == 0) {
      std::fill(stamps.begin(), stamps.end(), 0);
      stamp = 1;
    }
    for (const auto& [weight, ids] : hits) {
      const auto amount = static_cast<float>(weight);
      for (uint32_t id : ids) {
        if (stamps[id] == stamp) continue;
        stamps[id] = stamp;
        if (scores[id] == 0.0f) touched.push_back(id);
        scores[id] += amount;
      }
    }
  }

  // Keys of the name as a whole add up: two words of an abjad joined, the
  // whole name joined, weak words alone; and a name written as one word
  // against list names of several ("PolPot", "alqaida" either way round),
  // and an acronym against the name it abbreviates ("PLA" / People's
  // Liberation Army), either way round: the matcher accepts both, so the
  // index must offer them.
  keys.clear();
  name_keys_of(query, keys);
  if (query.tokens.size() > 1) {
    keys.push_back("t:" + query.joined());
    if (query.kind != EntityKind::kPerson) {
      if (auto initials = acronym_of(query); initials.size() >= 2) keys.push_back("t:" + initials);
    }
  } else if (query.tokens.size() == 1) {
    keys.push_back("j:" + query.tokens[0].text);
    if (query.kind != EntityKind::kPerson) keys.push_back("a:" + query.tokens[0].text);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& key : keys) {
    const auto ids = postings_.names_with(util::fnv1a_64(key));
    if (!ids.empty()) add(ids, key_weight(key, ids.size()));
  }

  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(touched.size());
  for (uint32_t id : touched) {
    // Names that gathered the same weight tie: the shorter goes first, as
    // more of it is what the query holds (Mohammad Ahmadi before the
    // lists' many "Mohammad Ahmad ..." of four and five words).
    const double words = static_cast<double>(token_start_[id + 1] - token_start_[id]);
    ranked.emplace_back(static_cast<double>(scores[id]) - 1e-3 * words, id);
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
