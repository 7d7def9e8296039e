#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "platform/config/config.h"
#include "platform/store/migrations.h"

#include <memory>

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

// Opens the configured store for an operator command and brings every
// target's schema up to date; `applied` (optional) receives what was applied.
std::shared_ptr<store::Database> open_migrated_store(const CommonOptions& options,
                                                     std::vector<store::AppliedMigration>* applied = nullptr);

}  // namespace hafnium::app
