#include "platform/config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "platform/store/database.h"

namespace hafnium::config {

std::string Config::effective_store_url() const {
  if (!store_url.empty()) return store_url;
  return "sqlite://" + std::filesystem::absolute(std::filesystem::path(data_dir) / "hafnium.db")
                           .lexically_normal()
                           .string();
}

std::string Config::listen_host() const {
  auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host.empty() ? "0.0.0.0" : host;
}

uint16_t Config::listen_port() const {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("listen: expected HOST:PORT");
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("listen: port out of range");
  return static_cast<uint16_t>(port);
}

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

template <class T>
void read(const YAML::Node& node, const char* key, T& out, const std::string& path) {
  if (!node || !node[key]) return;
  try {
    out = node[key].as<T>();
  } catch (const YAML::Exception&) {
    throw std::invalid_argument("config " + path + key + ": wrong type");
  }
}

void read_rate(const YAML::Node& node, const char* key, RateLimit& out) {
  if (!node || !node[key]) return;
  read(node[key], "rate_per_second", out.rate_per_second, std::string("rate_limits.") + key + ".");
  read(node[key], "burst", out.burst, std::string("rate_limits.") + key + ".");
}

}  // namespace

Config load(const std::string& yaml_path) {
  Config config;
  if (yaml_path.empty()) return config;
  YAML::Node root;
  try {
    root = YAML::LoadFile(yaml_path);
  } catch (const YAML::Exception& error) {
    throw std::invalid_argument("config file " + yaml_path + ": " + error.what());
  }
  static const std::vector<std::string> known = {
      "listen", "data_dir", "store", "targets", "logging", "http", "auth",
      "rate_limits", "idempotency", "events", "telemetry", "peers", "workers", "screening"};
  for (const auto& entry : root) {
    auto key = entry.first.as<std::string>();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw std::invalid_argument("config key '" + key + "' is not known");
    }
  }
  read(root, "listen", config.listen, "");
  read(root, "data_dir", config.data_dir, "");
  read(root, "workers", config.worker_threads, "");
  if (auto store = root["store"]) {
    read(store, "url", config.store_url, "store.");
    read(store, "pool_size", config.store_pool_size, "store.");
  }
  if (auto targets = root["targets"]) {
    if (targets.IsSequence()) {
      config.targets = targets.as<std::vector<std::string>>();
    } else {
      config.targets = split_list(targets.as<std::string>());
    }
  }
  if (auto logging = root["logging"]) {
    read(logging, "level", config.log_level, "logging.");
    read(logging, "access_log", config.access_log, "logging.");
  }
  if (auto http = root["http"]) {
    read(http, "io_threads", config.io_threads, "http.");
    read(http, "header_limit_bytes", config.header_limit_bytes, "http.");
    read(http, "body_limit_bytes", config.body_limit_bytes, "http.");
    read(http, "header_timeout_ms", config.header_timeout_ms, "http.");
    read(http, "body_timeout_ms", config.body_timeout_ms, "http.");
    read(http, "idle_timeout_ms", config.idle_timeout_ms, "http.");
    read(http, "drain_timeout_ms", config.drain_timeout_ms, "http.");
  }
  if (auto jwt = root["auth"] ? root["auth"]["jwt"] : YAML::Node()) {
    read(jwt, "jwks_file", config.jwks_file, "auth.jwt.");
    read(jwt, "jwks_url", config.jwks_url, "auth.jwt.");
    read(jwt, "issuer", config.jwt_issuer, "auth.jwt.");
    read(jwt, "audience", config.jwt_audience, "auth.jwt.");
    read(jwt, "tenant_claim", config.jwt_tenant_claim, "auth.jwt.");
    read(jwt, "min_reload_ms", config.jwks_min_reload_ms, "auth.jwt.");
  }
  if (auto limits = root["rate_limits"]) {
    read_rate(limits, "per_key", config.rate_limit_per_key);
    read_rate(limits, "per_tenant", config.rate_limit_per_tenant);
  }
  if (auto idem = root["idempotency"]) read(idem, "ttl_seconds", config.idempotency_ttl_seconds, "idempotency.");
  if (auto events = root["events"]) {
    read(events, "max_attempts", config.event_max_attempts, "events.");
    read(events, "backoff_ms", config.event_backoff_ms, "events.");
    read(events, "relay_poll_ms", config.relay_poll_ms, "events.");
    read(events, "outbox_retention_hours", config.outbox_retention_hours, "events.");
    read(events, "processed_events_retention_hours", config.processed_events_retention_hours, "events.");
  }
  if (auto telemetry = root["telemetry"]) read(telemetry, "otlp_endpoint", config.otlp_endpoint, "telemetry.");
  if (auto monitoring = root["monitoring"]) {
    read(monitoring, "max_evaluation_delay_ms", config.monitoring_max_evaluation_delay_ms, "monitoring.");
    read(monitoring, "admission_wait_ms", config.monitoring_admission_wait_ms, "monitoring.");
  }
  if (auto screening = root["screening"]) read(screening, "bundled_lists", config.screening_bundled_lists, "screening.");
  if (auto peers = root["peers"]) config.peers = peers.as<std::vector<std::string>>();
  return config;
}

void apply_environment(Config& config) {
  auto env = [](const char* name) -> const char* {
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
  };
  auto number = [](const char* name, const char* text) {
    try {
      return std::stoll(text);
    } catch (const std::exception&) {
      throw std::invalid_argument(std::string(name) + ": not a number");
    }
  };
  if (auto v = env("HAFNIUM_LISTEN")) config.listen = v;
  if (auto v = env("HAFNIUM_DATA_DIR")) config.data_dir = v;
  if (auto v = env("HAFNIUM_DB_URL")) config.store_url = v;
  if (auto v = env("HAFNIUM_TARGETS")) config.targets = split_list(v);
  if (auto v = env("HAFNIUM_LOG_LEVEL")) config.log_level = v;
  if (auto v = env("HAFNIUM_ACCESS_LOG")) config.access_log = std::string(v) != "false" && std::string(v) != "0";
  if (auto v = env("HAFNIUM_IO_THREADS")) config.io_threads = static_cast<size_t>(number("HAFNIUM_IO_THREADS", v));
  if (auto v = env("HAFNIUM_WORKERS")) config.worker_threads = static_cast<size_t>(number("HAFNIUM_WORKERS", v));
  if (auto v = env("HAFNIUM_JWKS_FILE")) config.jwks_file = v;
  if (auto v = env("HAFNIUM_JWKS_URL")) config.jwks_url = v;
  if (auto v = env("HAFNIUM_JWT_ISSUER")) config.jwt_issuer = v;
  if (auto v = env("HAFNIUM_JWT_AUDIENCE")) config.jwt_audience = v;
  if (auto v = env("HAFNIUM_RATE_LIMIT_KEY_RPS")) config.rate_limit_per_key.rate_per_second = static_cast<double>(number("HAFNIUM_RATE_LIMIT_KEY_RPS", v));
  if (auto v = env("HAFNIUM_RATE_LIMIT_KEY_BURST")) config.rate_limit_per_key.burst = static_cast<double>(number("HAFNIUM_RATE_LIMIT_KEY_BURST", v));
  if (auto v = env("HAFNIUM_RATE_LIMIT_TENANT_RPS")) config.rate_limit_per_tenant.rate_per_second = static_cast<double>(number("HAFNIUM_RATE_LIMIT_TENANT_RPS", v));
  if (auto v = env("HAFNIUM_RATE_LIMIT_TENANT_BURST")) config.rate_limit_per_tenant.burst = static_cast<double>(number("HAFNIUM_RATE_LIMIT_TENANT_BURST", v));
  if (auto v = env("HAFNIUM_OTLP_ENDPOINT")) config.otlp_endpoint = v;
  if (auto v = env("HAFNIUM_BUNDLED_LISTS")) config.screening_bundled_lists = std::string(v) != "false" && std::string(v) != "0";
  if (auto v = env("HAFNIUM_PEERS")) config.peers = split_list(v);
}

void validate(const Config& config) {
  config.listen_port();
  store::parse_store_url(config.effective_store_url());
  if (config.store_pool_size == 0) throw std::invalid_argument("store.pool_size must be at least 1");
  if (config.worker_threads == 0) throw std::invalid_argument("workers must be at least 1");
  if (!config.jwks_file.empty() && !config.jwks_url.empty()) {
    throw std::invalid_argument("auth.jwt: set jwks_file or jwks_url, not both");
  }
  static const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(levels.begin(), levels.end(), config.log_level) == levels.end()) {
    throw std::invalid_argument("logging.level must be one of trace, debug, info, warn, error, critical, off");
  }
  if (config.event_max_attempts < 1) throw std::invalid_argument("events.max_attempts must be at least 1");
  if (config.monitoring_max_evaluation_delay_ms < 0) {
    throw std::invalid_argument("monitoring.max_evaluation_delay_ms must be 0 (never hold back) or more");
  }
  if (config.monitoring_admission_wait_ms < 0) throw std::invalid_argument("monitoring.admission_wait_ms must be 0 or more");
}

std::string render_redacted(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "listen" << YAML::Value << config.listen;
  out << YAML::Key << "data_dir" << YAML::Value << config.data_dir;
  out << YAML::Key << "workers" << YAML::Value << config.worker_threads;
  out << YAML::Key << "store" << YAML::Value << YAML::BeginMap
      << YAML::Key << "url" << YAML::Value
      << store::parse_store_url(config.effective_store_url()).redacted
      << YAML::Key << "pool_size" << YAML::Value << config.store_pool_size << YAML::EndMap;
  out << YAML::Key << "targets" << YAML::Value << YAML::Flow << config.targets;
  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap
      << YAML::Key << "level" << YAML::Value << config.log_level
      << YAML::Key << "access_log" << YAML::Value << config.access_log << YAML::EndMap;
  out << YAML::Key << "http" << YAML::Value << YAML::BeginMap
      << YAML::Key << "io_threads" << YAML::Value << config.io_threads
      << YAML::Key << "header_limit_bytes" << YAML::Value << config.header_limit_bytes
      << YAML::Key << "body_limit_bytes" << YAML::Value << config.body_limit_bytes
      << YAML::Key << "header_timeout_ms" << YAML::Value << config.header_timeout_ms
      << YAML::Key << "body_timeout_ms" << YAML::Value << config.body_timeout_ms
      << YAML::Key << "idle_timeout_ms" << YAML::Value << config.idle_timeout_ms
      << YAML::Key << "drain_timeout_ms" << YAML::Value << config.drain_timeout_ms << YAML::EndMap;
  auto redact_url = [](const std::string& url) {
    auto scheme = url.find("://");
    auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos) return url;
    return url.substr(0, scheme + 3) + "***" + url.substr(at);
  };
  out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap << YAML::Key << "jwt" << YAML::Value
      << YAML::BeginMap << YAML::Key << "jwks_file" << YAML::Value << config.jwks_file
      << YAML::Key << "jwks_url" << YAML::Value << redact_url(config.jwks_url)
      << YAML::Key << "issuer" << YAML::Value << config.jwt_issuer
      << YAML::Key << "audience" << YAML::Value << config.jwt_audience
      << YAML::Key << "tenant_claim" << YAML::Value << config.jwt_tenant_claim
      << YAML::Key << "min_reload_ms" << YAML::Value << config.jwks_min_reload_ms << YAML::EndMap
      << YAML::EndMap;
  auto rate = [&](const char* key, const RateLimit& limit) {
    out << YAML::Key << key << YAML::Value << YAML::BeginMap << YAML::Key << "rate_per_second"
        << YAML::Value << limit.rate_per_second << YAML::Key << "burst" << YAML::Value
        << limit.burst << YAML::EndMap;
  };
  out << YAML::Key << "rate_limits" << YAML::Value << YAML::BeginMap;
  rate("per_key", config.rate_limit_per_key);
  rate("per_tenant", config.rate_limit_per_tenant);
  out << YAML::EndMap;
  out << YAML::Key << "idempotency" << YAML::Value << YAML::BeginMap << YAML::Key
      << "ttl_seconds" << YAML::Value << config.idempotency_ttl_seconds << YAML::EndMap;
  out << YAML::Key << "events" << YAML::Value << YAML::BeginMap
      << YAML::Key << "max_attempts" << YAML::Value << config.event_max_attempts
      << YAML::Key << "backoff_ms" << YAML::Value << config.event_backoff_ms
      << YAML::Key << "relay_poll_ms" << YAML::Value << config.relay_poll_ms
      << YAML::Key << "outbox_retention_hours" << YAML::Value << config.outbox_retention_hours
      << YAML::Key << "processed_events_retention_hours" << YAML::Value
      << config.processed_events_retention_hours << YAML::EndMap;
  out << YAML::Key << "telemetry" << YAML::Value << YAML::BeginMap << YAML::Key
      << "otlp_endpoint" << YAML::Value << redact_url(config.otlp_endpoint) << YAML::EndMap;
  out << YAML::Key << "monitoring" << YAML::Value << YAML::BeginMap
      << YAML::Key << "max_evaluation_delay_ms" << YAML::Value << config.monitoring_max_evaluation_delay_ms
      << YAML::Key << "admission_wait_ms" << YAML::Value << config.monitoring_admission_wait_ms << YAML::EndMap;
  out << YAML::Key << "screening" << YAML::Value << YAML::BeginMap << YAML::Key << "bundled_lists"
      << YAML::Value << config.screening_bundled_lists << YAML::EndMap;
  out << YAML::Key << "peers" << YAML::Value << YAML::Flow << config.peers;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace hafnium::config
