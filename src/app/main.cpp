// The `hafnium` command line: one binary for every target and every
// operator task. Subcommands live in src/app/*_command(s).cpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "platform/util/error_text.h"

int main(int argc, char** argv) {
  CLI::App app{"Hafnium: KYC/AML compliance platform"};
  app.require_subcommand(1);
  int exit_code = 0;
  hafnium::app::add_serve_command(app, exit_code);
  hafnium::app::add_migrate_command(app, exit_code);
  hafnium::app::add_keys_commands(app, exit_code);
  hafnium::app::add_tenants_commands(app, exit_code);
  hafnium::app::add_config_commands(app, exit_code);
  hafnium::app::add_audit_commands(app, exit_code);
  hafnium::app::add_events_commands(app, exit_code);
  hafnium::app::add_screen_command(app, exit_code);
  hafnium::app::add_lists_commands(app, exit_code);
  hafnium::app::add_transactions_commands(app, exit_code);
  hafnium::app::add_monitor_commands(app, exit_code);
  hafnium::app::add_version_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const std::exception& error) {
    // Whole (a report of bad input rows runs to many lines), but without
    // the values a failed database statement was writing.
    std::cerr << "hafnium: " << hafnium::util::error_text(error, 64 * 1024) << "\n";
    return 2;
  }
  return exit_code;
}
