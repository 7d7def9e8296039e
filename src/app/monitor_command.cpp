// hafnium monitor replay: offline replay of a transaction file through the
// monitoring engine, for tuning rules and for audits.
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "app/commands.h"
#include "app/transaction_records.h"
#include "platform/util/json_text.h"
#include "platform/util/time.h"
#include "services/monitoring/domain/detection/engine.h"

namespace hafnium::app {

namespace {

namespace mon = services::monitoring;
namespace det = services::monitoring::detection;

struct ReplayOptions {
  std::string input;
  std::string output;
  std::string rules;  // a directory of rule files; empty: the default pack
};

int replay(const ReplayOptions& options) {
  auto definitions = options.rules.empty() ? det::default_pack() : det::load_rule_directory(options.rules);
  auto compiled = det::RuleSet::compile(definitions);
  if (auto* error = std::get_if<std::pair<std::string, det::RuleError>>(&compiled)) {
    throw std::invalid_argument("rule '" + error->first + "': " + error->second.field + " " + error->second.reason);
  }
  // Read and validate everything first: replay is in event-time order,
  // whatever the order of the file.
  TransactionRecords records(options.input);
  std::vector<mon::Transaction> transactions;
  size_t line = 0, rejected = 0;
  boost::json::object object;
  std::string error;
  const int64_t now = util::now_micros();
  while (records.next(line, object, error)) {
    mon::Transaction t;
    std::vector<http::FieldError> errors;
    if (error.empty() && !mon::read_transaction(object, "", now, {}, t, errors)) {
      error = errors.front().field + ": " + errors.front().reason;
    }
    if (!error.empty()) {
      if (++rejected <= 20) std::fprintf(stderr, "%s:%zu: %s\n", options.input.c_str(), line, error.c_str());
      continue;
    }
    transactions.push_back(std::move(t));
  }
  std::stable_sort(transactions.begin(), transactions.end(),
                   [](const mon::Transaction& a, const mon::Transaction& b) { return a.occurred_at < b.occurred_at; });

  det::TenantEngine engine("replay", {});
  engine.set_rules(std::get<std::shared_ptr<const det::RuleSet>>(compiled));
  std::vector<det::Alert> alerts;  // in the order raised
  std::map<std::string, size_t> by_id;
  const bool tty = isatty(STDERR_FILENO);
  auto started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < transactions.size(); ++i) {
    for (auto& change : engine.process(transactions[i])) {
      auto [it, inserted] = by_id.try_emplace(change.alert.id, alerts.size());
      if (inserted) alerts.push_back(std::move(change.alert));
      else alerts[it->second] = std::move(change.alert);
    }
    if (tty && (i % 4096 == 0 || i + 1 == transactions.size())) {
      std::fprintf(stderr, "\r%zu/%zu transactions  %zu alerts", i + 1, transactions.size(), alerts.size());
      std::fflush(stderr);
    }
  }
  if (tty) std::fputc('\n', stderr);
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  if (!out) throw std::invalid_argument(options.output + ": cannot be written");
  for (const auto& alert : alerts) out << util::to_json_text(det::alert_to_json(alert)) << '\n';
  out.close();
  if (!out) throw std::runtime_error(options.output + ": write failed");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "replayed " << transactions.size() << " transactions (" << rejected << " rejected) through "
            << std::get<std::shared_ptr<const det::RuleSet>>(compiled)->rules().size() << " rules: " << alerts.size()
            << " alerts in " << seconds << " s\n";
  return rejected > 0 ? 1 : 0;
}

}  // namespace

void add_monitor_commands(CLI::App& app, int& exit_code) {
  auto* monitor = app.add_subcommand("monitor", "Transaction monitoring offline");
  monitor->require_subcommand(1);
  auto options = std::make_shared<ReplayOptions>();
  auto* replay_command = monitor->add_subcommand(
      "replay",
      "Replay transactions (NDJSON or CSV) in event-time order through the default pack or --rules DIR; one JSON "
      "alert per line; exits 1 when rows were rejected");
  replay_command->add_option("--input", options->input, "The transactions")->required();
  replay_command->add_option("--output", options->output, "Where the alerts go (JSON lines)")->required();
  replay_command->add_option("--rules", options->rules, "A directory of rule files (*.json)");
  replay_command->callback([options, &exit_code] { exit_code = replay(*options); });
}

}  // namespace hafnium::app
