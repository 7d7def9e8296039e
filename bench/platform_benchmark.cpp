// Micro-benchmarks of the request path's pure pieces, to see where a
// request's time goes without sockets: routing, credential hashing, JSON
// body mapping, problem rendering, metrics, access-log formatting.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "platform/auth/api_keys.h"
#include "platform/http/json_body.h"
#include "platform/http/problem.h"
#include "platform/http/router.h"
#include "platform/policy/policy.h"
#include "platform/telemetry/metrics.h"
#include "platform/telemetry/trace.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"

namespace {

using namespace hafnium;

http::Router make_router() {
  http::Router router;
  auto ok = [](const http::Request&, http::RequestContext&) { return http::Response::text(200, "ok"); };
  for (const char* area : {"customers", "screening/checks", "transactions", "alerts", "cases", "rules"}) {
    std::string base = std::string("/api/v1/") + area;
    router.add({.method = http::Method::kGet, .pattern = base, .action = "x.read", .handler = ok});
    router.add({.method = http::Method::kPost, .pattern = base, .action = "x.write", .handler = ok});
    router.add({.method = http::Method::kGet, .pattern = base + "/{id}", .action = "x.read", .handler = ok});
    router.add({.method = http::Method::kPost, .pattern = base + "/{id}:close", .action = "x.write", .handler = ok});
  }
  router.add({.method = http::Method::kGet, .pattern = "/api/v1/whoami", .action = "p.read", .handler = ok});
  return router;
}

void BM_RouterStaticMatch(benchmark::State& state) {
  auto router = make_router();
  for (auto _ : state) benchmark::DoNotOptimize(router.match(http::Method::kGet, "/api/v1/whoami"));
}
BENCHMARK(BM_RouterStaticMatch);

void BM_RouterParameterMatch(benchmark::State& state) {
  auto router = make_router();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        router.match(http::Method::kPost, "/api/v1/cases/0190f6a4-8c1e-7d11-9b5e-1f2a3b4c5d6e:close"));
  }
}
BENCHMARK(BM_RouterParameterMatch);

void BM_ApiKeyHash(benchmark::State& state) {
  std::string key = "hfk_AbCdEfGhIjKlMnOpQrStUvWxYz012345";
  for (auto _ : state) benchmark::DoNotOptimize(auth::ApiKeyStore::hash_key(key));
}
BENCHMARK(BM_ApiKeyHash);

void BM_PolicyAllow(benchmark::State& state) {
  auto policy = policy::BuiltinPolicy::from_default();
  auth::Principal p;
  p.tenant_id = "t";
  p.roles = {"analyst"};
  p.kind = auth::CredentialKind::kApiKey;
  for (auto _ : state) benchmark::DoNotOptimize(policy->allow(p, "cases.read", {}));
}
BENCHMARK(BM_PolicyAllow);

void BM_JsonBodyMapping(benchmark::State& state) {
  http::Request request;
  request.headers.emplace_back("content-type", "application/json");
  request.body = R"({"name":"Jürgen Müller","roles":["analyst","auditor"],"limit":50})";
  for (auto _ : state) {
    auto body = http::parse_json_object(request);
    http::ObjectReader reader(body);
    benchmark::DoNotOptimize(reader.required_string("name"));
    benchmark::DoNotOptimize(reader.string_array("roles", 10));
    benchmark::DoNotOptimize(reader.optional_integer("limit", 1, 500));
    reader.finish();
  }
}
BENCHMARK(BM_JsonBodyMapping);

void BM_ProblemRender(benchmark::State& state) {
  auto error = http::problems::validation({{"name", "is required"}});
  for (auto _ : state) benchmark::DoNotOptimize(http::render_problem(error, "/api/v1/x", "abc"));
}
BENCHMARK(BM_ProblemRender);

void BM_HistogramObserve(benchmark::State& state) {
  telemetry::Registry registry;
  auto& histogram = registry.histogram("h", "h", {{"route", "/x"}});
  double v = 0.0001;
  for (auto _ : state) {
    histogram.observe(v);
    v = v < 1 ? v * 1.5 : 0.0001;
  }
}
BENCHMARK(BM_HistogramObserve);

void BM_TraceContinue(benchmark::State& state) {
  auto parent = telemetry::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  for (auto _ : state) benchmark::DoNotOptimize(telemetry::continue_or_start(parent).traceparent());
}
BENCHMARK(BM_TraceContinue);

// Every stored event gets a UUIDv7 and an RFC 3339 time: a batch of 1,000
// transactions makes 1,000 of each on the ingesting thread.
void BM_UuidV7(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(hafnium::util::uuid_v7());
}
BENCHMARK(BM_UuidV7)->ThreadRange(1, 2);

void BM_FormatRfc3339(benchmark::State& state) {
  int64_t micros = 1'795'687'873'862'454LL;
  for (auto _ : state) benchmark::DoNotOptimize(hafnium::util::format_rfc3339(micros += 1'000'003));
}
BENCHMARK(BM_FormatRfc3339);

}  // namespace
