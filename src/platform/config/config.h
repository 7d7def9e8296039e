#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hafnium::config {

struct RateLimit {
  double rate_per_second = 0;  // 0 disables the limit
  double burst = 0;
};

// The effective configuration. Precedence, lowest first: built-in defaults,
// the YAML file (--config or HAFNIUM_CONFIG), HAFNIUM_* environment
// variables, command-line flags. docs/configuration.md lists every key.
struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  std::string store_url;  // empty: sqlite://<data_dir>/hafnium.db
  size_t store_pool_size = 8;
  size_t worker_threads = 8;
  std::vector<std::string> targets = {"all"};
  std::string log_level = "info";
  bool access_log = true;

  size_t io_threads = 0;  // 0: one per core
  size_t header_limit_bytes = 16 * 1024;
  size_t body_limit_bytes = 16 * 1024 * 1024;
  int64_t header_timeout_ms = 10'000;
  int64_t body_timeout_ms = 30'000;
  int64_t idle_timeout_ms = 60'000;
  int64_t drain_timeout_ms = 15'000;

  // OIDC bearer tokens; disabled unless a JWKS source is set.
  std::string jwks_file;
  std::string jwks_url;
  std::string jwt_issuer;
  std::string jwt_audience;
  std::string jwt_tenant_claim = "tenant";
  int64_t jwks_min_reload_ms = 5000;  // an unknown kid re-reads the JWKS at most this often

  RateLimit rate_limit_per_key{1000, 2000};
  RateLimit rate_limit_per_tenant{5000, 10000};

  int64_t idempotency_ttl_seconds = 24 * 3600;

  int event_max_attempts = 5;
  int64_t event_backoff_ms = 100;  // doubled per attempt
  int64_t relay_poll_ms = 200;
  int64_t outbox_retention_hours = 7 * 24;             // published rows
  int64_t processed_events_retention_hours = 30 * 24;  // consumer dedup window

  // Monitoring: ingestion waits while the detector is further behind than
  // this (0: never), up to the wait, then answers 503 (EvaluationGate).
  int64_t monitoring_max_evaluation_delay_ms = 2000;
  int64_t monitoring_admission_wait_ms = 5000;

  // Screening: load the bundled watchlist snapshots (data/lists) when the
  // store has no shared lists yet (first start).
  bool screening_bundled_lists = true;

  std::string otlp_endpoint;  // e.g. http://127.0.0.1:4318/v1/traces; empty disables export

  // Where other targets are reached when they do not run in this process:
  // "target=http://host:port" pairs.
  std::vector<std::string> peers;

  std::string effective_store_url() const;
  std::string listen_host() const;
  uint16_t listen_port() const;
};

// Throws std::invalid_argument naming the key and the reason.
Config load(const std::string& yaml_path);
void apply_environment(Config& config);
void validate(const Config& config);
// YAML of the effective configuration with secrets (store password,
// credentials in URLs) redacted.
std::string render_redacted(const Config& config);

}  // namespace hafnium::config
