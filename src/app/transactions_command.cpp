// hafnium transactions import: backfills of historical transactions.
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "app/commands.h"
#include "app/options.h"
#include "platform/auth/tenants.h"
#include "platform/http/json_body.h"
#include "platform/util/time.h"
#include "services/monitoring/ingestion.h"
#include "app/transaction_records.h"

namespace hafnium::app {

namespace {

namespace mon = services::monitoring;

struct ImportOptions {
  CommonOptions common;
  std::string tenant;
  std::string input;
  size_t batch = 1000;
};

int import_transactions(const ImportOptions& options) {
  auto db = open_migrated_store(options.common);
  auth::TenantStore tenants(*db);
  auto tenant = tenants.find_by_name(options.tenant);
  if (!tenant) tenant = tenants.find_by_id(options.tenant);
  if (!tenant) throw std::invalid_argument("no tenant '" + options.tenant + "'");
  mon::Ingestion ingestion(db);
  TransactionRecords records(options.input);
  bool tty = isatty(STDERR_FILENO);
  auto started = std::chrono::steady_clock::now();
  size_t created = 0, duplicates = 0, rejected = 0, seen = 0;
  std::vector<mon::Transaction> batch;
  std::vector<size_t> batch_lines;
  auto report = [&](size_t line, const std::string& why) {
    ++rejected;
    if (rejected <= 20) std::fprintf(stderr, "%s:%zu: %s\n", options.input.c_str(), line, why.c_str());
  };
  auto flush = [&] {
    if (batch.empty()) return;
    auto results = ingestion.ingest(tenant->id, batch, "");
    for (size_t k = 0; k < results.size(); ++k) {
      switch (results[k].outcome) {
        case mon::IngestOutcome::kCreated: ++created; break;
        case mon::IngestOutcome::kDuplicate: ++duplicates; break;
        case mon::IngestOutcome::kConflict: report(batch_lines[k], "id already used for a different transaction"); break;
      }
    }
    batch.clear();
    batch_lines.clear();
    if (tty) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::fprintf(stderr, "\r%zu rows  %zu created  %zu duplicates  %zu rejected  %.0f rows/s", seen, created,
                   duplicates, rejected, seconds > 0 ? static_cast<double>(seen) / seconds : 0.0);
      std::fflush(stderr);
    }
  };
  size_t line = 0;
  boost::json::object object;
  std::string error;
  std::set<std::string> ids_in_batch;
  int64_t now = util::now_micros();
  while (records.next(line, object, error)) {
    ++seen;
    if (!error.empty()) {
      report(line, error);
      continue;
    }
    mon::Transaction t;
    std::vector<http::FieldError> errors;
    if (!mon::read_transaction(object, "", now, {}, t, errors)) {
      report(line, errors.front().field + ": " + errors.front().reason +
                       (errors.size() > 1 ? " (+" + std::to_string(errors.size() - 1) + " more)" : ""));
      continue;
    }
    if (!ids_in_batch.insert(t.id).second) {
      // Repeated within the pending batch: store what is pending first, so
      // the repeat is compared with the stored one.
      flush();
      ids_in_batch.clear();
      ids_in_batch.insert(t.id);
    }
    batch.push_back(std::move(t));
    batch_lines.push_back(line);
    if (batch.size() >= options.batch) {
      flush();
      ids_in_batch.clear();
    }
  }
  flush();
  if (tty) std::fputc('\n', stderr);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "imported " << created << " transactions (" << duplicates << " already present, " << rejected
            << " rejected) from " << seen << " rows in " << seconds << " s\n";
  return rejected > 0 ? 1 : 0;
}

}  // namespace

void add_transactions_commands(CLI::App& app, int& exit_code) {
  auto* transactions = app.add_subcommand("transactions", "Transaction data");
  transactions->require_subcommand(1);
  auto options = std::make_shared<ImportOptions>();
  auto* import = transactions->add_subcommand(
      "import", "Backfill transactions from NDJSON (.ndjson/.jsonl) or CSV; exits 1 when rows were rejected");
  add_common_options(*import, options->common);
  import->add_option("--tenant", options->tenant, "Tenant name or id")->required();
  import->add_option("--input", options->input, "The file")->required();
  import->add_option("--batch", options->batch, "Rows per commit (default 1000)");
  import->callback([options, &exit_code] { exit_code = import_transactions(*options); });
}

}  // namespace hafnium::app
