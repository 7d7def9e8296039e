#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/api/idempotency.h"
#include "platform/api/rate_limiter.h"
#include "platform/auth/authenticator.h"
#include "platform/clients/client_registry.h"
#include "platform/config/config.h"
#include "platform/events/dead_letters.h"
#include "platform/events/in_process_bus.h"
#include "platform/events/outbox.h"
#include "platform/http/router.h"
#include "platform/http/server.h"
#include "platform/policy/policy.h"
#include "platform/runtime/housekeeping.h"
#include "platform/runtime/module.h"
#include "platform/store/database.h"
#include "platform/store/worker_pool.h"
#include "platform/telemetry/metrics.h"
#include "platform/telemetry/otlp_exporter.h"

namespace hafnium::runtime {

class RequestPipeline;

struct Bootstrap {
  std::string tenant_name;
  std::string admin_key;  // printed once; only its hash is stored
};

// The process: configuration, store, worker pool, bus and relay,
// authentication, policy, metrics, router, HTTP server, and the modules of
// the selected targets. `serve` builds one, adds modules, and calls start().
class Runtime {
 public:
  explicit Runtime(config::Config config);
  ~Runtime();

  const config::Config& config() const { return config_; }
  store::Database& db() { return *db_; }
  std::shared_ptr<store::Database> db_ptr() { return db_; }
  store::WorkerPool& workers() { return *workers_; }
  events::EventBus& bus() { return *bus_; }
  events::OutboxRelay& relay() { return *relay_; }
  events::DeadLetterStore& dead_letters() { return *dead_letters_; }
  telemetry::Registry& metrics() { return metrics_; }
  // Null unless telemetry.otlp_endpoint is set.
  telemetry::OtlpExporter* tracer() { return tracer_.get(); }
  policy::BuiltinPolicy& policy() { return *policy_; }
  auth::Authenticator& authenticator() { return *authenticator_; }
  api::RateLimiter& key_rate_limiter() { return *key_rate_limiter_; }
  api::RateLimiter& tenant_rate_limiter() { return *tenant_rate_limiter_; }
  api::IdempotencyStore& idempotency() { return *idempotency_; }
  clients::ClientRegistry& clients() { return clients_; }
  http::Router& router() { return router_; }
  const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }

  void add_module(std::unique_ptr<Module> module);
  bool runs_target(const std::string& name) const;

  // Applies pending migrations of every registered module.
  std::vector<store::AppliedMigration> migrate();
  // On a store without tenants: creates tenant "default" and an admin key.
  // nullopt when the store has tenants, or another process starting at the
  // same time created "default" first (it reports the key).
  std::optional<Bootstrap> bootstrap_if_empty();

  // Migrates, registers routes and consumers, starts background work and
  // the HTTP server. Returns the bound port.
  uint16_t start();
  // Graceful stop: drain HTTP, flush the outbox relay, stop consumers.
  void stop();
  bool ready(std::string& detail);

  // Tells the relay that an outbox row was committed (lower latency than
  // waiting for its next poll).
  void events_committed() { relay_->wake(); }

 private:
  config::Config config_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<store::WorkerPool> workers_;
  telemetry::Registry metrics_;
  std::unique_ptr<events::DeadLetterStore> dead_letters_;
  std::unique_ptr<events::InProcessBus> bus_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::unique_ptr<policy::BuiltinPolicy> policy_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<api::RateLimiter> key_rate_limiter_;
  std::unique_ptr<api::RateLimiter> tenant_rate_limiter_;
  std::unique_ptr<api::IdempotencyStore> idempotency_;
  std::unique_ptr<Housekeeping> housekeeping_;
  std::unique_ptr<telemetry::OtlpExporter> tracer_;
  clients::ClientRegistry clients_;
  http::Router router_;
  std::vector<std::unique_ptr<Module>> modules_;
  std::unique_ptr<RequestPipeline> pipeline_;
  std::unique_ptr<http::Server> server_;
  std::vector<HealthCheck> health_checks_;
  bool started_ = false;
};

}  // namespace hafnium::runtime
