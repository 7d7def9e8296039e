#pragma once

#include <CLI/CLI.hpp>

namespace hafnium::app {

// Each adds its subcommand(s) to the `hafnium` CLI. The callbacks set the
// process exit code through `exit_code`.
void add_serve_command(CLI::App& app, int& exit_code);
void add_migrate_command(CLI::App& app, int& exit_code);
void add_keys_commands(CLI::App& app, int& exit_code);
void add_tenants_commands(CLI::App& app, int& exit_code);
void add_config_commands(CLI::App& app, int& exit_code);
void add_audit_commands(CLI::App& app, int& exit_code);
void add_events_commands(CLI::App& app, int& exit_code);
void add_version_command(CLI::App& app, int& exit_code);
void add_screen_command(CLI::App& app, int& exit_code);
void add_lists_commands(CLI::App& app, int& exit_code);
void add_transactions_commands(CLI::App& app, int& exit_code);
void add_monitor_commands(CLI::App& app, int& exit_code);

}  // namespace hafnium::app
