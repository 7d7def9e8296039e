#include "services/facade/meta_api.h"

#include <boost/json.hpp>

namespace hafnium::generated {
extern const std::string_view kOpenApiDocument;
}

namespace hafnium::services::facade {

std::string_view openapi_document() { return generated::kOpenApiDocument; }

namespace {
const char* credential_name(auth::CredentialKind kind) {
  switch (kind) {
    case auth::CredentialKind::kApiKey: return "api_key";
    case auth::CredentialKind::kJwt: return "jwt";
    case auth::CredentialKind::kInternal: return "internal";
    case auth::CredentialKind::kNone: break;
  }
  return "none";
}
}  // namespace

void register_meta_routes(http::Router& router, runtime::Runtime&) {
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/whoami",
              .action = "platform.whoami.read",
              .handler = [](const http::Request&, http::RequestContext& context) {
                const auto& p = context.principal;
                boost::json::array roles(p.roles.begin(), p.roles.end());
                boost::json::array scopes(p.scopes.begin(), p.scopes.end());
                return http::Response::json(
                    200, boost::json::object{{"tenant", boost::json::object{{"id", p.tenant_id},
                                                                            {"name", p.tenant_name}}},
                                             {"subject", p.subject},
                                             {"roles", std::move(roles)},
                                             {"scopes", std::move(scopes)},
                                             {"credential", credential_name(p.kind)}});
              },
              .execution = http::Execution::kInline,
              .target = "facade"});
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/openapi.json",
              .action = "platform.openapi.read",
              .handler = [](const http::Request&, http::RequestContext&) {
                return http::Response::text(200, std::string(openapi_document()),
                                            "application/json");
              },
              .execution = http::Execution::kInline,
              .target = "facade"});
}

}  // namespace hafnium::services::facade
