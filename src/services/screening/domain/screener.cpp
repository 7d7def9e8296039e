#include "services/screening/domain/screener.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <unordered_map>

#include "platform/util/utf8.h"
#include "services/screening/domain/entity_json.h"
#include "services/screening/domain/name_score_bound.h"

namespace hafnium::services::screening {

namespace {

bool is_person(EntityKind k) { return k == EntityKind::kPerson; }
bool kinds_conflict(EntityKind party, EntityKind entity) {
  if (party == EntityKind::kUnknown || entity == EntityKind::kUnknown) return false;
  return is_person(party) != is_person(entity);
}

// A person is no company, vessel or aircraft. The party's type is the
// customer's own data and can be wrong, so such a pair is still compared,
// but only a name that agrees all but exactly (0.93 and more at the default
// threshold) is flagged: a person's given name against a vessel called
// after one, or a family name against a company's one word, is not.
constexpr double kEntityTypePenalty = 0.3;

void apply_attributes(const Party& party, const WatchlistEntity& entity, const IndexedName& name, Match& match) {
  double score = match.name_score;
  match.features.push_back({"name", match.name_score, name.name.tokens.empty() ? "" : entity.names[name.variant].full});
  if (name.strength == NameStrength::kWeak) {
    score -= 0.05;
    match.features.push_back({"alias_strength", -0.05, "weak alias"});
  }
  if (kinds_conflict(party.kind, entity.kind)) {
    score -= kEntityTypePenalty;
    match.features.push_back({"entity_type", -kEntityTypePenalty,
                              is_person(party.kind) ? "person against listed " + kind_name(entity.kind)
                                                    : kind_name(party.kind) + " against listed person"});
    match.reasons.emplace_back("entity_type_mismatch");
  }
  if (!party.birth_date.empty() && !entity.birth_dates.empty()) {
    int party_year = std::atoi(party.birth_date.substr(0, 4).c_str());
    bool exact = false, same_year = false, close = false;
    int nearest = INT32_MAX;
    for (const auto& d : entity.birth_dates) {
      if (d == party.birth_date) exact = true;
      int year = std::atoi(d.substr(0, 4).c_str());
      if (year == party_year) same_year = true;
      if (std::abs(year - party_year) <= 2) close = true;
      nearest = std::min(nearest, std::abs(year - party_year));
    }
    if (exact && party.birth_date.size() == 10) {
      score += 0.08;
      match.features.push_back({"birth_date", 0.08, "same date of birth"});
      match.reasons.emplace_back("birth_date_match");
    } else if (same_year) {
      score += 0.04;
      match.features.push_back({"birth_date", 0.04, "same year of birth"});
      match.reasons.emplace_back("birth_year_match");
    } else if (!close) {
      // Lists record approximate years ("circa 1960"), so a few years apart
      // only weakens a match; a decade apart is another generation.
      double penalty = nearest >= 10 ? 0.3 : 0.15;
      score -= penalty;
      match.features.push_back({"birth_date", -penalty,
                                nearest >= 10 ? "years of birth differ by 10 or more" : "years of birth differ by more than 2"});
      match.reasons.emplace_back("birth_date_mismatch");
    }
  }
  if (!party.country.empty() && !entity.countries.empty()) {
    bool found = std::find(entity.countries.begin(), entity.countries.end(), party.country) != entity.countries.end();
    double c = found ? 0.03 : -0.03;
    score += c;
    match.features.push_back({"country", c, found ? "country listed" : "country not listed"});
    if (found) match.reasons.emplace_back("country_match");
  }
  match.score = std::clamp(score, 0.0, 1.0);
}

}  // namespace

std::vector<Match> Screener::screen(const Party& party, const ScreeningOptions& options) const {
  const auto& index = *index_;
  auto query = normalize_name(party.name, party.kind);
  std::unordered_map<uint32_t, Match> best;  // by entity
  // An entity's match is its best-scoring name; when attributes lift two
  // names to the same (capped) score, the one that explains it better: an
  // identifier, else the closer name (an alias spelled differently must not
  // stand in for the exact name in the analyst's explanation), else the one
  // in the party's script ("Vladimir Vladimirovich PUTIN", not "Влади́мир
  // Влади́мирович ПУ́ТИН", for a Latin query).
  const bool party_ascii = util::is_ascii(party.name);
  auto better = [&](const Match& a, const Match& b) {
    if (a.score != b.score) return a.score > b.score;
    auto by_identifier = [](const Match& m) { return !m.reasons.empty() && m.reasons[0] == "identifier_match"; };
    if (by_identifier(a) != by_identifier(b)) return by_identifier(a);
    if (a.name_score != b.name_score) return a.name_score > b.name_score;
    return (util::is_ascii(a.matched_name) == party_ascii) > (util::is_ascii(b.matched_name) == party_ascii);
  };
  auto consider = [&](Match&& match) {
    auto it = best.find(match.entity_index);
    if (it == best.end() || better(match, it->second)) best[match.entity_index] = std::move(match);
  };

  // Identifiers decide on their own: an exact passport or registration
  // number match is a match whatever the name says. A number is unique
  // only within the country that issued it: when both sides state the
  // country and they differ, they are two documents.
  if (!party.identifiers.empty()) {
    for (const auto& wanted : party.identifiers) {
      std::string value = WatchlistIndex::canonical_identifier(wanted.value);
      const auto* holders = index.entities_with_identifier(value);
      if (value.size() < 4 || holders == nullptr) continue;
      for (uint32_t e : *holders) {
        const auto& entity = index.entities()[e];
        if (options.lists && !options.lists->contains(entity.list)) continue;
        for (const auto& id : entity.identifiers) {
          if (WatchlistIndex::canonical_identifier(id.value) != value) continue;
          if (!wanted.country.empty() && !id.country.empty() && wanted.country != id.country) continue;
          Match m{e, entity.list, entity.id, entity.primary_name(), 0, 1.0, {}, {}};
          m.features.push_back({"identifier", 1.0, id.type + " " + id.value});
          m.reasons.emplace_back("identifier_match");
          consider(std::move(m));
        }
      }
    }
  }

  const std::vector<uint32_t> candidates = index.candidates(query, options.candidates);
  // Candidates' names are scattered over the whole index, and the bound
  // below does little work per name: ask for the names a few candidates
  // ahead (their headers eight ahead, their token ids four ahead) so that
  // the cache misses overlap.
  auto prefetch_tokens = [&](size_t k) {
    if (k < candidates.size()) __builtin_prefetch(index.token_ids(candidates[k]).data());
  };
  const QueryNameBound bound(query, index.vocabulary());
  for (size_t k = 0; k < 4; ++k) prefetch_tokens(k);
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (k + 8 < candidates.size()) {
      // An IndexedName spans two or three cache lines: ask for its first and last.
      const auto* header = reinterpret_cast<const char*>(&index.name(candidates[k + 8]));
      __builtin_prefetch(header);
      __builtin_prefetch(header + sizeof(IndexedName) - 1);
    }
    prefetch_tokens(k + 4);
    const uint32_t id = candidates[k];
    const auto& indexed = index.name(id);
    const auto& entity = index.entities()[indexed.entity];
    if (options.lists && !options.lists->contains(entity.list)) continue;
    // Attributes lift a score by at most 0.11 (birth date and country),
    // and a conflicting type lowers it: names that cannot reach the
    // threshold with the most the attributes can give are skipped, first on
    // a cheap upper bound of the name score, then on the score itself; the
    // rest are scored again with their explanation.
    constexpr double kMostAttributesAdd = 0.11;
    // The name's kind as normalised (person, organisation, unknown) tells
    // a person apart as the entity's does, without loading the entity.
    const double most_added =
        kMostAttributesAdd - (kinds_conflict(party.kind, indexed.name.kind) ? kEntityTypePenalty : 0.0);
    if (bound.of(indexed.name, index.token_ids(id)) + most_added < options.threshold) continue;
    auto name_match = match_names(query, indexed.name, {}, false);
    if (name_match.score + most_added < options.threshold) continue;
    name_match = match_names(query, indexed.name, {}, true);
    Match m{indexed.entity, entity.list, entity.id, entity.names[indexed.variant].full, name_match.score, 0, {}, {}};
    for (const char* r : name_match.reasons) m.reasons.emplace_back(r);
    apply_attributes(party, entity, indexed, m);
    consider(std::move(m));
  }
  std::vector<Match> out;
  for (auto& [entity, match] : best) {
    if (match.score >= options.threshold) out.push_back(std::move(match));
  }
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    return a.score != b.score ? a.score > b.score : a.entity_id < b.entity_id;
  });
  return out;
}

}  // namespace hafnium::services::screening
