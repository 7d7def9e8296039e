#include "services/monitoring/alerts_api.h"

#include <boost/json.hpp>

#include "platform/api/pagination.h"
#include "platform/api/period.h"
#include "platform/audit/audit_log.h"
#include "platform/events/outbox.h"
#include "platform/http/json_body.h"
#include "platform/util/time.h"
#include "services/monitoring/alerts_store.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

namespace {
using http::Request;
using http::RequestContext;
using http::Response;

constexpr const char* kResolutionChoice = "must be false_positive, escalated, duplicate or other";

}  // namespace

void register_alert_routes(http::Router& router, runtime::Runtime& runtime, AlertStatusListener on_status) {
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/alerts",
              .action = "alerts.read",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                api::require_known_parameters(
                    request, {"status", "rule_id", "subject_id", "severity", "raised_from", "raised_to", "resolution"});
                auto page = api::parse_page(request);
                AlertsStore::Filter filter{request.query_param("status").value_or(""),
                                           request.query_param("rule_id").value_or(""),
                                           request.query_param("subject_id").value_or(""),
                                           request.query_param("severity").value_or(""),
                                           {},
                                           {},
                                           request.query_param("resolution").value_or("")};
                std::vector<http::FieldError> errors;
                if (!filter.resolution.empty() && !AlertsStore::is_resolution(filter.resolution)) {
                  errors.push_back({"resolution", kResolutionChoice});
                }
                std::optional<AlertsStore::Position> after;
                if (page.after) {
                  after = AlertsStore::Position::decode(*page.after);
                  if (!after) errors.push_back({"cursor", "is not a cursor returned by this API"});
                }
                const auto raised = api::read_period(request, "raised_from", "raised_to", errors);
                filter.raised_from = raised.from;
                filter.raised_to = raised.to;
                if (!filter.status.empty() && filter.status != "open" && filter.status != "closed") {
                  errors.push_back({"status", "must be open or closed"});
                }
                if (!filter.severity.empty() && filter.severity != "low" && filter.severity != "medium" &&
                    filter.severity != "high" && filter.severity != "critical") {
                  errors.push_back({"severity", "must be low, medium, high or critical"});
                }
                if (!errors.empty()) throw http::problems::validation(std::move(errors));
                auto alerts = runtime.db().read([&](soci::session& sql) {
                  return AlertsStore::list(sql, context.principal.tenant_id, filter, after, page.limit + 1);
                });
                auto next = api::end_page(alerts, page.limit, [](const StoredAlert& last) {
                  return AlertsStore::Position{last.alert.raised_at, last.alert.id}.encode();
                });
                boost::json::array items;
                for (const auto& a : alerts) items.push_back(stored_alert_to_json(a));
                return Response::json(200, api::page_body(std::move(items), next));
              },
              .target = "monitoring"});

  // What became of each rule's alerts over a period: how many were
  // raised, are still open, and how the closed ones were resolved, with
  // the false-positive rate a rule's owner tunes it by.
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/alerts:summary",
              .action = "alerts.read",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                api::require_known_parameters(request, {"raised_from", "raised_to"});
                std::vector<http::FieldError> errors;
                const auto period = api::read_period(request, "raised_from", "raised_to", errors);
                if (!errors.empty()) throw http::problems::validation(std::move(errors));
                auto outcomes = runtime.db().read([&](soci::session& sql) {
                  return AlertsStore::outcomes_by_rule(sql, context.principal.tenant_id, period.from_or_min(),
                                                       period.to_or_max());
                });
                boost::json::array items;
                for (const auto& o : outcomes) {
                  boost::json::object resolutions;
                  for (const char* r : AlertsStore::kResolutions) {
                    auto it = o.resolutions.find(r);
                    resolutions[r] = it == o.resolutions.end() ? 0 : it->second;
                  }
                  // Alerts closed before resolutions were recorded count
                  // as closed, in no resolution.
                  auto unrecorded = o.resolutions.find("");
                  resolutions["unrecorded"] = unrecorded == o.resolutions.end() ? 0 : unrecorded->second;
                  const int64_t false_positives = resolutions["false_positive"].as_int64();
                  items.push_back({{"rule_id", o.rule_id},
                                   {"raised", o.raised},
                                   {"open", o.open},
                                   {"closed", o.closed},
                                   {"resolutions", std::move(resolutions)},
                                   {"false_positive_rate",
                                    o.closed > 0 ? boost::json::value(static_cast<double>(false_positives) /
                                                                      static_cast<double>(o.closed))
                                                 : boost::json::value(nullptr)},
                                   {"oldest_open_raised_at", api::time_or_null(o.oldest_open_raised_at)}});
                }
                return Response::json(200, boost::json::object{{"raised_from", api::period_bound(period.from)},
                                                               {"raised_to", api::period_bound(period.to)},
                                                               {"items", std::move(items)}});
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/alerts/{id}",
              .action = "alerts.read",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                api::require_known_parameters(request, {"include"});
                const auto include = request.query_param("include");
                if (include && *include != "transactions") {
                  throw http::problems::validation({{"include", "must be transactions"}});
                }
                // What the analyst reviews with the alert: its payments
                // themselves, not only their ids; for callers who may also
                // read transactions.
                if (include && !runtime.policy().allow(context.principal, "transactions.read", {})) {
                  throw http::problems::forbidden("including transactions needs the action transactions.read");
                }
                const auto& id = request.path_param("id");
                return runtime.db().read([&](soci::session& sql) {
                  auto alert = AlertsStore::find(sql, context.principal.tenant_id, id);
                  if (!alert) throw http::problems::not_found("no alert '" + id + "'");
                  auto body = stored_alert_to_json(*alert);
                  if (include) {
                    boost::json::array transactions;
                    for (const auto& transaction_id : alert->alert.transaction_ids) {
                      // Every id was stored before the alert named it; one no
                      // longer stored is left out rather than failing the alert.
                      if (auto stored = MonitoringStore::find(sql, context.principal.tenant_id, transaction_id)) {
                        transactions.push_back(boost::json::parse(stored->document));
                      }
                    }
                    body["transactions"] = std::move(transactions);
                  }
                  return Response::json(200, body);
                });
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/alerts/{id}/status",
              .action = "alerts.write",
              .handler = [&runtime, on_status](const Request& request, RequestContext& context) {
                const auto& id = request.path_param("id");
                auto body = http::parse_json_object(request);
                http::ObjectReader reader(body);
                std::string status = reader.required_string("status", 16);
                std::string reason = reader.optional_string("reason", 2000).value_or("");
                const auto resolution = reader.optional_string("resolution", 32);
                if (!status.empty() && status != "open" && status != "closed") {
                  reader.add_error("status", "must be open or closed");
                }
                if (status == "closed") {
                  // Why (the analyst's words) and how (what the rules'
                  // false-positive rates count) are both on record.
                  if (reason.empty()) reader.add_error("reason", "is required to close an alert");
                  if (!resolution) {
                    reader.add_error("resolution", "is required to close an alert: false_positive, escalated, duplicate or other");
                  } else if (!AlertsStore::is_resolution(*resolution)) {
                    reader.add_error("resolution", kResolutionChoice);
                  }
                }
                if (status == "open" && resolution) reader.add_error("resolution", "is only for closing an alert");
                reader.finish();
                auto updated = runtime.db().write([&](soci::session& sql) -> std::optional<StoredAlert> {
                  auto alert = AlertsStore::find(sql, context.principal.tenant_id, id);
                  if (!alert) return std::nullopt;
                  AlertsStore::set_status(sql, context.principal.tenant_id, id,
                                          {status, reason, status == "closed" ? resolution.value_or("") : "",
                                           context.actor()},
                                          util::now_micros());
                  audit::AuditLog::append(sql, runtime.db().dialect(),
                                          {context.principal.tenant_id, context.actor(), "alerts." + status,
                                           "alert/" + id, "success", "", context.trace_id});
                  // For the systems that follow alerts (case management,
                  // the institution's own): on the subject's key, after
                  // the alert.raised it follows. The reason is the
                  // analyst's note and stays in the store.
                  events::Outbox::enqueue(
                      sql, "alerts",
                      events::make_envelope("alert.status_changed", context.principal.tenant_id, alert->alert.subject_id,
                                            boost::json::object{{"id", id},
                                                                {"rule_id", alert->alert.rule_id},
                                                                {"subject", alert->document.at("subject")},
                                                                {"status", status},
                                                                {"resolution", resolution ? boost::json::value(*resolution)
                                                                                          : boost::json::value(nullptr)},
                                                                {"changed_by", context.actor()}},
                                            context.trace_id));
                  return AlertsStore::find(sql, context.principal.tenant_id, id);
                });
                if (!updated) throw http::problems::not_found("no alert '" + id + "'");
                if (on_status) on_status(context.principal.tenant_id, id, updated->alert.subject_id, status == "closed");
                runtime.events_committed();
                return Response::json(200, stored_alert_to_json(*updated));
              },
              .target = "monitoring"});
}

}  // namespace hafnium::services::monitoring
