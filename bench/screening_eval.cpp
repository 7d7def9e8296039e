// Screening measurements that need the loaded lists:
//
//   screening_eval load
//       import every bundled list; counts, time, resident memory of the index
//   screening_eval negatives NEGATIVES.csv [--threshold T] [--every-match]
//       share of 50,000 synthetic non-listed persons with any match;
//       --every-match prints each one's best match: listed name, list,
//       entity id, listed type, score and reason codes
//   screening_eval calibration OFAC_FIXTURES.csv
//       Spearman rank correlation with the scores of OFAC's own search tool
//   screening_eval latency NEGATIVES.csv
//       single-party check latency percentiles, half clear names, half listed names
//   screening_eval recall CASES.csv [--every-miss]
//       candidate recall: for every labelled matching pair, is the list-side
//       name among the candidates of the query name, with all lists loaded?
//   screening_eval listed [--every-miss]
//       every name on the bundled lists, screened as the list writes it
//       (with the entity's type and nothing else): does it find the entity
//       that lists it?
//   screening_eval scripts [--every-miss]
//       every person's name the bundled lists write in Arabic, Hebrew,
//       Cyrillic, Greek, Chinese, Korean or Japanese script, screened
//       against the lists' Latin names only (as a Latin-only list such as
//       OFAC's is): does it find its own entry?
//   screening_eval ongoing NEGATIVES.csv
//       the stored path on the embedded store (a fresh SQLite file): every
//       bundled list imported, the 50,000 persons checked in batches of
//       10,000 (screened and stored with their checks and events), then the
//       UN list imported again and the re-screening it owes run: parties/s
//       of each step
//
// Lists are read from data/lists (HAFNIUM_LISTS_DIR overrides).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "platform/runtime/platform_schema.h"
#include "platform/store/migrations.h"
#include "platform/telemetry/metrics.h"
#include "platform/util/utf8.h"
#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/countries.h"
#include "services/screening/domain/csv.h"
#include "services/screening/domain/entity_json.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/screener.h"
#include "services/screening/service.h"
#include "services/targets.h"

using namespace hafnium::services::screening;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<WatchlistEntity> load_bundled(bool verbose) {
  std::vector<WatchlistEntity> all;
  for (const auto& spec : bundled_lists(bundled_lists_dir())) {
    auto start = Clock::now();
    auto list = import_list(spec.source, {spec.path});
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    size_t names = 0;
    for (const auto& e : list.entities) names += e.names.size();
    if (verbose) std::printf("%-9s %6zu entities %7zu names  %7.1f ms\n", spec.source.c_str(), list.entities.size(), names, ms);
    for (auto& e : list.entities) all.push_back(std::move(e));
  }
  return all;
}

std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> r(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    double rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1;
    for (size_t k = i; k <= j; ++k) r[order[k]] = rank;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(a.size());
  mb /= static_cast<double>(b.size());
  double num = 0, da = 0, db = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) * (a[i] - ma);
    db += (b[i] - mb) * (b[i] - mb);
  }
  return num / std::sqrt(da * db);
}

}  // namespace

int ongoing(const std::string& negatives) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("hafnium-ongoing-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto db = hafnium::store::Database::open("sqlite://" + (dir / "h.db").string(), 4);
  hafnium::store::apply_migrations(*db, "platform", hafnium::runtime::platform_migrations());
  hafnium::store::apply_migrations(*db, "screening", hafnium::services::make_target("screening")->migrations());
  ScreeningService service(db);
  const Actor operator_actor{"", "cli:bench", ""};
  ScreeningService::RescreenRun run;
  run.worker = "bench";
  for (const auto& spec : bundled_lists(bundled_lists_dir())) {
    auto list = import_list(spec.source, {spec.path});
    apply_list_date(list, spec.list_date);
    service.import(kSharedLists, list, operator_actor);
  }
  service.run_rescreens(run);  // nobody screened yet
  std::vector<CheckRequest> parties;
  {
    std::ifstream in(negatives);
    CsvReader reader(in);
    reader.next();
    while (auto row = reader.next()) {
      if (row->size() < 8) continue;
      CheckRequest r;
      r.party.name = (*row)[0];
      r.party.kind = EntityKind::kPerson;
      r.party.birth_date = (*row)[5];
      r.party.country = country_code((*row)[7]);
      r.reference = "p" + std::to_string(parties.size());
      parties.push_back(std::move(r));
    }
  }
  const Actor tenant{"bench-tenant", "api-key:bench", ""};
  auto t0 = Clock::now();
  size_t potential = 0;
  for (size_t at = 0; at < parties.size(); at += 10'000) {
    std::vector<CheckRequest> batch(parties.begin() + static_cast<std::ptrdiff_t>(at),
                                    parties.begin() + static_cast<std::ptrdiff_t>(std::min(parties.size(), at + 10'000)));
    for (const auto& d : service.check_batch(batch, tenant)) potential += d.at("status") == "potential_match" ? 1 : 0;
  }
  double checked = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("checks: %zu parties screened and stored in batches of 10,000 in %.2f s = %.0f parties/s (%zu potential matches)\n",
              parties.size(), checked, static_cast<double>(parties.size()) / checked, potential);
  for (const auto& spec : bundled_lists(bundled_lists_dir())) {
    if (spec.source != "un") continue;
    auto list = import_list(spec.source, {spec.path});
    apply_list_date(list, spec.list_date);
    service.import(kSharedLists, list, operator_actor);
  }
  t0 = Clock::now();
  auto done = service.run_rescreens(run);
  double rescreened = std::chrono::duration<double>(Clock::now() - t0).count();
  for (const auto& job : done) {
    std::printf("re-screening after %s version %lld: %lld parties in %.2f s = %.0f parties/s, %lld new hits\n",
                job.source.c_str(), static_cast<long long>(job.version), static_cast<long long>(job.parties_screened),
                rescreened, static_cast<double>(job.parties_screened) / rescreened,
                static_cast<long long>(job.hits_raised));
  }
  db.reset();
  fs::remove_all(dir);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: screening_eval load | negatives FILE | calibration FILE | recall FILE | latency FILE | listed | scripts | "
                 "ongoing FILE\n";
    return 2;
  }
  std::string mode = argv[1];
  double threshold = kDefaultThreshold;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--threshold") threshold = std::stod(argv[i + 1]);
  }
  bool every = false;  // --every-match, --every-miss: one line each, for comparing two builds
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--every-match" || std::string(argv[i]) == "--every-miss") every = true;
  }
  if (mode == "ongoing" && argc >= 3) return ongoing(argv[2]);
  if (mode == "calibration") {
    std::ifstream in(argv[2]);
    CsvReader reader(in);
    reader.next();
    std::vector<double> ours, theirs;
    while (auto row = reader.next()) {
      if (row->size() < 3) continue;
      ours.push_back(match_names(normalize_name((*row)[0]), normalize_name((*row)[1])).score);
      theirs.push_back(std::stod((*row)[2]));
    }
    std::printf("calibration: %zu pairs, Spearman rank correlation with the OFAC tool %.3f\n",
                ours.size(), pearson(ranks(ours), ranks(theirs)));
    return 0;
  }

  double rss_before = hafnium::telemetry::process_resident_bytes();
  auto start = Clock::now();
  auto entities = load_bundled(mode == "load");
  double import_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  auto index_start = Clock::now();
  auto index = std::make_shared<const WatchlistIndex>(std::move(entities));
  double index_ms = std::chrono::duration<double, std::milli>(Clock::now() - index_start).count();
  double rss_after = hafnium::telemetry::process_resident_bytes();
  Screener screener(index);

  if (mode == "load") {
    std::printf("all lists: %zu entities, %zu names, %zu index keys, %zu distinct name tokens\n",
                index->entities().size(), index->name_count(), index->posting_keys(), index->vocabulary().size());
    std::printf("import %.0f ms, index %.0f ms, total %.0f ms; resident memory +%.0f MB\n", import_ms,
                index_ms, import_ms + index_ms, (rss_after - rss_before) / 1e6);
    return 0;
  }
  if (mode == "latency") {
    // Single-party checks in process, one at a time: names from the
    // negatives file (mostly clear) interleaved with listed names (matches).
    std::ifstream in(argv[2]);
    CsvReader reader(in);
    reader.next();
    std::vector<Party> parties;
    while (auto row = reader.next()) {
      if (row->size() < 8 || parties.size() >= 20000) break;
      Party p;
      p.name = (*row)[0];
      p.kind = EntityKind::kPerson;
      p.birth_date = (*row)[5];
      parties.push_back(std::move(p));
      const auto& listed = index->entities()[(parties.size() * 7919) % index->entities().size()];
      Party q;
      q.name = listed.primary_name();
      parties.push_back(std::move(q));
    }
    std::vector<double> micros;
    micros.reserve(parties.size());
    for (const auto& party : parties) {
      auto t = Clock::now();
      auto matches = screener.screen(party);
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    }
    std::sort(micros.begin(), micros.end());
    auto at = [&](double q) { return micros[static_cast<size_t>(q * static_cast<double>(micros.size() - 1))]; };
    std::printf("single-party check, all lists loaded, %zu checks: p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us\n",
                micros.size(), at(0.5), at(0.9), at(0.99), micros.back());
    return 0;
  }
  if (mode == "negatives") {
    std::ifstream in(argv[2]);
    CsvReader reader(in);
    reader.next();  // full_name,first_name,middle_name,last_name,gender,date_of_birth,place_of_birth,nationality
    size_t total = 0, matched = 0;
    std::map<std::string, int> examples;
    auto t0 = Clock::now();
    while (auto row = reader.next()) {
      if (row->size() < 8) continue;
      Party party;
      party.name = (*row)[0];
      party.kind = EntityKind::kPerson;
      party.birth_date = (*row)[5];
      party.country = country_code((*row)[7]);
      ScreeningOptions options;
      options.threshold = threshold;
      auto matches = screener.screen(party, options);
      ++total;
      if (!matches.empty()) {
        ++matched;
        if (every) {
          std::string reasons;
          for (const auto& r : matches[0].reasons) reasons += (reasons.empty() ? "" : ",") + r;
          std::printf("match: %s -> %s %s:%s %s (%.2f) %s\n", party.name.c_str(), matches[0].matched_name.c_str(),
                      matches[0].list.c_str(), matches[0].entity_id.c_str(),
                      kind_name(index->entities()[matches[0].entity_index].kind).c_str(), matches[0].score,
                      reasons.c_str());
        }
        if (examples.size() < 15) examples[party.name + " -> " + matches[0].matched_name + " (" + std::to_string(matches[0].score).substr(0, 4) + ")"]++;
      }
    }
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("negatives: %zu persons, %zu with a match at %.2f = %.2f%% (%.0f parties/s on one thread)\n",
                total, matched, threshold, 100.0 * static_cast<double>(matched) / static_cast<double>(total),
                static_cast<double>(total) / seconds);
    for (const auto& [example, n] : examples) std::printf("  e.g. %s\n", example.c_str());
    return 0;
  }
  if (mode == "recall") {
    // Each matching pair's list-side name joins a fresh index with all lists.
    std::ifstream in(argv[2]);
    CsvReader reader(in);
    reader.next();
    std::vector<std::pair<std::string, std::string>> pairs;
    std::vector<std::string> list_names;
    std::vector<EntityKind> kinds;  // as the pair's schema says, for both names
    std::vector<WatchlistEntity> extended = index->entities();
    while (auto row = reader.next()) {
      if (row->size() < 5 || (*row)[4] != "true") continue;
      WatchlistEntity e;
      e.list = "bench";
      e.id = "pair-" + std::to_string(pairs.size());
      e.kind = (*row)[1] == "Person" ? EntityKind::kPerson : EntityKind::kOrganisation;
      e.names.push_back({(*row)[3], NameStrength::kStrong, true, {}});
      extended.push_back(std::move(e));
      list_names.push_back((*row)[3]);
      kinds.push_back(e.kind);
      pairs.emplace_back((*row)[2], "pair-" + std::to_string(pairs.size()));
    }
    WatchlistIndex big(std::move(extended));
    size_t found = 0, accepted = 0, accepted_found = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
      const auto& [query, id] = pairs[i];
      auto normalized = normalize_name(query, kinds[i]);
      const auto list_side = normalize_name(list_names[i], kinds[i]);
      bool among = false;
      // The list-side name, or the very same name (as normalised) of a
      // listed entity: a bundled list that holds "Al Qa'ida" under several
      // entities offers it as often, and which of the equal names is ranked
      // first is a tie, not a miss.
      const std::string wanted = list_side.joined();
      for (uint32_t candidate : big.candidates(normalized, ScreeningOptions{}.candidates)) {
        if (big.entities()[big.name(candidate).entity].id == id || big.name(candidate).name.joined() == wanted) {
          among = true;
          break;
        }
      }
      found += among;
      // What the lost candidates cost: a pair the matcher would accept at
      // the default threshold and the index never offers it is a miss.
      if (match_names(normalized, list_side).score >= kDefaultThreshold) {
        ++accepted;
        accepted_found += among;
        if (!among && every) std::printf("lost: %s | %s\n", query.c_str(), list_names[i].c_str());
      }
    }
    std::printf("candidate recall: %zu of %zu matching pairs (%.1f%%) among the top %zu candidates of %zu names\n",
                found, pairs.size(), 100.0 * static_cast<double>(found) / static_cast<double>(pairs.size()),
                ScreeningOptions{}.candidates, big.name_count());
    std::printf("of the %zu the matcher accepts at %.2f, %zu are among the candidates (%.1f%%)\n", accepted,
                kDefaultThreshold, accepted_found,
                100.0 * static_cast<double>(accepted_found) / static_cast<double>(accepted));
    return 0;
  }
  if (mode == "listed") {
    // A listed name must find its own entity when it is screened exactly as
    // the list writes it. A name the lists hold under many entities ("Al
    // Qa'ida") may crowd its own entity out of the candidates: such a name
    // counts as found when an entity listing the very same name (as
    // normalised) matches.
    size_t names = 0, own = 0, same_name = 0;
    std::map<std::string, int> examples;
    auto t0 = Clock::now();
    for (uint32_t id = 0; id < index->name_count(); ++id) {
      const auto& indexed = index->name(id);
      const auto& entity = index->entities()[indexed.entity];
      Party party;
      party.name = entity.names[indexed.variant].full;
      party.kind = entity.kind;
      ScreeningOptions options;
      options.threshold = threshold;
      const auto matches = screener.screen(party, options);
      ++names;
      bool found_own = false, found_same = false;
      const std::string wanted = indexed.name.joined();
      for (const auto& match : matches) {
        if (match.entity_index == indexed.entity) found_own = true;
        const auto& other = index->entities()[match.entity_index];
        for (const auto& name : other.names) {
          if (normalize_name(name.full, indexed.name.kind).joined() == wanted) found_same = true;
        }
      }
      own += found_own;
      same_name += !found_own && found_same;
      if (!found_own && !found_same) {
        const double best = matches.empty() ? 0.0 : matches[0].score;
        if (every) std::printf("missed: %s | %s (best match %.2f)\n", entity.id.c_str(), party.name.c_str(), best);
        if (examples.size() < 15) examples[entity.list + " " + entity.id + ": " + party.name]++;
      }
    }
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("listed names: %zu screened as written; %zu find their own entity, %zu more an entity with the same "
                "name, %zu neither (%.0f names/s on one thread)\n",
                names, own, same_name, names - own - same_name, static_cast<double>(names) / seconds);
    for (const auto& [example, n] : examples) std::printf("  e.g. %s\n", example.c_str());
    return 0;
  }
  if (mode == "scripts") {
    // The same entries with their Latin names only: a query in another
    // script must reach them through transliteration (and, from an abjad,
    // consonant skeletons), as it must reach a list that writes only Latin.
    std::vector<WatchlistEntity> latin_only;
    std::vector<uint32_t> latin_entity;  // its index among index->entities()
    for (uint32_t e = 0; e < index->entities().size(); ++e) {
      WatchlistEntity copy = index->entities()[e];
      std::erase_if(copy.names, [&](const EntityName& n) { return !hafnium::util::is_ascii(n.full); });
      if (copy.names.empty()) continue;
      latin_only.push_back(std::move(copy));
      latin_entity.push_back(e);
    }
    Screener latin_screener(std::make_shared<const WatchlistIndex>(std::move(latin_only)));
    struct Tally {
      size_t names = 0, found = 0;
    };
    std::map<std::string, Tally> by_script;
    for (size_t k = 0; k < latin_entity.size(); ++k) {
      const auto& entity = index->entities()[latin_entity[k]];
      // People's names are transliterated; companies' are often translated
      // ("Народен фронт за освобождение на Палестина"), which no matcher of
      // names can bridge.
      if (entity.kind != EntityKind::kPerson) continue;
      for (const auto& name : entity.names) {
        if (hafnium::util::is_ascii(name.full)) continue;
        const auto normalized = normalize_name(name.full, entity.kind);
        if (normalized.tokens.empty() || normalized.mixed_scripts) continue;
        // Latin letters with diacritics ("Şali") are Latin: only names with
        // letters of another script (U+0370 to U+1DFF: Greek to Mongolian;
        // U+2E80 and up: Chinese, Japanese, Korean) count.
        bool other_script = false;
        for (size_t i = 0; i < name.full.size();) {
          const auto c = static_cast<unsigned char>(name.full[i]);
          const size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
          uint32_t cp = length == 1 ? c : c & (0xFF >> (length + 1));
          for (size_t j = 1; j < length && i + j < name.full.size(); ++j) {
            cp = (cp << 6) | (static_cast<unsigned char>(name.full[i + j]) & 0x3F);
          }
          if ((cp >= 0x370 && cp <= 0x1DFF) || cp >= 0x2E80) other_script = true;
          i += length;
        }
        if (!other_script) continue;
        const std::string script = normalized.abjad_source      ? "Arabic or Hebrew"
                                   : normalized.syllabic_source ? "Chinese, Korean or Japanese"
                                                                : "Cyrillic, Greek and others";
        Party party;
        party.name = name.full;
        party.kind = entity.kind;
        ScreeningOptions options;
        options.threshold = threshold;
        bool found = false;
        double best_own = 0;
        for (const auto& match : latin_screener.screen(party, options)) {
          if (latin_entity[match.entity_index] == latin_entity[k]) found = true;
        }
        auto& tally = by_script[script];
        ++tally.names;
        tally.found += found;
        if (!found && every) {
          for (const auto& latin : latin_screener.index().entities()[k].names) {
            best_own = std::max(best_own, match_names(normalized, normalize_name(latin.full, entity.kind)).score);
          }
          std::printf("missed: %s %s | %s | %s (own Latin names at best %.2f)\n", entity.list.c_str(), entity.id.c_str(),
                      name.full.c_str(), entity.primary_name().c_str(), best_own);
        }
      }
    }
    for (const auto& [script, tally] : by_script) {
      std::printf("%s: %zu persons' names, %zu find their entry by its Latin names (%.1f%%)\n", script.c_str(), tally.names,
                  tally.found, 100.0 * static_cast<double>(tally.found) / static_cast<double>(tally.names));
    }
    return 0;
  }
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
