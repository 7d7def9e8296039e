#include "platform/runtime/runtime.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "platform/audit/audit_log.h"
#include "platform/auth/tenants.h"
#include "platform/runtime/pipeline.h"
#include "platform/runtime/platform_module.h"
#include "platform/telemetry/logging.h"

namespace hafnium::runtime {

Runtime::Runtime(config::Config config) : config_(std::move(config)) {
  config::validate(config_);
  db_ = store::Database::open(config_.effective_store_url(), config_.store_pool_size);
  workers_ = std::make_unique<store::WorkerPool>(config_.worker_threads);
  dead_letters_ = std::make_unique<events::DeadLetterStore>(db_);
  events::InProcessBusOptions bus_options;
  bus_options.max_attempts = config_.event_max_attempts;
  bus_options.backoff = std::chrono::milliseconds(config_.event_backoff_ms);
  bus_ = std::make_unique<events::InProcessBus>(bus_options, *dead_letters_);
  relay_ = std::make_unique<events::OutboxRelay>(db_, *bus_,
                                                 std::chrono::milliseconds(config_.relay_poll_ms));
  policy_ = policy::BuiltinPolicy::from_default();
  std::unique_ptr<auth::JwtVerifier> jwt;
  if (!config_.jwks_file.empty() || !config_.jwks_url.empty()) {
    auth::JwtOptions options;
    options.jwks_file = config_.jwks_file;
    options.jwks_url = config_.jwks_url;
    options.issuer = config_.jwt_issuer;
    options.audience = config_.jwt_audience;
    options.tenant_claim = config_.jwt_tenant_claim;
    options.min_reload_interval = std::chrono::milliseconds(config_.jwks_min_reload_ms);
    jwt = std::make_unique<auth::JwtVerifier>(options);
  }
  authenticator_ = std::make_unique<auth::Authenticator>(db_, std::move(jwt));
  key_rate_limiter_ = std::make_unique<api::InMemoryRateLimiter>();
  tenant_rate_limiter_ = std::make_unique<api::InMemoryRateLimiter>();
  idempotency_ = std::make_unique<api::IdempotencyStore>(db_, config_.idempotency_ttl_seconds);
  RetentionPolicy retention;
  retention.published_outbox = std::chrono::hours(config_.outbox_retention_hours);
  retention.processed_events = std::chrono::hours(config_.processed_events_retention_hours);
  housekeeping_ = std::make_unique<Housekeeping>(db_, retention);
  if (!config_.otlp_endpoint.empty()) {
    tracer_ = std::make_unique<telemetry::OtlpExporter>(config_.otlp_endpoint, "hafnium");
  }
  for (const auto& peer : config_.peers) {
    auto eq = peer.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("peers: expected target=URL, got " + peer);
    clients_.set_peer(peer.substr(0, eq), peer.substr(eq + 1));
  }
  add_module(std::make_unique<PlatformModule>());
}

Runtime::~Runtime() { stop(); }

void Runtime::add_module(std::unique_ptr<Module> module) {
  if (started_) throw std::logic_error("modules must be added before start");
  modules_.push_back(std::move(module));
}

bool Runtime::runs_target(const std::string& name) const {
  return std::any_of(modules_.begin(), modules_.end(),
                     [&](const auto& m) { return m->name() == name; });
}

std::vector<store::AppliedMigration> Runtime::migrate() {
  std::vector<store::AppliedMigration> applied;
  for (const auto& module : modules_) {
    auto done = store::apply_migrations(*db_, module->name(), module->migrations());
    applied.insert(applied.end(), done.begin(), done.end());
  }
  return applied;
}

std::optional<Bootstrap> Runtime::bootstrap_if_empty() {
  auth::TenantStore tenants(*db_);
  if (!tenants.list().empty()) return std::nullopt;
  Bootstrap result;
  auth::Tenant tenant;
  try {
    tenant = tenants.create("default");
  } catch (const std::runtime_error&) {
    // Servers starting together on one empty store: another one created
    // the tenant (and hands out its key) after the check above.
    if (tenants.find_by_name("default")) return std::nullopt;
    throw;
  }
  result.tenant_name = tenant.name;
  auto key = auth::ApiKeyStore(*db_).create(tenant.id, "bootstrap admin", {"admin"});
  result.admin_key = key.secret;
  audit::AuditLog::append(*db_, {tenant.id, "system", "tenants.create", "tenant/" + tenant.id,
                                 "success", "first start", ""});
  audit::AuditLog::append(*db_, {tenant.id, "system", "tenants.api_keys.create",
                                 "api_key/" + key.record.id, "success", "first start", ""});
  return result;
}

uint16_t Runtime::start() {
  auto applied = migrate();
  for (const auto& m : applied) {
    spdlog::info("applied migration {} {} ({})", m.target, m.version, m.name);
  }
  for (const auto& module : modules_) {
    module->register_routes(router_, *this);
    module->register_consumers(*bus_, *this);
    auto checks = module->health_checks(*this);
    health_checks_.insert(health_checks_.end(), checks.begin(), checks.end());
    std::string name = module->name();
    auto migrations = module->migrations();
    health_checks_.push_back({"migrations:" + name, [this, name, migrations](std::string& detail) {
                                auto pending = store::pending_migrations(*db_, name, migrations);
                                detail = pending.empty() ? "applied"
                                                         : std::to_string(pending.size()) + " pending";
                                return pending.empty();
                              }});
  }
  metrics_.callback_gauge("hafnium_process_resident_memory_bytes", "Resident set size",
                          [] { return telemetry::process_resident_bytes(); });
  metrics_.callback_gauge("hafnium_http_open_connections", "Open HTTP connections",
                          [this] { return server_ ? static_cast<double>(server_->open_connections()) : 0.0; });
  metrics_.callback_counter("hafnium_events_published_total",
                            "Outbox rows confirmed delivered by the bus",
                            [this] { return static_cast<double>(relay_->stats().published); });
  metrics_.callback_counter("hafnium_events_handled_total", "Messages handled by consumers",
                            [this] { return static_cast<double>(bus_->handled()); });
  metrics_.callback_counter("hafnium_events_retried_total", "Consumer handler retries",
                            [this] { return static_cast<double>(bus_->retried()); });
  metrics_.callback_counter("hafnium_events_dead_lettered_total", "Messages dead-lettered",
                            [this] { return static_cast<double>(bus_->dead_lettered()); });
  metrics_.callback_gauge("hafnium_outbox_in_flight", "Outbox rows published, not yet confirmed",
                          [this] { return static_cast<double>(relay_->stats().in_flight); });
  // The store as the process last found it (no query at scrape time): 0
  // from a failed reconnection until one succeeds (requests answer 503).
  metrics_.callback_gauge("hafnium_store_up", "1 while the store is reachable, 0 during an outage",
                          [this] { return db_->reachable() ? 1.0 : 0.0; });
  metrics_.callback_gauge("hafnium_store_log_sync_failed",
                          "1 once a sync of the SQLite write-ahead log failed: no write is acknowledged until restart",
                          [this] { return db_->log_sync_failed() ? 1.0 : 0.0; });
  metrics_.callback_counter("hafnium_store_reconnections_total",
                            "Store connections reopened after the server ended them (a restart, a failover)",
                            [this] { return static_cast<double>(db_->reconnections()); });
  if (db_->dialect() == store::Dialect::kSqlite) {
    metrics_.callback_counter("hafnium_store_checkpoints_total",
                              "Write-ahead log checkpoints completed (the log copied back into the database file)",
                              [this] { return static_cast<double>(db_->checkpoints()); });
    metrics_.callback_gauge("hafnium_store_wal_pages",
                            "Pages in the write-ahead log after the latest commit (rising without falling back: "
                            "checkpoints are not keeping up)",
                            [this] { return static_cast<double>(db_->log_pages()); });
    metrics_.callback_counter("hafnium_store_write_lock_wait_seconds_total",
                              "Time writes waited for the store's one writer (SQLite writes one at a time)",
                              [this] { return db_->writer_wait_seconds(); });
    metrics_.callback_counter("hafnium_store_write_lock_held_seconds_total",
                              "Time the store's one writer was held, commits included (their fsyncs run after "
                              "it is let go; a rate near 1: writes are saturated)",
                              [this] { return db_->writer_held_seconds(); });
    metrics_.callback_counter("hafnium_store_log_syncs_total",
                              "Syncs of the write-ahead log to disk by acknowledged writes (fewer than those "
                              "writes: writers that commit while a sync runs share the next one)",
                              [this] { return static_cast<double>(db_->log_syncs()); });
  }

  telemetry::set_access_log_enabled(config_.access_log);
  authenticator_->start();
  for (const auto& module : modules_) module->start(*this);
  bus_->start();
  relay_->start();
  housekeeping_->start();
  if (tracer_) {
    tracer_->start();
    metrics_.callback_counter("hafnium_traces_exported_spans_total", "Spans sent to the OTLP collector",
                              [this] { return static_cast<double>(tracer_->exported()); });
    metrics_.callback_counter("hafnium_traces_dropped_spans_total",
                              "Spans dropped because the export queue was full",
                              [this] { return static_cast<double>(tracer_->dropped()); });
  }

  pipeline_ = std::make_unique<RequestPipeline>(*this);
  pipeline_->prepare();
  http::ServerOptions options;
  options.host = config_.listen_host();
  options.port = config_.listen_port();
  options.io_threads = config_.io_threads;
  options.header_limit = config_.header_limit_bytes;
  options.body_limit = config_.body_limit_bytes;
  options.header_timeout = std::chrono::milliseconds(config_.header_timeout_ms);
  options.body_timeout = std::chrono::milliseconds(config_.body_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(config_.idle_timeout_ms);
  options.drain_timeout = std::chrono::milliseconds(config_.drain_timeout_ms);
  server_ = std::make_unique<http::Server>(options, *pipeline_);
  uint16_t port = server_->start();
  started_ = true;
  return port;
}

void Runtime::stop() {
  if (!started_) return;
  started_ = false;
  // In-flight requests finish first; their events are in the outbox then.
  if (server_) server_->drain_and_stop();
  if (!relay_->flush_and_stop(std::chrono::milliseconds(config_.drain_timeout_ms))) {
    spdlog::warn("outbox not fully delivered at shutdown; the rest is delivered after restart");
  }
  bus_->stop();
  housekeeping_->stop();
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) (*it)->stop();
  authenticator_->stop();
  workers_->stop();
  if (tracer_) tracer_->stop();
  telemetry::flush_logs();
}

bool Runtime::ready(std::string& detail) {
  boost::json::object checks;
  bool all = true;
  for (const auto& check : health_checks_) {
    std::string text;
    bool ok = false;
    try {
      ok = check.check(text);
    } catch (const std::exception& error) {
      text = "check failed";
    }
    all = all && ok;
    checks[check.name] = boost::json::object{{"ok", ok}, {"detail", text}};
  }
  detail = boost::json::serialize(checks);
  return all;
}

}  // namespace hafnium::runtime
