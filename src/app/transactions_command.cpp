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
#include "services/screening/domain/csv.h"

namespace hafnium::app {

namespace {

namespace mon = services::monitoring;

struct ImportOptions {
  CommonOptions common;
  std::string tenant;
  std::string input;
  size_t batch = 1000;
};

// CSV columns (docs/monitoring.md): the transaction's fields, the parties'
// as debtor_<field> / creditor_<field>.
const std::set<std::string>& csv_columns() {
  static const std::set<std::string> columns = {
      "id", "occurred_at", "amount", "currency", "type", "channel",
      "debtor_account_id", "debtor_customer_id", "debtor_name", "debtor_country", "debtor_bank_id",
      "creditor_account_id", "creditor_customer_id", "creditor_name", "creditor_country", "creditor_bank_id"};
  return columns;
}

// Yields (line number, JSON object or parse error) for each record.
class Records {
 public:
  explicit Records(const std::string& path) : in_(path, std::ios::binary), csv_(in_) {
    if (!in_) throw std::invalid_argument(path + ": cannot be read");
    ndjson_ = path.ends_with(".ndjson") || path.ends_with(".jsonl");
    if (!ndjson_) {
      auto header = csv_.next();
      if (!header) throw std::invalid_argument(path + ": is empty");
      for (size_t i = 0; i < header->size(); ++i) {
        std::string name = (*header)[i];
        if (!csv_columns().contains(name)) throw std::invalid_argument(path + ":1: unknown column '" + name + "'");
        columns_.push_back(name);
      }
    }
  }

  // false at the end.
  bool next(size_t& line, boost::json::object& object, std::string& error) {
    error.clear();
    if (ndjson_) {
      std::string text;
      while (std::getline(in_, text)) {
        line = ++line_;
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (text.find_first_not_of(" \t") == std::string::npos) continue;
        try {
          auto value = http::parse_json_text(text);
          if (!value.is_object()) error = "not a JSON object";
          else object = std::move(value.as_object());
        } catch (const http::ApiError& e) {
          error = e.detail();
        }
        return true;
      }
      return false;
    }
    auto row = csv_.next();
    if (!row) return false;
    line = csv_.record_line();
    if (row->size() != columns_.size()) {
      error = "expected " + std::to_string(columns_.size()) + " fields, found " + std::to_string(row->size());
      return true;
    }
    object = {};
    boost::json::object debtor, creditor;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& name = columns_[i];
      const auto& value = (*row)[i];
      if (value.empty()) continue;
      if (name.starts_with("debtor_")) debtor[name.substr(7)] = value;
      else if (name.starts_with("creditor_")) creditor[name.substr(9)] = value;
      else object[name] = value;
    }
    object["debtor"] = std::move(debtor);
    object["creditor"] = std::move(creditor);
    return true;
  }

 private:
  std::ifstream in_;
  services::screening::CsvReader csv_;
  bool ndjson_ = false;
  std::vector<std::string> columns_;
  size_t line_ = 0;
};

int import_transactions(const ImportOptions& options) {
  auto db = open_migrated_store(options.common);
  auth::TenantStore tenants(*db);
  auto tenant = tenants.find_by_name(options.tenant);
  if (!tenant) tenant = tenants.find_by_id(options.tenant);
  if (!tenant) throw std::invalid_argument("no tenant '" + options.tenant + "'");
  mon::Ingestion ingestion(db);
  Records records(options.input);
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
