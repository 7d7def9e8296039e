#include "services/facade/api_keys_api.h"

#include <boost/json.hpp>

#include "platform/api/etag.h"
#include "platform/api/pagination.h"
#include "platform/audit/audit_log.h"
#include "platform/auth/api_keys.h"
#include "platform/http/json_body.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"

namespace hafnium::services::facade {

namespace {

using http::Request;
using http::RequestContext;
using http::Response;

void require_own_tenant(const Request& request, const RequestContext& context) {
  const std::string& tenant = request.path_param("tenant");
  if (tenant != context.principal.tenant_id && tenant != context.principal.tenant_name) {
    throw http::problems::not_found("no tenant '" + tenant + "'");
  }
}

std::string key_id(const Request& request) {
  const std::string& id = request.path_param("id");
  if (!util::is_uuid(id)) throw http::problems::not_found("no API key '" + id + "'");
  return id;
}


boost::json::object render(const auth::ApiKeyRecord& key) {
  boost::json::object o;
  o["id"] = key.id;
  o["name"] = key.name;
  o["roles"] = boost::json::array(key.roles.begin(), key.roles.end());
  o["prefix"] = key.prefix;
  o["created_at"] = util::format_rfc3339(key.created_at);
  o["revoked_at"] = key.revoked_at ? boost::json::value(util::format_rfc3339(*key.revoked_at)) : nullptr;
  o["last_used_at"] =
      key.last_used_at ? boost::json::value(util::format_rfc3339(*key.last_used_at)) : nullptr;
  o["version"] = key.version;
  return o;
}

std::string location(const RequestContext& context, const std::string& id) {
  return "/api/v1/tenants/" + context.principal.tenant_name + "/api-keys/" + id;
}

}  // namespace

void register_api_key_routes(http::Router& router, runtime::Runtime& runtime) {
  const std::string base = "/api/v1/tenants/{tenant}/api-keys";

  router.add({.method = http::Method::kGet,
              .pattern = base,
              .action = "tenants.api_keys.read",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                require_own_tenant(request, context);
                api::require_known_parameters(request, {});
                auto page = api::parse_page(request);
                auto keys = auth::ApiKeyStore(runtime.db())
                                .list_page(context.principal.tenant_id, page.after.value_or(""),
                                           page.limit + 1);
                auto next = api::end_page(keys, page.limit, [](const auto& last) { return last.id; });
                boost::json::array items;
                for (const auto& key : keys) items.push_back(render(key));
                return Response::json(200, api::page_body(std::move(items), next));
              },
              .target = "facade"});

  router.add({.method = http::Method::kPost,
              .pattern = base,
              .action = "tenants.api_keys.create",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                require_own_tenant(request, context);
                auto body = http::parse_json_object(request);
                http::ObjectReader reader(body);
                std::string name = reader.required_string("name", 200);
                auto roles = reader.string_array("roles", 10, 64);
                if (roles.empty() && reader.ok()) reader.add_error("roles", "must name at least one role");
                for (size_t i = 0; i < roles.size(); ++i) {
                  if (!runtime.policy().has_role(roles[i])) {
                    reader.add_error("roles/" + std::to_string(i), "is not a known role");
                  }
                }
                reader.finish();
                auto created = runtime.db().write([&](soci::session& sql) {
                  auto key = auth::ApiKeyStore::create_in(sql, context.principal.tenant_id, name, roles);
                  audit::AuditLog::append(sql, runtime.db().dialect(),
                                          {context.principal.tenant_id, context.actor(),
                                           "tenants.api_keys.create", "api_key/" + key.record.id,
                                           "success", "", context.trace_id});
                  return key;
                });
                auto rendered = render(created.record);
                rendered["key"] = created.secret;
                Response response = Response::json(201, rendered);
                response.set_header("Location", location(context, created.record.id));
                api::set_etag(response, created.record.version);
                response.set_header("Cache-Control", "no-store");
                return response;
              },
              .target = "facade",
              // The response carries the secret: never store it for replays.
              .idempotent_post = false});

  router.add({.method = http::Method::kGet,
              .pattern = base + "/{id}",
              .action = "tenants.api_keys.read",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                require_own_tenant(request, context);
                auto key = auth::ApiKeyStore(runtime.db()).find(key_id(request), context.principal.tenant_id);
                if (!key) throw http::problems::not_found("no API key '" + request.path_param("id") + "'");
                Response response = Response::json(200, render(*key));
                api::set_etag(response, key->version);
                return response;
              },
              .target = "facade"});

  router.add({.method = http::Method::kPatch,
              .pattern = base + "/{id}",
              .action = "tenants.api_keys.update",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                require_own_tenant(request, context);
                std::string id = key_id(request);
                auto body = http::parse_json_object(request);
                http::ObjectReader reader(body);
                std::string name = reader.required_string("name", 200);
                reader.finish();
                auto updated = runtime.db().write([&](soci::session& sql) {
                  auto key = auth::ApiKeyStore::find_in(sql, id, context.principal.tenant_id);
                  if (!key) throw http::problems::not_found("no API key '" + id + "'");
                  api::require_if_match(request, key->version);
                  auto version = auth::ApiKeyStore::rename_in(sql, id, context.principal.tenant_id,
                                                              name, key->version);
                  if (!version) throw http::problems::precondition_failed("the API key changed meanwhile");
                  audit::AuditLog::append(sql, runtime.db().dialect(),
                                          {context.principal.tenant_id, context.actor(),
                                           "tenants.api_keys.update", "api_key/" + id, "success", "",
                                           context.trace_id});
                  return *auth::ApiKeyStore::find_in(sql, id, context.principal.tenant_id);
                });
                Response response = Response::json(200, render(updated));
                api::set_etag(response, updated.version);
                return response;
              },
              .target = "facade"});

  router.add({.method = http::Method::kDelete,
              .pattern = base + "/{id}",
              .action = "tenants.api_keys.revoke",
              .handler = [&runtime](const Request& request, RequestContext& context) {
                require_own_tenant(request, context);
                std::string id = key_id(request);
                runtime.db().write([&](soci::session& sql) {
                  if (!auth::ApiKeyStore::revoke_in(sql, id, context.principal.tenant_id)) {
                    throw http::problems::not_found("no active API key '" + id + "'");
                  }
                  audit::AuditLog::append(sql, runtime.db().dialect(),
                                          {context.principal.tenant_id, context.actor(),
                                           "tenants.api_keys.revoke", "api_key/" + id, "success",
                                           "", context.trace_id});
                });
                return Response::no_content();
              },
              .target = "facade"});
}

}  // namespace hafnium::services::facade
