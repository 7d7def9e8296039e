#include "services/monitoring/rules_api.h"

#include <boost/json.hpp>

#include "platform/api/etag.h"
#include "platform/api/pagination.h"
#include "platform/audit/audit_log.h"
#include "platform/http/json_body.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"
#include "services/monitoring/domain/detection/rule_set.h"
#include "services/monitoring/rules_store.h"

namespace hafnium::services::monitoring {

namespace {

using http::Request;
using http::RequestContext;
using http::Response;

std::string actor(const RequestContext& context) {
  return context.principal.kind == auth::CredentialKind::kJwt ? "user:" + context.principal.subject
                                                             : context.principal.subject;
}

// Reads and compiles a rule body; throws a validation problem with every
// field error (the condition's with its line and column).
RuleRecord read_rule(const Request& request) {
  auto body = http::parse_json_object(request);
  http::ObjectReader reader(body);
  RuleRecord rule;
  rule.name = reader.required_string("name", 200);
  rule.condition = reader.required_string("condition", rules::kMaxSourceBytes);
  rule.severity = reader.required_string("severity", 16);
  if (!rule.severity.empty() && rule.severity != "low" && rule.severity != "medium" && rule.severity != "high" &&
      rule.severity != "critical") {
    reader.add_error("severity", "must be low, medium, high or critical");
  }
  if (auto score = reader.optional_integer("score", 0, 100)) {
    rule.score = *score;
  } else if (!body.contains("score")) {
    reader.add_error("score", "is required");
  }
  rule.explanation = reader.optional_string("explanation", 2000).value_or("");
  rule.enabled = reader.optional_bool("enabled").value_or(true);
  if (!rule.condition.empty()) {
    // Compiled as the detector will: the condition, its windows and
    // filters, and the explanation's placeholders.
    detection::RuleDefinition d;
    d.name = rule.name;
    d.condition = rule.condition;
    d.explanation = rule.explanation;
    if (auto error = detection::RuleSet::check(d); error && (error->field == "condition" || error->field == "explanation")) {
      reader.add_error(error->field, error->reason);
    }
  }
  reader.finish();
  return rule;
}

const std::string& rule_id(const Request& request) {
  const auto& id = request.path_param("id");
  if (!util::is_uuid(id)) throw http::problems::not_found("no rule '" + id + "'");
  return id;
}

}  // namespace

void register_rule_routes(http::Router& router, runtime::Runtime& runtime,
                          std::function<void(const std::string&)> on_change) {
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/rules",
              .action = "rules.read",
              .handler = [&runtime, on_change](const Request& request, RequestContext& context) {
                auto page = api::parse_page(request);
                auto rules = runtime.db().read([&](soci::session& sql) {
                  return RulesStore::list(sql, context.principal.tenant_id, page.after.value_or(""), page.limit + 1);
                });
                std::optional<std::string> next;
                if (rules.size() > page.limit) {
                  rules.resize(page.limit);
                  next = rules.back().id;
                }
                boost::json::array items;
                for (const auto& r : rules) items.push_back(rule_to_json(r));
                return Response::json(200, api::page_body(std::move(items), next));
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/rules",
              .action = "rules.write",
              .handler = [&runtime, on_change](const Request& request, RequestContext& context) {
                auto rule = read_rule(request);
                rule.id = util::uuid_v7();
                rule.version = 1;
                rule.author = actor(context);
                rule.created_at = rule.updated_at = util::now_micros();
                runtime.db().write([&](soci::session& sql) {
                  RulesStore::insert(sql, context.principal.tenant_id, rule);
                  audit::AuditLog::append(sql, runtime.db().dialect(),
                                          {context.principal.tenant_id, rule.author, "rules.create", "rule/" + rule.id,
                                           "success", "", context.trace_id});
                });
                on_change(context.principal.tenant_id);
                Response response = Response::json(201, rule_to_json(rule));
                response.set_header("Location", "/api/v1/rules/" + rule.id);
                api::set_etag(response, rule.version);
                return response;
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/rules/{id}",
              .action = "rules.read",
              .handler = [&runtime, on_change](const Request& request, RequestContext& context) {
                const auto& id = rule_id(request);
                auto rule = runtime.db().read(
                    [&](soci::session& sql) { return RulesStore::find(sql, context.principal.tenant_id, id); });
                if (!rule) throw http::problems::not_found("no rule '" + id + "'");
                Response response = Response::json(200, rule_to_json(*rule));
                api::set_etag(response, rule->version);
                return response;
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kPut,
              .pattern = "/api/v1/rules/{id}",
              .action = "rules.write",
              .handler = [&runtime, on_change](const Request& request, RequestContext& context) {
                const auto& id = rule_id(request);
                auto replacement = read_rule(request);
                auto updated = runtime.db().write([&](soci::session& sql) {
                  auto current = RulesStore::find(sql, context.principal.tenant_id, id);
                  if (!current) throw http::problems::not_found("no rule '" + id + "'");
                  api::require_if_match(request, current->version);
                  replacement.id = id;
                  replacement.version = current->version + 1;
                  replacement.created_at = current->created_at;
                  replacement.updated_at = util::now_micros();
                  replacement.author = actor(context);
                  RulesStore::update(sql, context.principal.tenant_id, replacement);
                  audit::AuditLog::append(sql, runtime.db().dialect(),
                                          {context.principal.tenant_id, replacement.author, "rules.update",
                                           "rule/" + id + "@" + std::to_string(replacement.version), "success", "",
                                           context.trace_id});
                  return replacement;
                });
                on_change(context.principal.tenant_id);
                Response response = Response::json(200, rule_to_json(updated));
                api::set_etag(response, updated.version);
                return response;
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/rules/{id}/versions",
              .action = "rules.read",
              .handler = [&runtime, on_change](const Request& request, RequestContext& context) {
                const auto& id = rule_id(request);
                auto versions = runtime.db().read(
                    [&](soci::session& sql) { return RulesStore::versions(sql, context.principal.tenant_id, id); });
                if (versions.empty()) throw http::problems::not_found("no rule '" + id + "'");
                boost::json::array items;
                for (const auto& v : versions) {
                  auto o = rule_to_json(v);
                  o.erase("updated_at");
                  items.push_back(std::move(o));
                }
                return Response::json(200, boost::json::object{{"items", std::move(items)}});
              },
              .target = "monitoring"});
}

}  // namespace hafnium::services::monitoring
