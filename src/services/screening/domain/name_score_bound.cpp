#include "services/screening/domain/name_score_bound.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>

#include "services/screening/domain/name_rules.h"

namespace hafnium::services::screening {

namespace {

// Tokens beyond these are not compared (match_names stops there too), and
// the levels of a query's tokens against one token fit in 32 bits.
constexpr size_t kMaxTokens = 16;

// Whether token_similarity(a, b, ...) can reach `floor`, for two floors
// at once (pairing and strong agreement), deciding on the paths it takes
// but from cheap evidence only: "may" may be a false alarm, "cannot" never
// is. 0: reaches neither, 1: may reach `low`, 2: may reach both.
// `a_text` and `b_text` are the tokens' texts (empty: not known).
// `korean_keys_agree`: a name in Hangul against one in Latin letters, and
// the two tokens share korean_syllable_key.
int may_reach(const TokenSketch& a, const TokenSketch& b, std::string_view a_text, std::string_view b_text, bool abjad,
              bool syllabic, bool korean_keys_agree, double low, double high) {
  auto level = [&](double score) { return score >= high ? 2 : score >= low ? 1 : 0; };
  if (a.text_hash == b.text_hash && a.size == b.size) return 2;
  if (a.size == UINT16_MAX || b.size == UINT16_MAX) return 2;  // too long to be sketched: anything may be
  constexpr auto kNumber = static_cast<uint8_t>(TokenKind::kNumber);
  constexpr auto kInitial = static_cast<uint8_t>(TokenKind::kInitial);
  if (a.kind == kNumber || b.kind == kNumber) return 0;
  if (a.kind == kInitial || b.kind == kInitial) return a.first == b.first ? level(0.9) : 0;
  if (syllabic) {
    // Syllables agree exactly (above) or as romanizations of one Korean
    // syllable, between a name in Hangul and one in Latin letters.
    return korean_keys_agree ? level(name_rules::kKoreanSpellingSimilarity) : 0;
  }
  if ((a.nickname_groups & b.nickname_groups) != 0) return level(0.95);
  // Spelling: (JW + edit ratio) / 2 >= floor needs an edit distance within
  // the bound token_similarity uses, and the letter bags bound it below.
  const size_t longest = std::max(a.size, b.size);
  const int bag = bag_distance(a.bag.data(), b.bag.data());
  auto spelling_may_reach = [&](double floor) {
    double allowed = (longest <= 4 ? 1.0 - floor : 2.0 * (1.0 - floor)) * static_cast<double>(longest);
    return bag <= std::min(static_cast<int>(longest), static_cast<int>(allowed + 1e-9));
  };
  int result = spelling_may_reach(high) ? 2 : spelling_may_reach(low) ? 1 : 0;
  if (result > 0 && longest > 4 && longest <= 64) {
    // And the spelling score itself, bounded from the bags: the edit
    // distance is at least the bag distance, and Jaro matches equal
    // characters, so at most longest - bag of them (the surplus of the
    // side with more letters cannot match) and at most the shorter
    // token's length. The Winkler prefix needs the first letters equal.
    const double la = a.size, lb = b.size;
    const double m = std::min<double>(std::min(la, lb), static_cast<double>(longest) - bag);
    const double jaro = m <= 0 ? 0.0 : (m / la + m / lb + 1.0) / 3.0;
    const double jaro_winkler = a.first == b.first ? jaro + 0.4 * (1.0 - jaro) : jaro;
    const double edit_ratio = 1.0 - static_cast<double>(bag) / static_cast<double>(longest);
    result = std::min(result, level((jaro_winkler + edit_ratio) / 2.0 + 1e-9));  // rounding: never below the score
  }
  if (result == 2) return 2;
  const bool same_skeleton = a.skeleton_hash == b.skeleton_hash && a.skeleton_size == b.skeleton_size;
  // Latin spellings with one skeleton: 0.9, when their Jaro-Winkler
  // reaches 0.85. Of two tokens of one length L, at most L - bag letters
  // can match (characters outside the bags are counted as matching); the
  // Winkler prefix needs the first letters equal. Beyond the 64 characters
  // jaro() compares, anything may be.
  if (!abjad && a.skeleton_size >= 2 && longest >= 4 && a.size == b.size && same_skeleton) {
    const double length = static_cast<double>(a.size);
    const double jaro = (2.0 * (length - bag) / length + 1.0) / 3.0;
    const double jaro_winkler = a.first == b.first ? jaro + 0.4 * (1.0 - jaro) : jaro;
    if (a.size > 64 || jaro_winkler >= name_rules::kLatinSkeletonJaroWinkler) return std::max(result, level(0.9));
  }
  // Equal consonants: as token_similarity scores them, by whether the
  // letters stand in order (a hash collision only makes this a "may").
  if (abjad && a.skeleton_size >= 1 && same_skeleton) {
    const bool names = a.kind == static_cast<uint8_t>(TokenKind::kName) && b.kind == static_cast<uint8_t>(TokenKind::kName);
    const bool in_order = names && (a_text.empty() || b_text.empty() || name_rules::written_in_order(a_text, b_text) ||
                                    name_rules::written_in_order(b_text, a_text));
    return std::max(result, level(name_rules::equal_consonants_similarity(a.skeleton_size, in_order)));
  }
  if (abjad && a.skeleton_size >= 2 && b.skeleton_size >= 2) {
    size_t longest_skeleton = std::max(a.skeleton_size, b.skeleton_size);
    size_t shortest_skeleton = std::min(a.skeleton_size, b.skeleton_size);
    size_t least_distance = std::max<size_t>(1, longest_skeleton - shortest_skeleton);
    return std::max(result, level((1.0 - static_cast<double>(least_distance) / static_cast<double>(longest_skeleton)) * 0.9));
  }
  return result;
}

// Upper bound of jaro_winkler(a, b) of the joined names from their letter
// counts: matching characters are equal characters, so at most the shared
// letters. Exact for names of up to 255 letters (no count saturates).
double jaro_winkler_upper_bound(const NormalizedName& a, const NormalizedName& b) {
  const int a_other = static_cast<int>(a.length) - letters_in(a.letters);  // neither letter nor digit
  const int b_other = static_cast<int>(b.length) - letters_in(b.letters);
  const double m = shared_letters(a.letters, b.letters) + std::max(0, std::min(a_other, b_other));
  if (m == 0) return 0.0;
  double jaro = (m / static_cast<double>(a.length) + m / static_cast<double>(b.length) + 1.0) / 3.0;
  return std::min(1.0, jaro + 0.4 * (1.0 - jaro));  // a common prefix of 4 at most
}

// may_reach() of each of the query's first `nq` tokens against `token`,
// two bits per query token. `query_keys`: the query tokens'
// korean_syllable_key, read only for a name in Hangul against one in
// Latin letters (`korean`).
uint32_t levels_against(const TokenSketch* query, const std::vector<Token>& query_tokens,
                        const std::vector<std::string>& query_keys, size_t nq, const TokenSketch& token,
                        std::string_view token_text, bool abjad, bool syllabic, bool korean,
                        const MatcherParameters& p) {
  const std::string token_key = syllabic && korean ? korean_syllable_key(token_text) : std::string();
  uint32_t levels = 0;
  for (size_t i = 0; i < nq; ++i) {
    const bool korean_keys_agree = syllabic && korean && query_keys[i] == token_key;
    levels |= static_cast<uint32_t>(may_reach(query[i], token, query_tokens[i].text, token_text, abjad, syllabic,
                                              korean_keys_agree, p.pair_floor, p.agree_threshold))
              << (2 * i);
  }
  return levels;
}

std::vector<std::string> korean_keys_of(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (size_t i = 0; i < tokens.size() && i < kMaxTokens; ++i) out.push_back(korean_syllable_key(tokens[i].text));
  return out;
}

std::vector<TokenSketch> sketches_of(const std::vector<Token>& tokens) {
  std::vector<TokenSketch> out;
  out.reserve(std::min(tokens.size(), kMaxTokens));
  for (size_t i = 0; i < tokens.size() && i < kMaxTokens; ++i) out.push_back(sketch_of(tokens[i]));
  return out;
}

// The tokens of a name as the bound reads them: count(), token(k),
// kind(k), length(k) (TokenVocabulary::kLongToken meaning that or longer),
// first(k) (its first letter), skeleton(k) (its skeleton's sketch) and,
// for the candidate, levels(j):
// levels_against() for its j-th token. Kinds, lengths and first letters
// are asked for apart from tokens because they are read for every token of
// every candidate, and the tokens themselves seldom.
struct TokensOf {
  const std::vector<Token>& tokens;
  size_t count() const { return tokens.size(); }
  const Token& token(size_t k) const { return tokens[k]; }
  TokenKind kind(size_t k) const { return tokens[k].kind; }
  size_t length(size_t k) const { return tokens[k].text.size(); }
  char first(size_t k) const { return first_letter(tokens[k]); }
  name_rules::SkeletonSketch skeleton(size_t k) const { return name_rules::SkeletonSketch::of(tokens[k].skeleton); }
};

// What the search for joined parts reads of each of a name's first
// kMaxTokens tokens, read once per name: every whole is tried against
// every pair of parts of the other name.
struct Outline {
  size_t count = 0;
  std::array<TokenKind, kMaxTokens> kind{};
  std::array<size_t, kMaxTokens> length{};
  std::array<char, kMaxTokens> first{};
  // Only for names from an abjad (may_join_in_consonants).
  std::array<name_rules::SkeletonSketch, kMaxTokens> skeleton{};
};

template <class Tokens>
Outline outline_of(const Tokens& tokens, size_t count, bool abjad) {
  Outline o;
  o.count = count;
  for (size_t k = 0; k < count; ++k) {
    o.kind[k] = tokens.kind(k);
    o.length[k] = tokens.length(k);
    o.first[k] = tokens.first(k);
    if (abjad) o.skeleton[k] = tokens.skeleton(k);
  }
  return o;
}

template <class CandidateTokens>
double bound(const NormalizedName& query, const NormalizedName& candidate, const CandidateTokens& c,
             const MatcherParameters& p) {
  const auto& q = query.tokens;
  const size_t c_count = c.count();
  if (q.empty() || c_count == 0) return 0.0;
  const bool abjad = query.abjad_source || candidate.abjad_source;
  const bool syllabic = query.syllabic_source || candidate.syllabic_source;
  const size_t nq = std::min(q.size(), kMaxTokens), nc = std::min(c_count, kMaxTokens);
  std::array<bool, kMaxTokens> q_may{}, c_may{};
  std::array<uint32_t, kMaxTokens> c_levels{};
  bool strong_possible = false;
  for (size_t j = 0; j < nc; ++j) {
    const uint32_t levels = c_levels[j] = c.levels(j);
    if (levels == 0) continue;
    c_may[j] = true;
    for (size_t i = 0; i < nq; ++i) {
      const uint32_t level = (levels >> (2 * i)) & 3u;
      if (level == 0) continue;
      q_may[i] = true;
      if (level == 2 && (q[i].kind == TokenKind::kName || q[i].kind == TokenKind::kNumber)) strong_possible = true;
    }
  }
  // A part may be two parts of the other name written as one word
  // (match_names pairs those): then it and both parts may pair, and the
  // pair counts as one agreeing part of full weight whatever the parts'
  // kinds ("Sad" / "SA D": a legal form and an initial).
  std::array<bool, kMaxTokens> q_joined{}, c_joined{};
  auto full_weight = [&p](TokenKind kind) { return name_rules::weight_of(kind, p) >= 1.0; };
  const TokensOf query_tokens{q};
  // Every (whole, pair of parts) of both names is tried: their kinds,
  // lengths and first letters are read once, not per try.
  const Outline q_outline = outline_of(query_tokens, nq, abjad), c_outline = outline_of(c, nc, abjad);
  // Whether the i-th whole may be the j-th and next parts as one word.
  auto may_join = [abjad](const Outline& wo, const auto& wholes, size_t i, const Outline& po, const auto& parts,
                          size_t j) {
    if (wo.kind[i] != TokenKind::kName) return false;
    auto lengths_add_up = [](size_t whole, size_t first, size_t second) {
      constexpr size_t kLong = TokenVocabulary::kLongToken;
      return whole >= kLong || first >= kLong || second >= kLong || whole == first + second;
    };
    return (wo.first[i] == po.first[j] && lengths_add_up(wo.length[i], po.length[j], po.length[j + 1]) &&
            name_rules::joins(wholes.token(i), parts.token(j), parts.token(j + 1))) ||
           (abjad && name_rules::may_join_in_consonants(wo.skeleton[i], po.skeleton[j], po.skeleton[j + 1]));
  };
  auto mark_joined = [&strong_possible, &full_weight, &may_join](
                         const Outline& wo, const auto& wholes, std::array<bool, kMaxTokens>& wholes_may,
                         std::array<bool, kMaxTokens>& wholes_joined, const Outline& po, const auto& parts,
                         std::array<bool, kMaxTokens>& parts_may, std::array<bool, kMaxTokens>& parts_joined) {
    auto counted_in_full = [&](size_t j) { return parts_may[j] && (parts_joined[j] || full_weight(po.kind[j])); };
    for (size_t i = 0; i < wo.count; ++i) {
      for (size_t j = 0; j + 1 < po.count; ++j) {
        // Only a join that makes a lost token pairable, a part count in
        // full, or the first strong agreement can raise the bound: the
        // string test comes last.
        if (wholes_may[i] && counted_in_full(j) && counted_in_full(j + 1) && strong_possible) continue;
        if (may_join(wo, wholes, i, po, parts, j)) {
          wholes_may[i] = parts_may[j] = parts_may[j + 1] = strong_possible = true;
          wholes_joined[i] = parts_joined[j] = parts_joined[j + 1] = true;
        }
      }
    }
  };
  mark_joined(q_outline, query_tokens, q_may, q_joined, c_outline, c, c_may, c_joined);
  mark_joined(c_outline, c, c_may, c_joined, q_outline, query_tokens, q_may, q_joined);
  // Tokens that can pair with nothing stay unmatched whatever the
  // assignment; the best case pairs every other token perfectly.
  auto weight = [&p](TokenKind kind, bool joined) {
    const double w = name_rules::weight_of(kind, p);
    return joined ? std::max(w, 1.0) : w;
  };
  double q_pairable = 0, c_pairable = 0, q_lost = 0, c_lost = 0;
  for (size_t i = 0; i < nq; ++i) (q_may[i] ? q_pairable : q_lost) += weight(q[i].kind, q_joined[i]);
  for (size_t j = 0; j < nc; ++j) (c_may[j] ? c_pairable : c_lost) += weight(c_outline.kind[j], c_joined[j]);
  // One name part lost on each side may still pair as a slip (match_names):
  // bounded as if it paired perfectly, when its letters allow a slip of two.
  // How many tokens can pair with nothing, and the last of them.
  auto lost_tokens = [](size_t n, const std::array<bool, kMaxTokens>& may, size_t& last) {
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!may[i]) last = i, ++count;
    }
    return count;
  };
  size_t q_lost_at = 0, c_lost_at = 0;
  if (!syllabic && !abjad && lost_tokens(nq, q_may, q_lost_at) == 1 && lost_tokens(nc, c_may, c_lost_at) == 1 &&
      q[q_lost_at].kind == TokenKind::kName && c_outline.kind[c_lost_at] == TokenKind::kName &&
      bag_distance(q[q_lost_at].bag, c.token(c_lost_at).bag) <= 2) {
    q_pairable += q_lost;
    c_pairable += c_lost;
    q_lost = c_lost = 0;
  }
  // Whether a token of one side may be two of the other written as one
  // word (mark_joined marks only the joins that raise the bound).
  auto any_join = [&] {
    for (size_t i = 0; i < nq; ++i) {
      for (size_t j = 0; j + 1 < nc; ++j) {
        if (may_join(q_outline, query_tokens, i, c_outline, c, j)) return true;
      }
    }
    for (size_t j = 0; j < nc; ++j) {
      for (size_t i = 0; i + 1 < nq; ++i) {
        if (may_join(c_outline, c, j, q_outline, query_tokens, i)) return true;
      }
    }
    return false;
  };
  // Each pair takes one token of each side, so no more tokens of either
  // side pair than the side with fewer pairable tokens has ("Debra Barr" /
  // "Amadou Barry": both of Debra and Barr may pair with Barry, one does),
  // and one more by a slip (match_names) between two names that could not
  // pair otherwise ("Dragas Agan" / "Dragas Dragan"). The rest of the side
  // with more stays unpaired: at least its lightest. A join pairs one
  // token with two, so where one may be, this is not counted.
  const size_t q_may_count = static_cast<size_t>(std::count(q_may.begin(), q_may.begin() + nq, true));
  const size_t c_may_count = static_cast<size_t>(std::count(c_may.begin(), c_may.begin() + nc, true));
  if (q_may_count != c_may_count && !any_join()) {
    auto slip_possible = [&] {
      if (syllabic || abjad) return false;
      for (size_t i = 0; i < nq; ++i) {
        if (q[i].kind != TokenKind::kName) continue;
        for (size_t j = 0; j < nc; ++j) {
          if (c_outline.kind[j] == TokenKind::kName && ((c_levels[j] >> (2 * i)) & 3u) == 0 &&
              bag_distance(q[i].bag, c.token(j).bag) <= 2) {
            return true;
          }
        }
      }
      return false;
    };
    const size_t pairs = std::min(q_may_count, c_may_count);
    const double slip = slip_possible() ? 1.0 : 0.0;
    // The weight left unpaired on a side at least: its whole weight but
    // that of its `pairs` heaviest pairable tokens (and a slip's).
    auto least_unpaired = [&](const std::array<bool, kMaxTokens>& may, size_t n, auto kind_of, double total) {
      std::array<double, kMaxTokens> weights{};
      size_t count = 0;
      for (size_t k = 0; k < n; ++k) {
        if (may[k]) weights[count++] = name_rules::weight_of(kind_of(k), p);
      }
      std::sort(weights.begin(), weights.begin() + count, std::greater<>());
      double paired = slip;
      for (size_t k = 0; k < pairs; ++k) paired += weights[k];
      return std::max(0.0, total - paired);
    };
    if (q_may_count > pairs) {
      q_lost = std::max(q_lost, least_unpaired(q_may, nq, [&](size_t k) { return q[k].kind; }, q_pairable + q_lost));
    } else {
      c_lost = std::max(c_lost, least_unpaired(c_may, nc, [&](size_t k) { return c_outline.kind[k]; }, c_pairable + c_lost));
    }
  }
  double agreed_weight = (q_pairable + c_pairable) / 2.0;
  // match_names divides by agreed + conflict x min(unpaired) + missing x
  // (max(unpaired) - min(unpaired)): when the conflict weighs more than
  // the missing, that grows with either side's unpaired weight, so the
  // least unpaired weights bound it from below (else only its first term).
  const double least_conflicting = std::min(q_lost, c_lost);
  const double least_missing =
      p.conflict_penalty >= p.missing_penalty ? std::max(q_lost, c_lost) - least_conflicting : 0.0;
  double bound = agreed_weight > 0 ? agreed_weight / (agreed_weight + p.conflict_penalty * least_conflicting +
                                                      p.missing_penalty * least_missing)
                                   : 0.0;
  // match_names does not halve a name against the same words (same_words),
  // which have the same count and length.
  if (!strong_possible && !(q.size() == c_count && query.length == candidate.length)) bound *= 0.5;
  const auto q_words = std::count_if(q.begin(), q.end(), [](const Token& t) { return name_rules::counts_as_word(t); });
  long c_words = 0;
  for (size_t k = 0; k < c_count; ++k) c_words += name_rules::counts_as_word(k < nc ? c_outline.kind[k] : c.kind(k)) ? 1 : 0;
  // Against an abjad, match_names does not discount one word that pairs
  // with two by consonants, when nothing else stays unpaired: so neither
  // may the bound, where such a join may be (mark_joined need not have
  // marked it, when the tokens could pair without it).
  if (std::min<long>(q_words, c_words) == 1 && std::max<long>(q_words, c_words) >= 2 &&
      !name_rules::both_organisations(query, candidate) && !(abjad && any_join())) {
    bound *= p.single_name_factor;
  }
  // The other two ways to a score: an acronym, and split or joined tokens.
  if ((q.size() == 1 || c_count == 1) && query.kind != EntityKind::kPerson && candidate.kind != EntityKind::kPerson) {
    bound = std::max(bound, 0.9);
  }
  if (q.size() != c_count) {
    const size_t q_size = query.length, c_size = candidate.length;
    if (q_size >= 6 && c_size >= 6) {
      double joined = 1.0;
      if (q_size != c_size) {
        // Different strings: match_names scores them 0.97 x the mean of
        // Jaro-Winkler and the edit ratio at most, and the edit distance
        // is at least the difference in length. This holds however long
        // the names; Jaro-Winkler's bound (jaro() compares the first 64
        // characters only) only up to 64.
        const double longest = static_cast<double>(std::max(q_size, c_size));
        const double shortest = static_cast<double>(std::min(q_size, c_size));
        joined = 0.97 * (1.0 - (longest - shortest) / (2.0 * longest));
        if (q_size <= 64 && c_size <= 64) joined = std::min(joined, 0.97 * jaro_winkler_upper_bound(query, candidate));
      } else if (q_size <= 64) {
        const double jw = jaro_winkler_upper_bound(query, candidate);
        joined = jw >= 1.0 ? 1.0 : 0.97 * jw;  // 1 only for what may be the same string
      }
      if (joined >= 0.9) bound = std::max(bound, joined);
    }
  }
  return std::min(bound, 1.0);
}

}  // namespace

double name_score_upper_bound(const NormalizedName& query, const NormalizedName& candidate, const MatcherParameters& p) {
  struct Candidate : TokensOf {
    std::vector<TokenSketch> query;
    const std::vector<Token>* query_tokens;
    std::vector<std::string> query_keys;
    bool abjad, syllabic, korean;
    const MatcherParameters& p;
    uint32_t levels(size_t j) const {
      return levels_against(query.data(), *query_tokens, query_keys, query.size(), sketch_of(tokens[j]),
                            tokens[j].text, abjad, syllabic, korean, p);
    }
  };
  const bool syllabic = query.syllabic_source || candidate.syllabic_source;
  const bool korean = query.hangul_source != candidate.hangul_source;
  const Candidate c{{candidate.tokens},
                    sketches_of(query.tokens),
                    &query.tokens,
                    syllabic && korean ? korean_keys_of(query.tokens) : std::vector<std::string>{},
                    query.abjad_source || candidate.abjad_source,
                    syllabic,
                    korean,
                    p};
  return bound(query, candidate, c, p);
}

QueryNameBound::QueryNameBound(const NormalizedName& query, const TokenVocabulary& vocabulary,
                               const MatcherParameters& parameters)
    : query_(query), query_sketches_(sketches_of(query.tokens)), vocabulary_(vocabulary), parameters_(parameters) {}

double QueryNameBound::of(const NormalizedName& candidate, std::span<const uint32_t> token_ids) const {
  struct Candidate {
    const QueryNameBound& self;
    const NormalizedName& name;
    std::span<const uint32_t> ids;
    bool abjad, syllabic, korean;
    size_t count() const { return ids.size(); }
    const Token& token(size_t k) const { return name.tokens[k]; }
    TokenKind kind(size_t k) const { return self.vocabulary_.kind(ids[k]); }
    size_t length(size_t k) const { return self.vocabulary_.length(ids[k]); }
    char first(size_t k) const { return self.vocabulary_.first(ids[k]); }
    name_rules::SkeletonSketch skeleton(size_t k) const {
      const size_t size = self.vocabulary_.skeleton_size(ids[k]);
      return {size >= TokenVocabulary::kLongToken ? name_rules::SkeletonSketch::kUnknownSize : size,
              self.vocabulary_.skeleton_first(ids[k]), self.vocabulary_.skeleton_last(ids[k])};
    }
    uint32_t levels(size_t j) const { return self.levels_against_token(ids[j], abjad, syllabic, korean); }
  };
  const Candidate c{*this, candidate, token_ids, query_.abjad_source || candidate.abjad_source,
                    query_.syllabic_source || candidate.syllabic_source,
                    query_.hangul_source != candidate.hangul_source};
  return bound(query_, candidate, c, parameters_);
}

uint32_t QueryNameBound::levels_against_token(uint32_t id, bool abjad, bool syllabic, bool korean) const {
  const uint32_t way = (korean ? 4u : 0u) + (abjad ? 2u : 0u) + (syllabic ? 1u : 0u);
  const uint32_t key = 8 * id + way + 1;
  // Fibonacci hashing: the product's high bits. Its low bits depend only
  // on the key's low bits, which are the way (the same for most of a
  // query's candidates): taken modulo the table they used one slot in
  // eight as a start, and the probes ran long.
  static_assert(kSlots == 1024, "the shift below takes 10 bits");
  size_t slot = static_cast<uint32_t>(key * 2654435761u) >> 22;
  while (remembered_[slot].key != 0) {
    if (remembered_[slot].key == key) return remembered_[slot].levels;
    slot = (slot + 1) % kSlots;
  }
  if (syllabic && korean && query_keys_.empty()) query_keys_ = korean_keys_of(query_.tokens);
  const uint32_t levels = levels_against(query_sketches_.data(), query_.tokens, query_keys_, query_sketches_.size(),
                                         vocabulary_.sketch(id), vocabulary_.text(id), abjad, syllabic, korean,
                                         parameters_);
  if (remembered_count_ < 3 * kSlots / 4) {
    remembered_[slot] = {key, levels};
    ++remembered_count_;
  }
  return levels;
}

}  // namespace hafnium::services::screening
