// Match quality of the screening name matcher on the labelled name pairs
// of nomenklatura's name bench (826 pairs: persons, companies, vessels;
// typos, reorderings, initials, transliterations, non-Latin scripts).
//
//   screening_quality CASES.csv [--threshold T] [--split tune|test|all] [--misses] [--slip-similarity S]
//
// The pairs are split deterministically by a hash of the two names: the
// "tune" half is the one parameters were set on, the "test" half is the one
// reported. Prints precision, recall and F1 at the threshold, and the best
// F1 over thresholds.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "platform/util/hash.h"
#include "services/screening/domain/csv.h"
#include "services/screening/domain/name_matcher.h"

using namespace hafnium::services::screening;

namespace {

struct Case {
  std::string schema, name1, name2;
  bool match;
  double score = 0;
};

uint64_t fnv1a(const std::string& text) { return hafnium::util::fnv1a_64(text); }

bool in_split(const Case& c, const std::string& split) {
  bool tune = fnv1a(c.name1 + "\x1f" + c.name2) % 2 == 0;
  return split == "all" || (split == "tune") == tune;
}

EntityKind kind_of(const std::string& schema) {
  if (schema == "Person") return EntityKind::kPerson;
  if (schema == "Vessel") return EntityKind::kVessel;
  if (schema == "Company" || schema == "Organization" || schema == "LegalEntity") {
    return EntityKind::kOrganisation;
  }
  return EntityKind::kUnknown;
}

struct Stats {
  int tp = 0, fp = 0, fn = 0, tn = 0;
  double precision() const { return tp + fp ? static_cast<double>(tp) / (tp + fp) : 0; }
  double recall() const { return tp + fn ? static_cast<double>(tp) / (tp + fn) : 0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

Stats evaluate(const std::vector<Case>& cases, double threshold) {
  Stats s;
  for (const auto& c : cases) {
    bool predicted = c.score >= threshold;
    if (predicted && c.match) ++s.tp;
    else if (predicted) ++s.fp;
    else if (c.match) ++s.fn;
    else ++s.tn;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: screening_quality CASES.csv [--threshold T] [--split tune|test|all] [--misses] [--slip-similarity S]\n";
    return 2;
  }
  double threshold = kDefaultThreshold;
  std::string split = "test";
  bool misses = false;
  bool tune = false;
  double slip_similarity = MatcherParameters{}.slip_similarity;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threshold" && i + 1 < argc) threshold = std::stod(argv[++i]);
    else if (arg == "--split" && i + 1 < argc) split = argv[++i];
    else if (arg == "--misses") misses = true;
    else if (arg == "--tune") tune = true;
    else if (arg == "--slip-similarity" && i + 1 < argc) slip_similarity = std::stod(argv[++i]);
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  CsvReader reader(in);
  auto header = reader.next();
  std::vector<Case> cases;
  std::vector<std::pair<NormalizedName, NormalizedName>> names;
  while (auto row = reader.next()) {
    if (row->size() < 5) continue;
    Case c{(*row)[1], (*row)[2], (*row)[3], (*row)[4] == "true"};
    if (!in_split(c, split)) continue;
    auto kind = kind_of(c.schema);
    names.emplace_back(normalize_name(c.name1, kind), normalize_name(c.name2, kind));
    cases.push_back(std::move(c));
  }
  MatcherParameters parameters;
  parameters.slip_similarity = slip_similarity;
  if (tune) {
    // Grid search of the matcher's parameters and the threshold, for the
    // best F1 on this split (run it on --split tune only).
    double best_f1 = 0;
    for (double floor : {0.6, 0.7, 0.8}) {
      for (double power : {1.0, 2.0, 3.0, 4.0}) {
        for (double conflict : {1.0, 1.5, 2.0, 3.0, 4.0}) {
          for (double missing : {0.1, 0.2, 0.35}) {
            for (double agree : {0.8, 0.86, 0.9}) {
             for (double single : {0.6, 0.7, 0.8, 1.0}) {
              MatcherParameters candidate;
              candidate.slip_similarity = slip_similarity;
              candidate.single_name_factor = single;
              candidate.pair_floor = floor;
              candidate.similarity_power = power;
              candidate.conflict_penalty = conflict;
              candidate.missing_penalty = missing;
              candidate.agree_threshold = agree;
              for (size_t i = 0; i < cases.size(); ++i) {
                cases[i].score = match_names(names[i].first, names[i].second, candidate).score;
              }
              for (int t = 50; t <= 95; ++t) {
                auto s = evaluate(cases, t / 100.0);
                if (s.f1() > best_f1) {
                  best_f1 = s.f1();
                  parameters = candidate;
                  threshold = t / 100.0;
                }
              }
             }
            }
          }
        }
      }
    }
    std::printf("tuned: pair_floor %.2f power %.1f conflict %.2f missing %.2f agree %.2f single %.2f threshold %.2f\n",
                parameters.pair_floor, parameters.similarity_power, parameters.conflict_penalty,
                parameters.missing_penalty, parameters.agree_threshold,
                parameters.single_name_factor, threshold);
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    cases[i].score = match_names(names[i].first, names[i].second, parameters).score;
  }
  auto at = evaluate(cases, threshold);
  std::printf("split %s: %zu pairs\n", split.c_str(), cases.size());
  std::printf("at threshold %.2f: precision %.3f recall %.3f F1 %.3f (tp %d fp %d fn %d tn %d)\n",
              threshold, at.precision(), at.recall(), at.f1(), at.tp, at.fp, at.fn, at.tn);
  double best_t = 0;
  Stats best;
  for (int t = 30; t <= 99; ++t) {
    auto s = evaluate(cases, t / 100.0);
    if (s.f1() > best.f1()) {
      best = s;
      best_t = t / 100.0;
    }
  }
  std::printf("best F1 %.3f at threshold %.2f (precision %.3f recall %.3f)\n", best.f1(), best_t,
              best.precision(), best.recall());
  if (misses) {
    for (const auto& c : cases) {
      bool predicted = c.score >= threshold;
      if (predicted != c.match) {
        std::printf("%s %.3f %-8s | %s | %s\n", c.match ? "FN" : "FP", c.score, c.schema.c_str(),
                    c.name1.c_str(), c.name2.c_str());
      }
    }
  }
  return 0;
}
