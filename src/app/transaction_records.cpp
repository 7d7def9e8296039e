#include "app/transaction_records.h"

#include <set>
#include <stdexcept>

#include "platform/http/json_body.h"
#include "platform/http/problem.h"

namespace hafnium::app {

namespace {
// CSV columns (docs/monitoring.md): the transaction's fields, the parties'
// as debtor_<field> / creditor_<field>.
const std::set<std::string>& csv_columns() {
  static const std::set<std::string> columns = {
      "id", "occurred_at", "amount", "currency", "type", "channel",
      "debtor_account_id", "debtor_customer_id", "debtor_name", "debtor_country", "debtor_bank_id",
      "creditor_account_id", "creditor_customer_id", "creditor_name", "creditor_country", "creditor_bank_id"};
  return columns;
}

}  // namespace

TransactionRecords::TransactionRecords(const std::string& path) : in_(path, std::ios::binary), csv_(in_) {
  if (!in_) throw std::invalid_argument(path + ": cannot be read");
  ndjson_ = path.ends_with(".ndjson") || path.ends_with(".jsonl");
  if (!ndjson_) {
    std::optional<std::vector<std::string>> header;
    try {
      header = csv_.next();
    } catch (const services::screening::CsvReader::Error& e) {
      throw std::invalid_argument(path + ":" + std::to_string(e.line()) + ": " + e.reason());
    }
    if (!header) throw std::invalid_argument(path + ": is empty");
    for (size_t i = 0; i < header->size(); ++i) {
      std::string name = (*header)[i];
      if (!csv_columns().contains(name)) throw std::invalid_argument(path + ":1: unknown column '" + name + "'");
      columns_.push_back(name);
    }
  }
}

bool TransactionRecords::next(size_t& line, boost::json::object& object, std::string& error) {
  error.clear();
  if (ndjson_) {
    std::string text;
    while (std::getline(in_, text)) {
      line = ++line_;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      // A byte order mark before the first line (Windows tools write one
      // into "UTF-8" text files) is not part of its JSON.
      if (line_ == 1 && text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
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
  std::optional<std::vector<std::string>> row;
  try {
    row = csv_.next();
  } catch (const services::screening::CsvReader::Error& e) {
    // A field that is not UTF-8 (the row is skipped), or a quote left
    // open to the end of the file: the row's error, as a bad field is.
    line = e.line();
    error = e.reason();
    return true;
  }
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

}  // namespace hafnium::app
