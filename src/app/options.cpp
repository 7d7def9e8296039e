#include "app/options.h"

#include <cstdlib>

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

}  // namespace hafnium::app
