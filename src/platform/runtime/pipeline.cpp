#include "platform/runtime/pipeline.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "platform/audit/audit_log.h"
#include "platform/http/problem.h"
#include "platform/runtime/runtime.h"
#include "platform/store/database.h"
#include "platform/telemetry/access_log.h"
#include "platform/telemetry/logging.h"
#include "platform/telemetry/trace.h"
#include "platform/util/error_text.h"
#include "platform/util/percent.h"
#include "platform/util/time.h"
#include "platform/util/utf8.h"

namespace hafnium::runtime {

using http::Request;
using http::Response;

RequestPipeline::RequestPipeline(Runtime& runtime) : runtime_(runtime) {}
RequestPipeline::~RequestPipeline() = default;

RequestPipeline::RouteMetrics RequestPipeline::make_metrics(const std::string& route,
                                                            const std::string& method) {
  auto& registry = runtime_.metrics();
  RouteMetrics m;
  static const char* kClasses[] = {"", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (int i = 1; i <= 5; ++i) {
    m.by_class[i] = &registry.counter("hafnium_http_requests_total",
                                      "HTTP requests by route, method and status class",
                                      {{"route", route}, {"method", method}, {"status", kClasses[i]}});
  }
  m.errors = &registry.counter("hafnium_http_request_errors_total",
                               "HTTP requests that ended in a server error (5xx)",
                               {{"route", route}, {"method", method}});
  m.latency = &registry.histogram("hafnium_http_request_duration_seconds",
                                  "HTTP request latency from parsed request to response",
                                  {{"route", route}, {"method", method}});
  return m;
}

void RequestPipeline::prepare() {
  route_metrics_.clear();
  for (const auto& route : runtime_.router().routes()) {
    route_metrics_.push_back(make_metrics(route.pattern, std::string(http::method_name(route.method))));
  }
  unmatched_ = make_metrics("unmatched", "any");
}

void RequestPipeline::observe(RouteMetrics& metrics, int status, double seconds) {
  int klass = status / 100;
  if (klass >= 1 && klass <= 5) metrics.by_class[klass]->inc();
  if (status >= 500) metrics.errors->inc();
  metrics.latency->observe(seconds);
}

namespace {

std::string request_id_from(const Request& request, const std::string& fallback) {
  if (const auto* id = request.header("x-request-id")) {
    if (!id->empty() && id->size() <= 128 &&
        std::all_of(id->begin(), id->end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
      return *id;
    }
  }
  return fallback;
}

std::string actor_of(const auth::Principal& principal) {
  switch (principal.kind) {
    case auth::CredentialKind::kApiKey: return principal.subject;
    case auth::CredentialKind::kJwt: return "user:" + principal.subject;
    case auth::CredentialKind::kInternal: return "system";
    case auth::CredentialKind::kNone: break;
  }
  return "anonymous";
}

// The answer when the store could not serve the request: worth a retry
// (503), after how long, and what the caller should know. The store has
// logged the cause.
http::ApiError store_problem(const store::StoreUnavailable& unavailable) {
  if (dynamic_cast<const store::StoreFull*>(&unavailable)) {
    // Nothing was kept; the operator frees space.
    http::ApiError error(503, "store-full", "Store full", "the store has no space left; retry later");
    error.with_header("Retry-After", "30");
    return error;
  }
  auto error = http::problems::unavailable(
      dynamic_cast<const store::ConnectionLost*>(&unavailable)
          // Failed part way: a COMMIT under way may have taken effect.
          ? "the connection to the store was lost during the request; retry with the same Idempotency-Key"
          : "the store is unreachable; retry shortly");
  error.with_header("Retry-After", "2");
  return error;
}

}  // namespace

boost::asio::awaitable<Response> RequestPipeline::dispatch(Request& request) {
  auto started = std::chrono::steady_clock::now();
  // 1. Request id and trace context.
  http::RequestContext context;
  std::optional<telemetry::TraceContext> parent;
  if (const auto* header = request.header("traceparent")) parent = telemetry::parse_traceparent(*header);
  auto trace = telemetry::continue_or_start(parent);
  context.trace_id = trace.trace_id;
  context.span_id = trace.span_id;
  context.request_id = request_id_from(request, trace.span_id);

  RouteMetrics* metrics = &unmatched_;
  Response response;
  try {
    // Path and query are text once percent-decoded, as the store keeps
    // it: UTF-8 (PostgreSQL refuses anything else) without U+0000 (its
    // client ends a text there: /parties/ref%00z would read, or remove,
    // the party "ref").
    auto check_text = [](std::string_view decoded, const char* field) {
      if (decoded.find('\0') != std::string_view::npos) {
        throw http::problems::validation({{field, "must not contain the NUL character (%00)"}});
      }
      if (!util::is_valid_utf8(decoded)) {
        throw http::problems::validation({{field, "must be UTF-8 once percent-decoded"}});
      }
    };
    check_text(request.path, "path");
    if (!request.query.empty()) check_text(util::percent_decode(request.query, true, false), "query");
    auto match = runtime_.router().match(request.method, request.path);
    const http::Route& route = *match.route;
    request.path_params = std::move(match.params);
    context.route = route.pattern;
    size_t index = static_cast<size_t>(&route - runtime_.router().routes().data());
    if (index < route_metrics_.size()) metrics = &route_metrics_[index];

    if (route.access == http::Access::kProtected) {
      // 4. Authentication: memory first, the store only on a snapshot miss.
      auto outcome = runtime_.authenticator().authenticate(request);
      if (outcome.kind == auth::AuthOutcome::Kind::kNeedsBlocking) {
        auto authenticate = [this, &request] {
          return runtime_.authenticator().authenticate_blocking(request);
        };
        outcome = co_await runtime_.workers().run<auth::AuthOutcome>(authenticate);
      }
      if (outcome.kind == auth::AuthOutcome::Kind::kAnonymous) {
        throw http::problems::unauthorized("this route needs an API key or a bearer token");
      }
      if (outcome.kind != auth::AuthOutcome::Kind::kAuthenticated) {
        throw http::problems::unauthorized(outcome.reason);
      }
      context.principal = std::move(outcome.principal);

      // Rate limits, per credential and per tenant.
      const auto& limits = runtime_.config();
      if (auto wait = runtime_.key_rate_limiter().acquire(context.principal.credential_id,
                                                          limits.rate_limit_per_key)) {
        throw http::problems::too_many_requests(*wait);
      }
      if (auto wait = runtime_.tenant_rate_limiter().acquire(context.principal.tenant_id,
                                                             limits.rate_limit_per_tenant)) {
        throw http::problems::too_many_requests(*wait);
      }

      // 5. Authorization: deny by default; a denial is itself audited.
      if (!runtime_.policy().allow(context.principal, route.action,
                                   {context.principal.tenant_id, "route", route.pattern})) {
        audit::AuditEntry entry{context.principal.tenant_id, actor_of(context.principal),
                                route.action, "route:" + route.pattern, "denied", "",
                                context.trace_id};
        auto record_denial = [this, &entry] {
          audit::AuditLog::append(runtime_.db(), entry);
          return true;
        };
        co_await runtime_.workers().run<bool>(record_denial);
        throw http::problems::forbidden("your roles do not grant " + route.action);
      }
    }

    // 6. Handler.
    auto run_handler = [this, &route, &request, &context]() -> Response {
      telemetry::LogContextScope log_scope(context.trace_id, context.principal.tenant_id);
      const std::string* idem_key = request.method == http::Method::kPost && route.idempotent_post &&
                                            context.principal.authenticated()
                                        ? request.header("idempotency-key")
                                        : nullptr;
      if (idem_key == nullptr) return route.handler(request, context);
      auto& store = runtime_.idempotency();
      auto fingerprint = api::IdempotencyStore::fingerprint(request, context.principal.subject);
      auto begun = store.begin(context.principal.tenant_id, *idem_key, fingerprint);
      if (begun.kind == api::IdempotencyStore::Begin::Kind::kReplay) return begun.stored;
      try {
        Response result = route.handler(request, context);
        if (result.status >= 500) {
          store.release(context.principal.tenant_id, *idem_key);
        } else {
          store.complete(context.principal.tenant_id, *idem_key, result);
        }
        return result;
      } catch (const http::ApiError& error) {
        // A client error is the answer to this request: replay it too.
        if (error.status() < 500) {
          store.complete(context.principal.tenant_id, *idem_key,
                         http::render_problem(error, request.path, context.trace_id));
        } else {
          store.release(context.principal.tenant_id, *idem_key);
        }
        throw;
      } catch (...) {
        store.release(context.principal.tenant_id, *idem_key);
        throw;
      }
    };
    if (route.execution == http::Execution::kInline) {
      response = run_handler();
    } else {
      response = co_await runtime_.workers().run<Response>(run_handler);
    }
  } catch (const http::ApiError& error) {
    response = http::render_problem(error, request.path, context.trace_id);
  } catch (const store::StoreUnavailable& unavailable) {
    response = http::render_problem(store_problem(unavailable), request.path, context.trace_id);
  } catch (const std::exception& error) {
    // Never leak internals to the client; the log line has the trace id.
    telemetry::LogContextScope log_scope(context.trace_id, context.principal.tenant_id);
    spdlog::error("unhandled error on {} {}: {}", http::method_name(request.method),
                  context.route.empty() ? request.path : context.route, util::error_text(error));
    response = http::render_problem(
        http::problems::internal("the server failed to handle this request; trace id " +
                                 context.trace_id),
        request.path, context.trace_id);
  }

  trace.span_id = context.span_id;
  response.set_header("traceparent", trace.traceparent());
  response.set_header("X-Request-Id", context.request_id);

  // 3. Metrics and 2. access log, recorded once the response is known.
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  observe(*metrics, response.status, seconds);
  if (telemetry::AccessLog::enabled()) {
    // Formatted directly: every field is either a number, a fixed word, an
    // id we generated, or a route pattern of our own (escaped anyway).
    std::string line = fmt::format(
        R"({{"time":"{}","level":"info","logger":"access","method":"{}","route":"{}","status":{},"duration_us":{},"bytes":{},"trace_id":"{}","request_id":"{}","remote":"{}")",
        util::format_rfc3339(util::now_micros()), http::method_name(request.method),
        telemetry::json_escape(context.route.empty() ? "unmatched" : context.route),
        response.status, static_cast<int64_t>(seconds * 1e6), response.body.size(),
        context.trace_id, telemetry::json_escape(context.request_id), request.remote_address);
    if (context.principal.authenticated()) {
      line += fmt::format(R"(,"tenant_id":"{}","subject":"{}")", context.principal.tenant_id,
                          telemetry::json_escape(context.principal.subject));
    }
    line.push_back('}');
    telemetry::AccessLog::append(line);
  }
  if (auto* tracer = runtime_.tracer()) {
    telemetry::Span span;
    span.trace_id = context.trace_id;
    span.span_id = context.span_id;
    span.parent_span_id = trace.parent_span_id;
    span.name = std::string(http::method_name(request.method)) + " " +
                (context.route.empty() ? "unmatched" : context.route);
    int64_t end = util::now_micros() * 1000;
    span.end_unix_nanos = end;
    span.start_unix_nanos = end - static_cast<int64_t>(seconds * 1e9);
    span.error = response.status >= 500;
    span.string_attributes = {{"http.request.method", std::string(http::method_name(request.method))},
                              {"http.route", context.route}};
    span.int_attributes = {{"http.response.status_code", response.status}};
    if (context.principal.authenticated()) {
      span.string_attributes.emplace_back("hafnium.tenant_id", context.principal.tenant_id);
    }
    tracer->record(std::move(span));
  }
  co_return response;
}

Response RequestPipeline::transport_error(const http::ApiError& error, const Request& partial) {
  auto trace = telemetry::continue_or_start(std::nullopt);
  Response response = http::render_problem(error, partial.path, trace.trace_id);
  observe(unmatched_, response.status, 0);
  if (telemetry::AccessLog::enabled()) {
    telemetry::AccessLog::append(fmt::format(
        R"({{"time":"{}","level":"info","logger":"access","route":"unmatched","status":{},"trace_id":"{}","problem":"{}"}})",
        util::format_rfc3339(util::now_micros()), response.status, trace.trace_id, error.slug()));
  }
  return response;
}

}  // namespace hafnium::runtime
