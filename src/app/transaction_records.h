#pragma once

#include <boost/json/object.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "services/screening/domain/csv.h"

namespace hafnium::app {

// Transaction files for backfills and replays: NDJSON (.ndjson, .jsonl; one
// API transaction object per line) or CSV with the header columns of
// docs/monitoring.md (debtor_<field> and creditor_<field> for the parties).
// Yields each record as the JSON object the API would take.
class TransactionRecords {
 public:
  explicit TransactionRecords(const std::string& path);
  // One record: its line, and the object or why it could not be read.
  // False at the end of the file.
  bool next(size_t& line, boost::json::object& object, std::string& error);

 private:
  std::ifstream in_;
  services::screening::CsvReader csv_;
  bool ndjson_ = false;
  std::vector<std::string> columns_;
  size_t line_ = 0;
};

}  // namespace hafnium::app
