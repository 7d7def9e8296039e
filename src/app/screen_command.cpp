// hafnium screen: offline batch screening of a file of parties, the way
// compliance teams screen a whole customer base.
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "app/commands.h"
#include "app/progress.h"
#include "platform/telemetry/logging.h"
#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/countries.h"
#include "services/screening/domain/csv.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/screener.h"

namespace hafnium::app {

namespace {

namespace sc = services::screening;

struct ScreenOptions {
  std::vector<std::string> lists;
  std::string input;
  std::string output;
  double threshold = sc::kDefaultThreshold;
  size_t workers = 0;
};

struct InputRow {
  std::string id;
  sc::Party party;
};

// Reads and validates the whole input first: a file with bad rows is
// refused before anything is written, with every bad row named (the first
// kMaxReported of them), so that one pass fixes the file.
constexpr size_t kMaxReported = 20;

std::vector<InputRow> read_parties(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot be read");
  sc::CsvReader reader(in);
  std::optional<std::vector<std::string>> header;
  try {
    header = reader.next();
  } catch (const sc::CsvReader::Error& error) {
    throw std::invalid_argument(path + ":" + std::to_string(error.line()) + ": " + error.reason());
  }
  if (!header) throw std::invalid_argument(path + ": is empty");
  static const std::set<std::string> known = {"id", "name", "type", "birth_date", "country"};
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header->size(); ++i) {
    std::string name = sc::trim((*header)[i]);
    if (!known.contains(name)) {
      throw std::invalid_argument(path + ":1: unknown column '" + name +
                                  "' (columns: id, name, type, birth_date, country)");
    }
    column[name] = i;
  }
  if (!column.contains("id") || !column.contains("name")) {
    throw std::invalid_argument(path + ":1: the header needs the columns id and name");
  }
  std::vector<InputRow> rows;
  std::vector<std::string> problems;
  size_t bad_rows = 0;
  // Results are found by id: two rows with one id (a customer file
  // exported twice over, two customers under one number) would give two
  // answers for one id.
  std::map<std::string, size_t> id_lines;
  auto reject = [&](const std::string& problem) {
    if (problems.size() < kMaxReported) problems.push_back(problem);
    ++bad_rows;
  };
  while (true) {
    std::optional<std::vector<std::string>> row;
    try {
      row = reader.next();
    } catch (const sc::CsvReader::Error& error) {
      reject(path + ":" + std::to_string(error.line()) + ": " + error.reason());
      if (error.rest_consumed()) break;
      continue;
    }
    if (!row) break;
    std::string where = path + ":" + std::to_string(reader.record_line());
    if (row->size() == 1 && sc::trim((*row)[0]).empty()) continue;
    if (row->size() != header->size()) {
      reject(where + ": expected " + std::to_string(header->size()) + " fields, found " + std::to_string(row->size()));
      continue;
    }
    auto get = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() ? std::string() : sc::trim((*row)[it->second]);
    };
    InputRow input;
    input.id = get("id");
    input.party.name = get("name");
    std::string type = get("type");
    if (input.id.empty()) {
      reject(where + ": id is empty");
    } else if (auto [first, fresh] = id_lines.try_emplace(input.id, reader.record_line()); !fresh) {
      reject(where + ": id '" + input.id + "' is also on line " + std::to_string(first->second));
    } else if (input.party.name.empty()) {
      reject(where + ": name is empty");
    } else if (input.party.name.size() > 1024) {
      reject(where + ": name is longer than 1024 bytes");
    } else if (!type.empty() && type != "person" && type != "organisation" && type != "organization" &&
               type != "company" && type != "vessel" && type != "aircraft") {
      reject(where + ": type must be person, organisation, vessel or aircraft");
    } else {
      if (type.empty()) input.party.kind = sc::EntityKind::kUnknown;
      else if (type == "person") input.party.kind = sc::EntityKind::kPerson;
      else if (type == "vessel") input.party.kind = sc::EntityKind::kVessel;
      else if (type == "aircraft") input.party.kind = sc::EntityKind::kAircraft;
      else input.party.kind = sc::EntityKind::kOrganisation;
      bool good = true;
      if (auto dob = get("birth_date"); !dob.empty()) {
        input.party.birth_date = sc::parse_list_date(dob);
        if (input.party.birth_date.empty()) {
          reject(where + ": birth_date must be YYYY, YYYY-MM or YYYY-MM-DD");
          good = false;
        }
      }
      if (auto country = get("country"); good && !country.empty()) {
        input.party.country = sc::country_code(country);
        if (input.party.country.empty()) {
          reject(where + ": unknown country '" + country + "'");
          good = false;
        }
      }
      if (good) rows.push_back(std::move(input));
    }
  }
  if (bad_rows > 0) {
    std::string message = std::to_string(bad_rows) + (bad_rows == 1 ? " row is" : " rows are") +
                          " invalid; nothing was screened:";
    for (const auto& problem : problems) message += "\n  " + problem;
    if (bad_rows > problems.size()) message += "\n  ... and " + std::to_string(bad_rows - problems.size()) + " more";
    throw std::invalid_argument(message);
  }
  return rows;
}

int screen(const ScreenOptions& options) {
  std::vector<sc::ListSpec> specs;
  for (const auto& text : options.lists) specs.push_back(sc::parse_list_spec(text));
  if (specs.empty()) specs = sc::bundled_lists(sc::bundled_lists_dir());
  if (options.threshold < 0 || options.threshold > 1) throw std::invalid_argument("--threshold must be in [0,1]");
  auto rows = read_parties(options.input);
  auto index = std::make_shared<const sc::WatchlistIndex>(sc::load_lists(specs));
  sc::Screener screener(index);
  std::cerr << "screening " << rows.size() << " parties against " << index->entities().size()
            << " list entries (" << specs.size() << " lists), threshold " << options.threshold << "\n";

  std::vector<std::string> lines(rows.size());
  std::atomic<size_t> next{0}, done{0};
  size_t workers = options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  // When each worker ran out of parties: the batch took until the last,
  // timed by the workers themselves (the progress loop below only wakes
  // every 100 ms, which would round a one-second batch up by up to 10 %).
  std::vector<std::chrono::steady_clock::time_point> finished(workers, started);
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      sc::ScreeningOptions screening;
      screening.threshold = options.threshold;
      for (size_t i = next++; i < rows.size(); i = next++) {
        auto matches = screener.screen(rows[i].party, screening);
        // Written by hand: scores as plain decimals (0.849, not 8.49E-1).
        std::string line = "{\"id\":\"" + telemetry::json_escape(rows[i].id) + "\",\"matches\":[";
        for (size_t k = 0; k < matches.size(); ++k) {
          const auto& m = matches[k];
          char score[16];
          std::snprintf(score, sizeof score, "%.3f", m.score);
          line += (k ? ",{" : "{");
          line += "\"entity_id\":\"" + telemetry::json_escape(m.entity_id) + "\",\"list\":\"" +
                  telemetry::json_escape(m.list) + "\",\"name\":\"" + telemetry::json_escape(m.matched_name) +
                  "\",\"score\":" + score + "}";
        }
        lines[i] = line + "]}";
        ++done;
      }
      finished[w] = std::chrono::steady_clock::now();
    });
  }
  bool tty = isatty(STDERR_FILENO);
  while (done.load() < rows.size()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (tty) draw_progress(done.load(), rows.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), "parties");
  }
  for (auto& t : threads) t.join();
  double seconds =
      std::chrono::duration<double>(*std::max_element(finished.begin(), finished.end()) - started).count();
  if (tty) {
    draw_progress(rows.size(), rows.size(), seconds, "parties");
    std::fputc('\n', stderr);
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  if (!out) throw std::invalid_argument(options.output + ": cannot be written");
  size_t with_matches = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    out << lines[i] << '\n';
    if (lines[i].find("\"matches\":[]") == std::string::npos) ++with_matches;
  }
  out.close();
  if (!out) throw std::runtime_error(options.output + ": write failed");
  std::fprintf(stderr, "%zu parties in %.2f s (%.0f/s on %zu threads); %zu with matches -> %s\n", rows.size(),
               seconds, seconds > 0 ? static_cast<double>(rows.size()) / seconds : 0.0, workers, with_matches,
               options.output.c_str());
  return 0;
}

}  // namespace

void add_screen_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ScreenOptions>();
  auto* command = app.add_subcommand("screen", "Screen a CSV file of parties against watchlists, offline");
  command->add_option("--list", options->lists,
                      "SOURCE=PATH (repeatable; sources ofac-sdn, ofac-xml, un, uk, eu, custom:NAME); "
                      "default: the bundled lists");
  command->add_option("--input", options->input, "CSV with a header: id,name required; type,birth_date,country optional")->required();
  command->add_option("--output", options->output, "JSON Lines, one object per input row, in input order")->required();
  command->add_option("--threshold", options->threshold, "Report matches at or above this score");
  command->add_option("--workers", options->workers, "Threads (default: one per core)");
  command->callback([options, &exit_code] { exit_code = screen(*options); });
}

}  // namespace hafnium::app
