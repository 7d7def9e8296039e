#include "services/monitoring/rules_api.h"

#include <algorithm>

#include <boost/json.hpp>

#include "platform/api/etag.h"
#include "platform/api/pagination.h"
#include "platform/audit/audit_log.h"
#include "platform/http/json_body.h"
#include "platform/store/transaction_lock.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"
#include "services/monitoring/backtest.h"
#include "services/monitoring/domain/detection/rule_set.h"
#include "services/monitoring/rules_store.h"

namespace hafnium::services::monitoring {

namespace {

using http::Request;
using http::RequestContext;
using http::Response;


// Reads and compiles a rule body; throws a validation problem with every
// field error (the condition's with its line and column).
RuleRecord read_rule(const Request& request) {
  auto body = http::parse_json_object(request);
  http::ObjectReader reader(body);
  RuleRecord rule;
  rule.name = reader.required_string("name", 200);
  rule.condition = reader.required_string("condition", rules::kMaxSourceBytes);
  rule.severity = reader.required_string("severity", 16);
  if (auto score = reader.optional_integer("score", 0, 100)) {
    rule.score = *score;
  } else if (!body.contains("score")) {
    reader.add_error("score", "is required");
  }
  rule.explanation = reader.optional_string("explanation", 2000).value_or("");
  rule.enabled = reader.optional_bool("enabled").value_or(true);
  rule.typology = reader.optional_string("typology", 64).value_or("custom");
  rule.subject = reader.optional_string("subject", 16).value_or("debtor");
  rule.suppression = reader.optional_string("suppression", 16).value_or("24h");
  // The engine's own checks of severity, subject and suppression, each
  // field reported once (a missing severity is already "is required").
  for (const auto& error : detection::rule_field_errors(to_definition(rule))) {
    bool reported = std::any_of(reader.errors().begin(), reader.errors().end(),
                                [&](const http::FieldError& e) { return e.field == error.field; });
    if (!reported) reader.add_error(error.field, error.reason);
  }
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

// A tenant rule's id (a UUID) or a default-pack rule's.
const std::string& rule_id(const Request& request) {
  const auto& id = request.path_param("id");
  if (!util::is_uuid(id) && !find_pack_rule(id)) throw http::problems::not_found("no rule '" + id + "'");
  return id;
}

// One page of the tenant's rules: the default pack's first, in the pack's
// order (each as the tenant runs it), then the tenant's own by id. The
// cursor is the last id listed, a pack rule's or a tenant rule's.
std::vector<RuleRecord> list_page(soci::session& sql, const std::string& tenant_id,
                                  const std::optional<std::string>& after, size_t count) {
  std::vector<RuleRecord> out;
  const auto& pack = detection::default_pack();
  const bool in_pack = !after || find_pack_rule(*after);
  if (in_pack) {
    size_t next = 0;
    if (after) {
      while (pack[next].id != *after) ++next;
      ++next;
    }
    for (; next < pack.size() && out.size() < count; ++next) out.push_back(*RulesStore::effective(sql, tenant_id, pack[next].id));
  }
  if (out.size() == count) return out;
  // The tenant's own rules, skipping its versions of pack rules (listed
  // above): at most one row per pack rule, so asking for that many more
  // still fills the page.
  auto rows = RulesStore::list(sql, tenant_id, in_pack ? "" : *after, count - out.size() + pack.size());
  for (auto& r : rows) {
    if (out.size() == count) break;
    if (!find_pack_rule(r.id)) out.push_back(std::move(r));
  }
  return out;
}


}  // namespace

void register_rule_routes(http::Router& router, runtime::Runtime& runtime,
                          std::function<void(const std::string&)> on_change) {
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/rules",
              .action = "rules.read",
              .handler = [&runtime, on_change](const Request& request, RequestContext& context) {
                api::require_known_parameters(request, {});
                auto page = api::parse_page(request);
                auto rules = runtime.db().read([&](soci::session& sql) {
                  return list_page(sql, context.principal.tenant_id, page.after, page.limit + 1);
                });
                auto next = api::end_page(rules, page.limit, [](const auto& last) { return last.id; });
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
                rule.author = context.actor();
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
                    [&](soci::session& sql) { return RulesStore::effective(sql, context.principal.tenant_id, id); });
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
                  // Updates of one rule take turns: the loser of two sent
                  // with the same If-Match then reads the winner's version
                  // and gets 412, instead of failing on its version's key.
                  store::lock_for_transaction(sql, runtime.db().dialect(),
                                              "monitoring.rules\x1f" + context.principal.tenant_id + '\x1f' + id);
                  const auto stored = RulesStore::find(sql, context.principal.tenant_id, id);
                  const auto* packed = find_pack_rule(id);
                  if (!stored && !packed) throw http::problems::not_found("no rule '" + id + "'");
                  const RuleRecord current = stored ? *stored : pack_record(*packed);
                  api::require_if_match(request, current.version);
                  replacement.id = id;
                  replacement.version = current.version + 1;
                  replacement.updated_at = util::now_micros();
                  replacement.author = context.actor();
                  if (stored) {
                    replacement.created_at = current.created_at;
                    RulesStore::update(sql, context.principal.tenant_id, replacement);
                  } else {
                    // The tenant's first version of a pack rule: its own row from
                    // now on, the pack's as it was kept as version 1.
                    replacement.created_at = replacement.updated_at;
                    RulesStore::keep_replaced_pack_rule(sql, context.principal.tenant_id, current);
                    RulesStore::insert(sql, context.principal.tenant_id, replacement);
                  }
                  audit::AuditLog::append(sql, runtime.db().dialect(),
                                          {context.principal.tenant_id, replacement.author, "rules.update",
                                           "rule/" + id + "@" + std::to_string(replacement.version), "success", "",
                                           context.trace_id});
                  RulesStore::note_pack_change(sql, context.principal.tenant_id, replacement);
                  return replacement;
                });
                on_change(context.principal.tenant_id);
                Response response = Response::json(200, rule_to_json(updated));
                api::set_etag(response, updated.version);
                return response;
              },
              .target = "monitoring"});

  // POST /api/v1/rules/{id}:backtest {"from", "to", "draft"?}: the draft
  // (or the rule as stored, or a default-pack rule by its id) over stored
  // history; nothing is raised.
  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/rules/{id}:backtest",
              .action = "rules.write",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                const auto& id = rule_id(request);
                auto body = http::parse_json_object(request);
                http::ObjectReader reader(body);
                auto from_text = reader.required_string("from", 40);
                auto to_text = reader.required_string("to", 40);
                auto from = util::parse_rfc3339(from_text), to = util::parse_rfc3339(to_text);
                if (!from_text.empty() && !from) reader.add_error("from", "must be an RFC 3339 time");
                if (!to_text.empty() && !to) reader.add_error("to", "must be an RFC 3339 time");
                if (from && to && *from > *to) reader.add_error("to", "must not be before from");
                if (from && to && *to - *from > 366LL * 24 * 3600 * 1'000'000) reader.add_error("to", "a backtest covers at most 366 days");
                std::optional<detection::RuleDefinition> draft;
                if (auto* d = body.if_contains("draft")) {
                  if (!d->is_object()) {
                    reader.add_error("draft", "must be a rule object");
                  } else {
                    auto parsed = detection::rule_from_json(d->as_object());
                    if (auto* errors = std::get_if<std::vector<detection::RuleError>>(&parsed)) {
                      for (const auto& e : *errors) reader.add_error("draft/" + e.field, e.reason);
                    } else {
                      draft = std::get<detection::RuleDefinition>(std::move(parsed));
                    }
                  }
                  reader.accept("draft");
                }
                reader.finish();
                return runtime.db().read([&](soci::session& sql) {
                  auto stored = RulesStore::effective(sql, context.principal.tenant_id, id);
                  if (!stored) throw http::problems::not_found("no rule '" + id + "'");
                  detection::RuleDefinition rule = to_definition(*stored);
                  rule.enabled = true;  // a backtest runs the rule whether or not it is enabled
                  if (draft) {
                    draft->id = rule.id;
                    draft->version = rule.version;
                    draft->enabled = true;
                    rule = *draft;
                  }
                  BacktestResult result;
                  try {
                    result = run_backtest(sql, context.principal.tenant_id, rule, *from, *to, {},
                                          active_rule_definitions(sql, context.principal.tenant_id));
                  } catch (const std::length_error& e) {
                    throw http::problems::unprocessable("backtest-too-large", e.what());
                  }
                  boost::json::array alerts;
                  for (const auto& a : result.alerts) alerts.push_back(detection::alert_to_json(a));
                  boost::json::array undecided;
                  for (const auto& [reason, count] : result.undecided) {
                    undecided.push_back(boost::json::object{{"reason", reason}, {"transactions", count}});
                  }
                  return Response::json(
                      200, boost::json::object{{"rule", detection::rule_to_json(rule)},
                                               {"from", util::format_rfc3339(*from)},
                                               {"to", util::format_rfc3339(*to)},
                                               {"transactions_replayed", result.transactions_replayed},
                                               {"transactions_evaluated", result.transactions_evaluated},
                                               {"alerts_total", result.alerts_total},
                                               {"alerts", std::move(alerts)},
                                               {"undecided", std::move(undecided)}});
                });
              },
              .target = "monitoring"});

  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/rules/{id}/versions",
              .action = "rules.read",
              .handler = [&runtime, on_change](const Request& request, RequestContext& context) {
                const auto& id = rule_id(request);
                auto versions = runtime.db().read(
                    [&](soci::session& sql) { return RulesStore::versions(sql, context.principal.tenant_id, id); });
                // A pack rule's first version is the pack's own: as kept when
                // the tenant replaced it, else as the pack has it now.
                if (const auto* packed = find_pack_rule(id); packed && (versions.empty() || versions.front().version != 1)) {
                  versions.insert(versions.begin(), pack_record(*packed));
                }
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
