#include "platform/runtime/platform_module.h"

#include <boost/json.hpp>

#include "platform/http/router.h"
#include "platform/runtime/platform_schema.h"
#include "platform/runtime/runtime.h"

namespace hafnium::runtime {

std::vector<store::Migration> PlatformModule::migrations() const { return platform_migrations(); }

void PlatformModule::register_routes(http::Router& router, Runtime& runtime) {
  router.add({.method = http::Method::kGet,
              .pattern = "/healthz",
              .handler = [](const http::Request&, http::RequestContext&) {
                return http::Response::json(200, boost::json::object{{"status", "ok"}});
              },
              .access = http::Access::kPublic,
              .execution = http::Execution::kInline,
              .target = "platform"});
  router.add({.method = http::Method::kGet,
              .pattern = "/readyz",
              .handler = [&runtime](const http::Request&, http::RequestContext&) {
                std::string detail;
                bool ok = runtime.ready(detail);
                return http::Response::json(ok ? 200 : 503,
                                            boost::json::object{{"status", ok ? "ready" : "not ready"},
                                                                {"checks", boost::json::parse(detail)}});
              },
              .access = http::Access::kPublic,
              .execution = http::Execution::kBlocking,
              .target = "platform"});
  router.add({.method = http::Method::kGet,
              .pattern = "/metrics",
              .handler = [&runtime](const http::Request&, http::RequestContext&) {
                return http::Response::text(200, runtime.metrics().render(),
                                            "text/plain; version=0.0.4; charset=utf-8");
              },
              .access = http::Access::kPublic,
              .execution = http::Execution::kInline,
              .target = "platform"});
}

std::vector<HealthCheck> PlatformModule::health_checks(Runtime& runtime) {
  return {
      {"store", [&runtime](std::string& detail) {
         // A store whose log could not be synced answers queries but
         // acknowledges no write until the process restarts: not ready.
         if (runtime.db().log_sync_failed()) {
           detail = "its write-ahead log could not be synced to disk; restart once the disk is sound";
           return false;
         }
         bool ok = runtime.db().ping();
         detail = ok ? "reachable" : "unreachable";
         return ok;
       }},
      {"outbox_relay", [&runtime](std::string& detail) {
         bool ok = runtime.relay().running();
         detail = ok ? "running" : "stopped";
         return ok;
       }},
  };
}

}  // namespace hafnium::runtime
