#include "services/cases/audit_client.h"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <stdexcept>

#include "platform/api/pagination.h"
#include "platform/http/problem.h"
#include "platform/util/time.h"

namespace hafnium::services::cases {

AuditPage query_audit(store::Database& db, const std::string& tenant_id, const AuditFilter& filter) {
  audit::AuditQuery query;
  query.tenant_id = tenant_id;
  query.actor = filter.actor;
  query.action = filter.action;
  query.resource = filter.resource;
  query.outcome = filter.outcome;
  query.limit = filter.limit + 1;
  std::vector<http::FieldError> errors;
  if (!filter.from.empty()) {
    query.from = util::parse_rfc3339(filter.from);
    if (!query.from) errors.push_back({"from", "must be an RFC 3339 time"});
  }
  if (!filter.to.empty()) {
    query.to = util::parse_rfc3339(filter.to);
    if (!query.to) errors.push_back({"to", "must be an RFC 3339 time"});
  }
  if (!filter.outcome.empty() && filter.outcome != "success" && filter.outcome != "denied" &&
      filter.outcome != "failure") {
    errors.push_back({"outcome", "must be success, denied or failure"});
  }
  if (!filter.cursor.empty()) {
    auto position = api::decode_cursor(filter.cursor);
    long long seq = 0;
    try {
      seq = position ? std::stoll(*position) : 0;
    } catch (const std::exception&) {
      seq = 0;
    }
    if (seq <= 0) errors.push_back({"cursor", "is not a cursor returned by this API"});
    query.after_seq = seq;
  }
  if (!errors.empty()) throw http::problems::validation(std::move(errors));
  AuditPage page;
  page.items = audit::AuditLog::query(db, query);
  if (page.items.size() > filter.limit) {
    page.items.resize(filter.limit);
    page.next_cursor = api::encode_cursor(std::to_string(page.items.back().seq));
  }
  return page;
}

namespace {

class LocalAuditClient : public AuditTrailClient {
 public:
  explicit LocalAuditClient(std::shared_ptr<store::Database> db) : db_(std::move(db)) {}
  AuditPage list(const std::string& tenant_id, const AuditFilter& filter,
                 const clients::CallContext&) override {
    return query_audit(*db_, tenant_id, filter);
  }

 private:
  std::shared_ptr<store::Database> db_;
};

class HttpAuditClient : public AuditTrailClient {
 public:
  explicit HttpAuditClient(std::shared_ptr<clients::HttpClient> http) : http_(std::move(http)) {}
  AuditPage list(const std::string&, const AuditFilter& filter,
                 const clients::CallContext& context) override {
    // The peer derives the tenant from the forwarded credential.
    std::string query = "limit=" + std::to_string(filter.limit);
    auto add = [&](const char* name, const std::string& value) {
      if (value.empty()) return;
      query += std::string("&") + name + "=" +
               boost::urls::encode(value, boost::urls::unreserved_chars);
    };
    add("actor", filter.actor);
    add("action", filter.action);
    add("resource", filter.resource);
    add("outcome", filter.outcome);
    add("from", filter.from);
    add("to", filter.to);
    add("cursor", filter.cursor);
    clients::HttpCall call;
    call.method = "GET";
    call.path = "/api/v1/audit?" + query;
    call.idempotent = true;
    auto result = http_->send(call, context);
    if (result.status != 200) {
      throw std::runtime_error("audit trail call failed: " +
                               (result.status == 0 ? result.error
                                                   : "HTTP " + std::to_string(result.status)));
    }
    auto body = boost::json::parse(result.body).as_object();
    AuditPage page;
    for (const auto& item : body.at("items").as_array()) {
      const auto& o = item.as_object();
      audit::AuditRecord r;
      r.tenant_id = std::string(o.at("tenant_id").as_string());
      r.seq = o.at("seq").as_int64();
      r.id = std::string(o.at("id").as_string());
      r.occurred_at = util::parse_rfc3339(std::string(o.at("occurred_at").as_string())).value_or(0);
      r.actor = std::string(o.at("actor").as_string());
      r.action = std::string(o.at("action").as_string());
      r.resource = std::string(o.at("resource").as_string());
      r.outcome = std::string(o.at("outcome").as_string());
      r.purpose = std::string(o.at("purpose").as_string());
      r.trace_id = std::string(o.at("trace_id").as_string());
      r.previous_hash = std::string(o.at("previous_hash").as_string());
      r.hash = std::string(o.at("hash").as_string());
      page.items.push_back(std::move(r));
    }
    if (body.at("next_cursor").is_string()) page.next_cursor = std::string(body.at("next_cursor").as_string());
    return page;
  }

 private:
  std::shared_ptr<clients::HttpClient> http_;
};

}  // namespace

std::shared_ptr<AuditTrailClient> make_local_audit_client(std::shared_ptr<store::Database> db) {
  return std::make_shared<LocalAuditClient>(std::move(db));
}

std::shared_ptr<AuditTrailClient> make_http_audit_client(std::shared_ptr<clients::HttpClient> http) {
  return std::make_shared<HttpAuditClient>(std::move(http));
}

}  // namespace hafnium::services::cases
