#include <signal.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/options.h"
#include "platform/runtime/runtime.h"
#include "platform/telemetry/logging.h"
#include "services/targets.h"

namespace hafnium::app {

namespace {
struct ServeOptions {
  CommonOptions common;
  std::string targets;
  std::string listen;
};

int serve(const ServeOptions& options) {
  // Block the stop signals before any thread exists, so that every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  config::Config config = resolve_config(options.common);
  if (!options.targets.empty()) {
    config.targets.clear();
    std::string list = options.targets;
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      if (comma > start) config.targets.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  if (!options.listen.empty()) config.listen = options.listen;
  telemetry::init_logging(config.log_level);
  telemetry::set_access_log_enabled(config.access_log);
  auto targets = services::resolve_targets(config.targets);
  if (config.store_url.empty()) std::filesystem::create_directories(config.data_dir);

  auto runtime = std::make_unique<runtime::Runtime>(config);
  for (const auto& name : targets) runtime->add_module(services::make_target(name));
  services::register_remote_clients(runtime->clients());

  runtime->migrate();
  if (auto bootstrap = runtime->bootstrap_if_empty()) {
    std::cout << "Created tenant '" << bootstrap->tenant_name << "' and its admin API key.\n"
              << "This key is shown once and stored only as a hash; keep it safe:\n\n"
              << "  " << bootstrap->admin_key << "\n\n"
              << std::flush;
  }
  uint16_t port = runtime->start();
  std::string joined;
  for (const auto& t : targets) joined += (joined.empty() ? "" : ",") + t;
  std::string host = config.listen_host();
  std::cout << "hafnium: listening on http://" << (host.find(':') != std::string::npos ? "[" + host + "]" : host)
            << ":" << port << " (targets: " << joined << ", store: "
            << runtime->db().url().redacted << ")\n"
            << "  try: curl -H 'Authorization: Bearer <key>' http://" << host << ":" << port
            << "/api/v1/whoami\n"
            << std::flush;
  spdlog::info("serving targets {} on {}:{}", joined, host, port);

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, draining", received == SIGTERM ? "SIGTERM" : "SIGINT");
  runtime->stop();
  runtime.reset();
  spdlog::info("stopped");
  telemetry::flush_logs();
  return 0;
}
}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  auto* command = app.add_subcommand("serve", "Start the selected targets (default: all)");
  add_common_options(*command, options->common);
  command->add_option("--targets", options->targets,
                      "all, or a comma-separated subset of: facade, identity, screening, "
                      "monitoring, cases, vault, risk, signals");
  command->add_option("--listen", options->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  command->callback([options, &exit_code] { exit_code = serve(*options); });
}

}  // namespace hafnium::app
