#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "platform/config/config.h"

namespace hafnium::app {

// Flags every subcommand that touches the store accepts. Empty means "not
// given": the config file and HAFNIUM_* variables decide.
struct CommonOptions {
  std::string config_file;
  std::string data_dir;
  std::string db_url;
};

void add_common_options(CLI::App& command, CommonOptions& options);

// Defaults < config file < environment < flags.
config::Config resolve_config(const CommonOptions& options);

}  // namespace hafnium::app
