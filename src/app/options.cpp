#include "app/options.h"

#include <cstdlib>
#include <filesystem>

#include "platform/runtime/platform_schema.h"
#include "platform/telemetry/logging.h"
#include "services/targets.h"

namespace hafnium::app {

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("--config", options.config_file, "YAML configuration file (or HAFNIUM_CONFIG)");
  command.add_option("--data-dir", options.data_dir, "Data directory (default ./var)");
  command.add_option("--db", options.db_url,
                     "Store URL: sqlite:///path/file.db or postgresql://user@host/db");
}

config::Config resolve_config(const CommonOptions& options) {
  std::string file = options.config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("HAFNIUM_CONFIG"); env && *env) file = env;
  }
  config::Config config = config::load(file);
  config::apply_environment(config);
  if (!options.data_dir.empty()) config.data_dir = options.data_dir;
  if (!options.db_url.empty()) config.store_url = options.db_url;
  return config;
}

std::shared_ptr<store::Database> open_migrated_store(const CommonOptions& options,
                                                     std::vector<store::AppliedMigration>* applied) {
  config::Config config = resolve_config(options);
  telemetry::init_logging("warn");
  if (config.store_url.empty()) std::filesystem::create_directories(config.data_dir);
  auto db = store::Database::open(config.effective_store_url(), 2);
  auto done = store::apply_migrations(*db, "platform", runtime::platform_migrations());
  for (const auto& name : services::target_names()) {
    auto more = store::apply_migrations(*db, name, services::make_target(name)->migrations());
    done.insert(done.end(), more.begin(), more.end());
  }
  if (applied) *applied = std::move(done);
  return db;
}

}  // namespace hafnium::app
