#include "services/monitoring/api.h"

#include <boost/json.hpp>
#include <set>

#include "platform/http/json_body.h"
#include "platform/util/percent.h"
#include "platform/util/time.h"
#include "platform/util/utf8.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

namespace {

using http::Request;
using http::RequestContext;
using http::Response;

bool is_ndjson(const Request& request) {
  const auto* type = request.header("content-type");
  return type && (type->starts_with("application/x-ndjson") || type->starts_with("application/ndjson"));
}

// The items of a batch body: a JSON array, or one JSON object per line.
// Lines that are not JSON objects become item errors, not a batch error,
// so that one bad line does not hold back the rest.
std::vector<boost::json::value> batch_items(const Request& request, std::vector<std::string>& item_errors) {
  std::vector<boost::json::value> items;
  if (is_ndjson(request)) {
    if (!util::is_valid_utf8(request.body)) throw http::problems::malformed_json("request body is not valid UTF-8");
    size_t start = 0;
    while (start < request.body.size()) {
      size_t end = request.body.find('\n', start);
      if (end == std::string::npos) end = request.body.size();
      std::string_view line(request.body.data() + start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      start = end + 1;
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      if (items.size() >= kMaxTransactionBatch + 1) break;
      try {
        items.push_back(http::parse_json_text(line));
        item_errors.emplace_back();
      } catch (const http::ApiError& error) {
        items.emplace_back(nullptr);
        item_errors.push_back(error.detail());
      }
    }
    return items;
  }
  auto body = http::parse_json_body(request);
  if (!body.is_array()) throw http::problems::malformed_json("a batch is a JSON array of transactions (or NDJSON)");
  for (auto& item : body.as_array()) {
    items.push_back(std::move(item));
    item_errors.emplace_back();
  }
  return items;
}

boost::json::value render_errors(const std::vector<http::FieldError>& errors) {
  boost::json::array out;
  for (const auto& e : errors) out.push_back({{"field", e.field}, {"reason", e.reason}});
  return out;
}

}  // namespace

void register_transaction_routes(http::Router& router, runtime::Runtime& runtime,
                                 std::shared_ptr<Ingestion> ingestion, std::shared_ptr<EvaluationGate> gate) {
  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/transactions",
              .action = "transactions.write",
              .handler = [ingestion, gate, &runtime](const Request& request, RequestContext& context) {
                auto body = http::parse_json_object(request);
                Transaction transaction;
                std::vector<http::FieldError> errors;
                if (!read_transaction(body, "", util::now_micros(), {}, transaction, errors)) {
                  throw http::problems::validation(std::move(errors));
                }
                gate->admit();
                auto results = ingestion->ingest(context.principal.tenant_id, {transaction}, context.trace_id);
                auto& result = results.front();
                if (result.outcome == IngestOutcome::kConflict) {
                  throw http::problems::conflict("transaction id '" + transaction.id +
                                                 "' was already used for a different transaction");
                }
                runtime.events_committed();
                Response response = Response::json(result.outcome == IngestOutcome::kCreated ? 201 : 200, result.document);
                response.set_header("Location", "/api/v1/transactions/" + util::percent_encode(transaction.id));
                if (result.outcome == IngestOutcome::kDuplicate) response.set_header("Idempotent-Replayed", "true");
                return response;
              },
              .target = "monitoring",
              // Idempotent by transaction id already.
              .idempotent_post = false});

  // What an alert's transaction ids lead to, and where a POST's Location
  // points: the transaction as stored (ids may hold '/', sent as %2F).
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/transactions/{id}",
              .action = "transactions.read",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                const std::string& id = request.path_param("id");
                auto stored = runtime.db().read(
                    [&](soci::session& sql) { return MonitoringStore::find(sql, context.principal.tenant_id, id); });
                if (!stored) throw http::problems::not_found("no transaction with that id");
                return Response::json(200, boost::json::parse(stored->document));
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/transactions:batch",
              .action = "transactions.write",
              .handler = [ingestion, gate, &runtime](const Request& request, RequestContext& context) {
                std::vector<std::string> parse_errors;
                auto items = batch_items(request, parse_errors);
                if (items.empty()) throw http::problems::validation({{"body", "the batch is empty"}});
                if (items.size() > kMaxTransactionBatch) {
                  throw http::problems::validation(
                      {{"body", "a batch holds at most " + std::to_string(kMaxTransactionBatch) + " transactions"}});
                }
                int64_t now = util::now_micros();
                std::vector<boost::json::object> results(items.size());
                std::vector<Transaction> valid;
                std::vector<size_t> positions;
                std::set<std::string> ids;
                for (size_t i = 0; i < items.size(); ++i) {
                  results[i] = {{"index", i}};
                  std::vector<http::FieldError> errors;
                  Transaction t;
                  if (!parse_errors[i].empty()) {
                    errors.push_back({"", parse_errors[i]});
                  } else if (!items[i].is_object()) {
                    errors.push_back({"", "must be a JSON object"});
                  } else if (read_transaction(items[i].as_object(), "", now, {}, t, errors) && !ids.insert(t.id).second) {
                    errors.push_back({"id", "appears earlier in this batch"});
                  }
                  if (!t.id.empty()) results[i]["id"] = t.id;
                  if (!errors.empty()) {
                    results[i]["status"] = "rejected";
                    results[i]["errors"] = render_errors(errors);
                    continue;
                  }
                  valid.push_back(std::move(t));
                  positions.push_back(i);
                }
                size_t created = 0, duplicates = 0, conflicts = 0;
                if (!valid.empty()) {
                  gate->admit();
                  auto stored = ingestion->ingest(context.principal.tenant_id, valid, context.trace_id);
                  for (size_t k = 0; k < stored.size(); ++k) {
                    auto& r = results[positions[k]];
                    switch (stored[k].outcome) {
                      case IngestOutcome::kCreated: r["status"] = "created"; ++created; break;
                      case IngestOutcome::kDuplicate: r["status"] = "duplicate"; ++duplicates; break;
                      case IngestOutcome::kConflict:
                        r["status"] = "rejected";
                        r["errors"] = boost::json::array{{{"field", "id"}, {"reason", "already used for a different transaction"}}};
                        ++conflicts;
                        break;
                    }
                  }
                  runtime.events_committed();
                }
                boost::json::array out(results.begin(), results.end());
                return Response::json(200, boost::json::object{{"results", std::move(out)},
                                                              {"created", created},
                                                              {"duplicates", duplicates},
                                                              {"rejected", items.size() - created - duplicates}});
              },
              .target = "monitoring",
              .idempotent_post = false});
}

}  // namespace hafnium::services::monitoring
