#pragma once

#include <chrono>
#include <thread>

#include "platform/auth/api_keys.h"
#include "platform/auth/tenants.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "platform/runtime/runtime.h"
#include "services/targets.h"
#include "support/http_client.h"
#include "support/test_databases.h"

namespace hafnium::testing {

// The whole runtime in the test process, serving real HTTP on a loopback
// port: for tests that need to reach inside (the route table, extra test
// modules) while still talking to it over sockets.
class InProcessServer {
 public:
  struct Options {
    std::string backend = "sqlite";
    std::vector<std::string> targets = {"all"};
    std::vector<std::unique_ptr<runtime::Module>> extra_modules;
    std::function<void(config::Config&)> configure;
    // Run on this store instead of a fresh one (restart tests); not owned.
    const TempStore* existing_store = nullptr;
  };

  explicit InProcessServer(Options options) {
    if (options.existing_store == nullptr) {
      owned_store_ = std::make_unique<TempStore>(options.backend);
      store_ = owned_store_.get();
    } else {
      store_ = options.existing_store;
    }
    config::Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = store_->dir().string();
    config.store_url = store_->url();
    config.access_log = false;
    config.io_threads = 2;
    config.worker_threads = 4;
    config.store_pool_size = 4;
    config.relay_poll_ms = 20;
    config.screening_bundled_lists = false;  // tests that screen bring their own lists
    if (options.configure) options.configure(config);
    runtime_ = std::make_unique<runtime::Runtime>(config);
    for (const auto& name : services::resolve_targets(options.targets)) {
      runtime_->add_module(services::make_target(name));
    }
    for (auto& module : options.extra_modules) runtime_->add_module(std::move(module));
    services::register_remote_clients(runtime_->clients());
    runtime_->migrate();
    if (auto bootstrap = runtime_->bootstrap_if_empty()) admin_key_ = bootstrap->admin_key;
    port_ = runtime_->start();
  }
  ~InProcessServer() {
    runtime_->stop();
    runtime_.reset();
  }

  runtime::Runtime& runtime() { return *runtime_; }
  uint16_t port() const { return port_; }
  const std::string& admin_key() const { return admin_key_; }
  TestHttpClient client() const { return TestHttpClient("127.0.0.1", port_); }
  const TempStore& store() const { return *store_; }

  // A second tenant with an admin key, usable once the authenticator has
  // picked the key up (its snapshot refreshes every 500 ms).
  std::string create_tenant_key(const std::string& name) {
    auth::TenantStore tenants(runtime_->db());
    auto tenant = tenants.create(name);
    auto key = auth::ApiKeyStore(runtime_->db()).create(tenant.id, "test", {"admin"}).secret;
    for (int i = 0; i < 300 && client().get("/api/v1/whoami", key).status != 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return key;
  }

 private:
  std::unique_ptr<TempStore> owned_store_;
  const TempStore* store_ = nullptr;
  std::unique_ptr<runtime::Runtime> runtime_;
  uint16_t port_ = 0;
  std::string admin_key_;
};

}  // namespace hafnium::testing
