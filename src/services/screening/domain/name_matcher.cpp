#include "services/screening/domain/name_matcher.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "services/screening/domain/name_rules.h"
#include "services/screening/domain/similarity.h"

namespace hafnium::services::screening {

using name_rules::both_organisations;
using name_rules::joins;
using name_rules::weight_of;

double token_similarity(const Token& a, const Token& b, bool abjad, bool syllabic, bool korean, const char** why,
                        double floor) {
  *why = reason::kTypo;
  if (a.text == b.text) {
    *why = reason::kExact;
    return 1.0;
  }
  // Numbers identify (trust series, vessel numbers): equal or not at all.
  if (a.kind == TokenKind::kNumber || b.kind == TokenKind::kNumber) return 0.0;
  // An initial stands for any name with that first letter.
  if (a.kind == TokenKind::kInitial || b.kind == TokenKind::kInitial) {
    if (a.text[0] == b.text[0]) {
      *why = reason::kInitial;
      return 0.9;
    }
    return 0.0;
  }
  // Syllables agree exactly or not at all, but for the romanizations of
  // a Korean syllable.
  if (syllabic) {
    if (!korean || !name_rules::korean_spellings_agree(a.text, b.text)) return 0.0;
    *why = reason::kSkeleton;
    return name_rules::kKoreanSpellingSimilarity;
  }
  if ((a.nickname_groups & b.nickname_groups) != 0) {
    *why = reason::kNickname;
    return 0.95;
  }
  // Jaro-Winkler alone forgives different endings after a shared prefix
  // (Lukashevich/Lukashenko, Albano/Albanese); averaging it with the
  // edit-distance ratio keeps typos close and different names apart.
  // Short tokens (Chinese and Korean syllables, "Un"/"On") have no room
  // for typos: there only the edit ratio counts.
  size_t longest = std::max(a.text.size(), b.text.size());
  // The spelling score is (JW + edit ratio) / 2 with JW <= 1, so reaching
  // `floor` needs an edit distance of at most 2(1 - floor) of the length
  // (1 - floor for short tokens): beyond it, stop counting.
  double allowed = (longest <= 4 ? 1.0 - floor : 2.0 * (1.0 - floor)) * static_cast<double>(longest);
  int bound = std::min(static_cast<int>(longest), static_cast<int>(allowed + 1e-9));
  int distance = bag_distance(a.bag, b.bag) > bound ? bound + 1 : bounded_levenshtein(a.text, b.text, bound);
  double jw = 0.0;
  if (distance <= bound) {
    double edit_ratio = 1.0 - static_cast<double>(distance) / static_cast<double>(longest);
    jw = longest <= 4 ? edit_ratio : (jaro_winkler(a.text, b.text) + edit_ratio) / 2.0;
  }
  // Transliteration variants keep their consonants: Mohammed/Muhammad,
  // Haniya/Haniyya. For names that came from an abjad this is the main
  // signal; for Latin names it needs the spelling to be close as well.
  // Latin spellings sharing a skeleton are often different names
  // (Jeffrey/Jafari, Reese/Reza), so for them the skeleton only confirms
  // spellings that are close already (Usama/Osama, Ladin/Laden); for names
  // from an abjad it is the main signal.
  if (!abjad && a.skeleton.size() >= 2 && a.skeleton == b.skeleton && jw < 0.9 && longest >= 4 &&
      a.text.size() == b.text.size() && jaro_winkler(a.text, b.text) >= name_rules::kLatinSkeletonJaroWinkler) {
    *why = reason::kSkeleton;
    return 0.9;
  }
  if (abjad && !a.skeleton.empty() && a.skeleton == b.skeleton) {
    // The consonants agree; the letters in order decide how much that
    // says. A particle ("al") is no name.
    const bool names = a.kind == TokenKind::kName && b.kind == TokenKind::kName;
    const bool in_order = names && (name_rules::written_in_order(a.text, b.text) || name_rules::written_in_order(b.text, a.text));
    const double skeleton_score = name_rules::equal_consonants_similarity(a.skeleton.size(), in_order);
    if (skeleton_score > jw) {
      *why = reason::kSkeleton;
      return skeleton_score;
    }
    return jw;
  }
  if (abjad && a.skeleton.size() >= 2 && b.skeleton.size() >= 2) {
    // Consonants one or two apart.
    const size_t longest_skeleton = std::max(a.skeleton.size(), b.skeleton.size());
    const int d = bounded_levenshtein(a.skeleton, b.skeleton, static_cast<int>(longest_skeleton));
    const double skeleton_score = (1.0 - static_cast<double>(d) / static_cast<double>(longest_skeleton)) * 0.9;
    if (skeleton_score > jw) {
      *why = reason::kSkeleton;
      return skeleton_score;
    }
  }
  return jw;
}

std::string acronym_of(const NormalizedName& name) {
  std::string initials;
  for (const auto& token : name.tokens) {
    if (token.kind == TokenKind::kName || token.kind == TokenKind::kInitial) initials.push_back(token.text[0]);
  }
  return initials;
}

NameMatch match_names(const NormalizedName& query, const NormalizedName& candidate,
                      const MatcherParameters& p, bool explain) {
  NameMatch result;
  const auto& q = query.tokens;
  const auto& c = candidate.tokens;
  if (q.empty() || c.empty()) return result;
  bool abjad = query.abjad_source || candidate.abjad_source;
  bool syllabic = query.syllabic_source || candidate.syllabic_source;
  // Romanizations of Korean differ between a name in Hangul and one in
  // Latin letters; two names in Hangul are compared syllable for syllable.
  bool korean = query.hangul_source != candidate.hangul_source;

  // All token pairs, best first; greedy assignment is optimal enough for
  // names of a handful of tokens and keeps the matcher allocation-light.
  struct Pair {
    double sim;
    uint8_t qi, ci;
    const char* why;
  };
  constexpr size_t kMaxTokens = 16;
  size_t nq = std::min(q.size(), kMaxTokens), nc = std::min(c.size(), kMaxTokens);
  thread_local std::vector<Pair> pairs;
  pairs.clear();
  for (size_t i = 0; i < nq; ++i) {
    for (size_t j = 0; j < nc; ++j) {
      const char* why = nullptr;
      double sim = token_similarity(q[i], c[j], abjad, syllabic, korean, &why, p.pair_floor);
      if (sim >= 0.5) pairs.push_back({sim, static_cast<uint8_t>(i), static_cast<uint8_t>(j), why});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.sim > b.sim; });
  std::array<bool, kMaxTokens> q_used{}, c_used{};
  double agreed = 0, agreed_weight = 0;
  bool strong_agreement = false;
  thread_local std::vector<std::pair<uint8_t, uint8_t>> order;
  order.clear();
  double weakest_pair = 1.0;
  for (const auto& pair : pairs) {
    if (q_used[pair.qi] || c_used[pair.ci] || pair.sim < p.pair_floor) continue;
    q_used[pair.qi] = c_used[pair.ci] = true;
    weakest_pair = std::min(weakest_pair, pair.sim);
    double w = (weight_of(q[pair.qi], p) + weight_of(c[pair.ci], p)) / 2.0;
    agreed += w * std::pow(pair.sim, p.similarity_power);
    agreed_weight += w;
    if (pair.sim >= p.agree_threshold &&
        (q[pair.qi].kind == TokenKind::kName || q[pair.qi].kind == TokenKind::kNumber)) {
      strong_agreement = true;
    }
    if (explain) result.aligned.push_back({q[pair.qi].text, c[pair.ci].text, pair.sim, pair.why});
    order.emplace_back(pair.qi, pair.ci);
  }
  // A part written as one word on one side and two on the other, anywhere
  // in the name ("Mohammadhasni" / "Mohammad Hasni", and against an abjad
  // by consonants: "mtya allh" / Matiullah): one agreeing part.
  bool joined_by_consonants = false;
  auto pair_joined = [&](const std::vector<Token>& wholes, size_t n_wholes,
                         std::array<bool, kMaxTokens>& wholes_used, const std::vector<Token>& parts, size_t n_parts,
                         std::array<bool, kMaxTokens>& parts_used, bool wholes_are_query) {
    const bool wholes_from_abjad = wholes_are_query ? query.abjad_source : candidate.abjad_source;
    const bool parts_from_abjad = wholes_are_query ? candidate.abjad_source : query.abjad_source;
    for (size_t i = 0; i < n_wholes; ++i) {
      if (wholes_used[i] || wholes[i].kind != TokenKind::kName) continue;
      for (size_t j = 0; j + 1 < n_parts; ++j) {
        if (parts_used[j] || parts_used[j + 1]) continue;
        const bool by_letters = joins(wholes[i], parts[j], parts[j + 1]);
        if (!by_letters && !(abjad && name_rules::joins_in_consonants(wholes[i], parts[j], parts[j + 1],
                                                                      wholes_from_abjad, parts_from_abjad))) {
          continue;
        }
        joined_by_consonants = joined_by_consonants || !by_letters;
        wholes_used[i] = parts_used[j] = parts_used[j + 1] = true;
        agreed += 1.0;
        agreed_weight += 1.0;
        strong_agreement = true;
        const auto parts_text = parts[j].text + " " + parts[j + 1].text;
        if (explain) {
          result.aligned.push_back(wholes_are_query ? AlignedToken{wholes[i].text, parts_text, 1.0, reason::kJoined}
                                                    : AlignedToken{parts_text, wholes[i].text, 1.0, reason::kJoined});
        }
        order.emplace_back(static_cast<uint8_t>(wholes_are_query ? i : j), static_cast<uint8_t>(wholes_are_query ? j : i));
        break;
      }
    }
  };
  pair_joined(q, nq, q_used, c, nc, c_used, true);
  pair_joined(c, nc, c_used, q, nq, q_used, false);
  // One slip: every other part of the names agrees, and the one part left
  // on each side differs by a slip of one or two letters (shorter than the
  // shorter part, so "Su" / "Bo" is no slip). A screener that let "Igor
  // Sechev" pass for want of one letter would miss the listed Igor Sechin;
  // the analyst decides. Not for Chinese, Korean or Japanese script, where
  // syllables agree exactly or not at all; not for names from Arabic or
  // Hebrew script, written in consonants only, where one letter makes
  // another name (Arif / Asif); not for initials and numbers.
  if (!syllabic && !abjad && strong_agreement && weakest_pair >= p.agree_threshold) {
    size_t q_free = kMaxTokens, c_free = kMaxTokens, q_free_count = 0, c_free_count = 0;
    for (size_t i = 0; i < nq; ++i) {
      if (!q_used[i]) q_free = i, ++q_free_count;
    }
    for (size_t j = 0; j < nc; ++j) {
      if (!c_used[j]) c_free = j, ++c_free_count;
    }
    if (q_free_count == 1 && c_free_count == 1 && q[q_free].kind == TokenKind::kName &&
        c[c_free].kind == TokenKind::kName) {
      const auto& u = q[q_free].text;
      const auto& v = c[c_free].text;
      const int shortest = static_cast<int>(std::min(u.size(), v.size()));
      const int distance = bounded_levenshtein(u, v, 2);
      if (distance <= 2 && distance < shortest) {
        q_used[q_free] = c_used[c_free] = true;
        agreed += std::pow(p.slip_similarity, p.similarity_power);
        agreed_weight += 1.0;
        if (explain) result.aligned.push_back({u, v, p.slip_similarity, reason::kSlip});
        order.emplace_back(static_cast<uint8_t>(q_free), static_cast<uint8_t>(c_free));
      }
    }
  }
  // Patronymic chains ("Muhammad bin Salman" / "Salman bin Muhammad") name
  // different people when names of one chain trade places. A chain is a
  // run of names with bin/ibn/bint between each two (other particles, as
  // in "bin al-Din", do not break it). "BIN LADIN, Usama bin Muhammad bin
  // Awad" holds two, "Ladin" and "Usama ... Awad", so a family name moved
  // from the front to the back is no swap, while any two names of one
  // chain that stand in the other order are.
  bool patronym_swap = false;
  // (ben and ibn are read as bin: normalize_name.)
  auto is_patronym_marker = [](const Token& t) { return t.text == "bin" || t.text == "bint"; };
  constexpr uint8_t kNoChain = UINT8_MAX;  // particles belong to none
  auto chains_of = [&](const std::vector<Token>& tokens, size_t n) {
    std::array<uint8_t, kMaxTokens> chain;
    chain.fill(kNoChain);
    uint8_t current = 0;
    bool started = false, marker_since = false;
    for (size_t k = 0; k < n; ++k) {
      if (tokens[k].kind == TokenKind::kParticle) {
        marker_since = marker_since || is_patronym_marker(tokens[k]);
        continue;
      }
      if (started && !marker_since) ++current;
      chain[k] = current;
      started = true;
      marker_since = false;
    }
    return chain;
  };
  const auto q_chain = chains_of(q, nq), c_chain = chains_of(c, nc);
  for (size_t a = 0; a < order.size() && !patronym_swap; ++a) {
    for (size_t b = 0; b < order.size(); ++b) {
      const auto [qa, ca] = order[a];
      const auto [qb, cb] = order[b];
      if (q_chain[qa] == kNoChain || c_chain[ca] == kNoChain) continue;
      if (qa < qb && cb < ca && q_chain[qa] == q_chain[qb] && c_chain[ca] == c_chain[cb]) {
        patronym_swap = true;
        break;
      }
    }
  }
  // Whether the paired parts stand in the same order on both sides, as
  // written or once one side's last part is read first (a Chinese, Korean
  // or Japanese name in the Western order, its family name last:
  // "Chae-kyong PAK" for 박재경).
  enum class LastReadFirst { kNeither, kQuery, kCandidate };
  auto stands_in_order = [&](LastReadFirst moved) {
    auto position = [](size_t k, size_t count, bool first) { return first && k + 1 == count ? -1 : static_cast<int>(k); };
    std::array<std::pair<int, int>, kMaxTokens> positions{};
    for (size_t k = 0; k < order.size(); ++k) {
      positions[k] = {position(order[k].first, nq, moved == LastReadFirst::kQuery),
                      position(order[k].second, nc, moved == LastReadFirst::kCandidate)};
    }
    std::sort(positions.begin(), positions.begin() + static_cast<long>(order.size()));
    for (size_t k = 1; k < order.size(); ++k) {
      if (positions[k].second < positions[k - 1].second) return false;
    }
    return true;
  };
  const bool in_order = stands_in_order(LastReadFirst::kNeither);

  // Different legal forms (AG vs GmbH) are different companies more often
  // than not; an absent legal form is only a missing word.
  double q_missing = 0, c_missing = 0;
  bool number_conflict = false;
  bool q_has_number = false, c_has_number = false;
  bool q_legal_unmatched = false, c_legal_unmatched = false;
  for (size_t i = 0; i < nq; ++i) {
    if (q[i].kind == TokenKind::kNumber) q_has_number = true;
    if (q_used[i]) continue;
    q_missing += weight_of(q[i], p);
    if (q[i].kind == TokenKind::kLegalForm) q_legal_unmatched = true;
    if (explain) result.unmatched_query.push_back(q[i].text);
  }
  for (size_t j = 0; j < nc; ++j) {
    if (c[j].kind == TokenKind::kNumber) c_has_number = true;
    if (c_used[j]) continue;
    c_missing += weight_of(c[j], p);
    if (c[j].kind == TokenKind::kLegalForm) c_legal_unmatched = true;
    if (explain) result.unmatched_candidate.push_back(c[j].text);
  }
  double legal_conflict = q_legal_unmatched && c_legal_unmatched ? p.legal_form_conflict : 0.0;
  for (size_t i = 0; i < nq && q_has_number && c_has_number; ++i) {
    if (q[i].kind == TokenKind::kNumber && !q_used[i]) number_conflict = true;
  }

  // Names on both sides that found no partner contradict each other; names
  // on one side only are merely missing (a middle name, a patronymic).
  double conflicting = std::min(q_missing, c_missing);
  double missing = std::max(q_missing, c_missing) - conflicting;
  // A Chinese, Korean or Japanese name's syllables belong together: a
  // syllable missing on one side makes it another name.
  if (syllabic) {
    conflicting += missing;
    missing = 0;
  }
  double denominator = agreed_weight + p.conflict_penalty * conflicting +
                       p.missing_penalty * missing + legal_conflict;
  double token_score = denominator > 0 ? agreed / denominator : 0.0;
  // Without a strongly agreeing name part the score is halved: particles,
  // legal forms and initials agreeing say little. But a name the lists
  // hold only so ("TRUST", "X-HOLDING", "I&S Holding Company, S.A.") is
  // the same name when every part of it agrees as written.
  if (!strong_agreement && !name_rules::same_words(query, candidate)) token_score *= 0.5;
  // Name parts, initials included: "J. Smith" has two.
  auto strong_count = [](const std::vector<Token>& tokens) {
    return std::count_if(tokens.begin(), tokens.end(), [](const Token& t) { return name_rules::counts_as_word(t); });
  };
  // The one-word discount is for a name that leaves the other's parts
  // unpaired, not for the one Latin word that an abjad's two stand for
  // ("Matiullah" / مطيع الله). (Latin words joined letter for letter reach
  // 0.9 and more on the whole string, below.)
  auto q_strong = strong_count(q), c_strong = strong_count(c);
  if (std::min(q_strong, c_strong) == 1 && std::max(q_strong, c_strong) >= 2 && !both_organisations(query, candidate) &&
      !(joined_by_consonants && q_missing == 0 && c_missing == 0)) {
    token_score *= p.single_name_factor;
  }
  if (number_conflict) token_score = std::min(token_score, 0.5);
  if (patronym_swap) token_score = std::min(token_score, 0.5);
  // Chinese, Korean and Japanese names put the family name first: the same
  // syllables in another order are another person, unless the other order
  // is the family name written last.
  if (syllabic && !in_order && !stands_in_order(LastReadFirst::kQuery) && !stands_in_order(LastReadFirst::kCandidate)) {
    token_score = std::min(token_score, 0.5);
  }

  // An acronym for the other name: "PLA" / "People's Liberation Army".
  // Organisations go by acronyms; a person's initials ("SAM" for Susan
  // Amanda Mathews) are not a name on a list.
  if (token_score < 0.9 && (q.size() == 1 || c.size() == 1) && query.kind != EntityKind::kPerson &&
      candidate.kind != EntityKind::kPerson) {
    const auto& short_side = q.size() == 1 ? q : c;
    const std::string initials = acronym_of(q.size() == 1 ? candidate : query);
    if (initials.size() >= 2 && short_side[0].text == initials) {
      result.score = 0.9;
      result.reasons.push_back(reason::kAcronym);
      return result;
    }
  }

  // Split or joined tokens ("Al Qaida" / "Alqaida", "Abu Bakr" / "Abubakr")
  // show only on the whole string.
  double joined_score = 0;
  if (q.size() != c.size()) {
    std::string qj = query.joined(), cj = candidate.joined();
    if (qj.size() >= 6 && cj.size() >= 6) {
      if (qj == cj) {
        joined_score = 1.0;
      } else if (double jw = jaro_winkler(qj, cj); 0.97 * jw >= 0.9) {
        // Jaro-Winkler alone rates two long names that share their first
        // half as alike (two branches of one organisation, two sons of one
        // father): the whole strings must also be close letter for letter,
        // as tokens must (the same mean of Jaro-Winkler and edit ratio).
        // Only a joined score of 0.9 or more is used (below): the edit
        // distance is counted only as far as that can still be reached.
        const double longest = static_cast<double>(std::max(qj.size(), cj.size()));
        const double needed_ratio = 2.0 * 0.9 / 0.97 - jw;
        const int allowed = static_cast<int>((1.0 - needed_ratio) * longest + 1e-9);
        if (allowed >= 0) {
          const int distance = bounded_levenshtein(qj, cj, allowed);
          // Never above Jaro-Winkler alone: the upper bound (below) bounds
          // that, and this path is to be stricter than it, never looser.
          const double mean = (jw + 1.0 - static_cast<double>(distance) / longest) / 2.0;
          if (distance <= allowed) joined_score = 0.97 * std::min(jw, mean);
        }
      }
    }
  }

  if (joined_score > token_score && joined_score >= 0.9) {
    result.score = joined_score;
    result.reasons.push_back(reason::kJoined);
  } else {
    result.score = token_score;
    for (const auto& a : result.aligned) {
      if (std::find(result.reasons.begin(), result.reasons.end(), a.reason) == result.reasons.end()) {
        result.reasons.push_back(a.reason);
      }
    }
    if (!in_order) result.reasons.push_back(reason::kReordered);
    if (conflicting > 0) result.reasons.push_back(reason::kConflictingNames);
    if (missing > 0) result.reasons.push_back(reason::kMissingNames);
    if (number_conflict) result.reasons.push_back(reason::kNumberMismatch);
    if (patronym_swap) result.reasons.push_back(reason::kPatronymSwap);
  }
  result.score = std::clamp(result.score, 0.0, 1.0);
  return result;
}

}  // namespace hafnium::services::screening
