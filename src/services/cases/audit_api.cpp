#include "services/cases/audit_api.h"

#include <boost/json.hpp>

#include "platform/api/pagination.h"
#include "platform/util/time.h"
#include "services/cases/audit_client.h"

namespace hafnium::services::cases {

boost::json::object render_audit_record(const audit::AuditRecord& r) {
  return {{"tenant_id", r.tenant_id},  {"seq", r.seq},         {"id", r.id},
          {"occurred_at", util::format_rfc3339(r.occurred_at)},
          {"actor", r.actor},          {"action", r.action},   {"resource", r.resource},
          {"outcome", r.outcome},      {"purpose", r.purpose}, {"trace_id", r.trace_id},
          {"previous_hash", r.previous_hash}, {"hash", r.hash}};
}

void register_audit_routes(http::Router& router, runtime::Runtime& runtime) {
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/audit",
              .action = "audit.read",
              .handler = [&runtime](const http::Request& request, http::RequestContext& context) {
                api::require_known_parameters(request, {"actor", "action", "resource", "outcome", "from", "to"});
                auto page = api::parse_page(request);
                AuditFilter filter;
                filter.limit = page.limit;
                filter.actor = request.query_param("actor").value_or("");
                filter.action = request.query_param("action").value_or("");
                filter.resource = request.query_param("resource").value_or("");
                filter.outcome = request.query_param("outcome").value_or("");
                filter.from = request.query_param("from").value_or("");
                filter.to = request.query_param("to").value_or("");
                filter.cursor = request.query_param("cursor").value_or("");
                auto result = query_audit(runtime.db(), context.principal.tenant_id, filter);
                boost::json::array items;
                for (const auto& record : result.items) items.push_back(render_audit_record(record));
                boost::json::object body;
                body["items"] = std::move(items);
                body["next_cursor"] = result.next_cursor ? boost::json::value(*result.next_cursor)
                                                         : boost::json::value(nullptr);
                return http::Response::json(200, body);
              },
              .target = "cases"});
}

}  // namespace hafnium::services::cases
