// hafnium lists import / lists list: the operator's side of watchlists.
#include <chrono>
#include <iomanip>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

#include "app/commands.h"
#include "app/options.h"
#include "app/progress.h"
#include "platform/auth/tenants.h"
#include "platform/runtime/platform_schema.h"
#include "platform/store/migrations.h"
#include "platform/telemetry/logging.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"
#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/service.h"
#include "services/screening/store.h"
#include "services/targets.h"

namespace hafnium::app {

namespace {

namespace sc = services::screening;

struct ImportOptions {
  CommonOptions common;
  std::string source;
  std::vector<std::string> paths;
  std::string tenant;
  std::string list_date;
};

int import_command(const ImportOptions& options) {
  if (!sc::is_known_source(options.source)) {
    throw std::invalid_argument("unknown list source '" + options.source +
                                "' (known: ofac-sdn, ofac-xml, un, uk, eu, custom:<name>)");
  }
  bool custom = options.source.starts_with("custom:");
  if (custom && options.tenant.empty()) throw std::invalid_argument("custom lists belong to a tenant: give --tenant");
  if (!custom && !options.tenant.empty()) throw std::invalid_argument("official lists are shared by all tenants: no --tenant");
  auto started = std::chrono::steady_clock::now();
  // Parse first: a malformed file is refused before the store is touched.
  sc::ParsedList list;
  try {
    list = sc::import_list(options.source, options.paths);
    sc::apply_list_date(list, options.list_date);
  } catch (const sc::ImportError& error) {
    std::cerr << "lists import: rejected, the active version is unchanged: " << error.what() << "\n";
    return 1;
  }
  auto db = open_migrated_store(options.common);
  std::string tenant_id = sc::kSharedLists;
  std::string audit_tenant;
  if (custom) {
    auth::TenantStore tenants(*db);
    auto tenant = tenants.find_by_name(options.tenant);
    if (!tenant) tenant = tenants.find_by_id(options.tenant);
    if (!tenant) throw std::invalid_argument("no tenant '" + options.tenant + "'");
    tenant_id = tenant->id;
    audit_tenant = tenant->id;
  }
  const char* user = std::getenv("USER");
  const std::string actor = std::string("cli:") + (user ? user : std::to_string(getuid()));
  sc::ScreeningService service(db);
  auto version = service.import(tenant_id, list, {audit_tenant, actor, ""});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "imported " << options.source << " version " << version.version << ": " << version.entity_count
            << " entities (" << version.added << " added, " << version.removed << " removed, " << version.changed
            << " changed)" << (version.list_date.empty() ? "" : ", list date " + version.list_date) << ", "
            << std::fixed << std::setprecision(2) << seconds << " s" << std::endl;
  // The re-screening the version owes (and any an earlier run or a
  // crashed server left unfinished), here unless a running server took it
  // first. Interrupted, it is resumed where it stopped by the server or
  // the next import.
  sc::ScreeningService::RescreenRun run;
  run.worker = actor + ":" + util::uuid_v7();
  const bool tty = isatty(STDERR_FILENO);
  auto job_started = std::chrono::steady_clock::now();
  std::string drawing;  // the version whose bar is on the terminal
  run.progress = [&](const sc::RescreenJob& job, int64_t total) {
    if (!tty) return;
    if (drawing != job.version_id) {
      if (!drawing.empty()) std::fputc('\n', stderr);
      drawing = job.version_id;
      job_started = std::chrono::steady_clock::now();
    }
    draw_progress(static_cast<size_t>(job.parties_screened), static_cast<size_t>(total),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - job_started).count(), "parties");
  };
  bool own_failed = false;
  run.failed = [&](const sc::RescreenJob& job) {
    own_failed = own_failed || job.version_id == version.id;
    if (!drawing.empty()) std::fputc('\n', stderr);
    drawing.clear();
    std::cerr << "re-screening after " << job.source << " version " << job.version << " failed after "
              << job.parties_screened << " parties (" << job.last_error << "); it resumes from there at "
              << util::format_rfc3339(job.retry_at) << " (hafnium serve, or the next import)\n";
  };
  auto completed = service.run_rescreens(run);
  if (!drawing.empty()) std::fputc('\n', stderr);
  bool own_done = false;
  for (const auto& job : completed) {
    own_done = own_done || job.version_id == version.id;
    std::cout << "re-screened after " << job.source << " version " << job.version << ": " << job.parties_screened
              << " parties, " << job.hits_raised << " new hits\n";
  }
  if (!own_done && !own_failed) {
    const auto own = sc::RescreenJobs::find(*db, version.id);
    if (own && own->status == "superseded") {
      // Another import of the same list came while this one's waited: the
      // later version's re-screening covers this one.
      std::cout << "re-screening after this version is superseded by a later version's\n";
    } else {
      std::cout << "re-screening of the screened parties continues in another process (hafnium serve);"
                   " `hafnium lists list` shows its progress\n";
    }
  }
  return 0;
}

}  // namespace

void add_lists_commands(CLI::App& app, int& exit_code) {
  auto* lists = app.add_subcommand("lists", "Manage watchlists");
  lists->require_subcommand(1);
  auto options = std::make_shared<ImportOptions>();
  auto* import = lists->add_subcommand("import", "Import a new version of a list and make it active");
  add_common_options(*import, options->common);
  import->add_option("SOURCE", options->source, "ofac-sdn, ofac-xml, un, uk, eu or custom:<name>")->required();
  import->add_option("PATH", options->paths, "The list file (or folder: ofac-sdn, uk)")->required();
  import->add_option("--tenant", options->tenant, "The tenant a custom list belongs to");
  import->add_option("--list-date", options->list_date,
                     "The publication date (YYYY-MM-DD) of a file that states none (the legacy OFAC CSV, a custom list)");
  import->callback([options, &exit_code] { exit_code = import_command(*options); });

  auto list_options = std::make_shared<CommonOptions>();
  auto* show = lists->add_subcommand("list", "Show the active list versions");
  add_common_options(*show, *list_options);
  show->callback([list_options, &exit_code] {
    auto db = open_migrated_store(*list_options);
    sc::ScreeningStore store(*db);
    std::printf("%-16s %-8s %-8s %-12s %9s %8s %8s %8s  %-28s %s\n", "SOURCE", "SCOPE", "VERSION", "LIST DATE",
                "ENTITIES", "ADDED", "REMOVED", "CHANGED", "IMPORTED", "RE-SCREENING");
    for (const auto& v : store.active_versions("")) {
      // The re-screening the version owed: its state, parties and new hits.
      std::string rescreen = "-";
      if (auto job = sc::RescreenJobs::find(*db, v.id)) {
        rescreen = job->status + " (" + std::to_string(job->parties_screened) + " parties, " +
                   std::to_string(job->hits_raised) + " new hits)";
        if (job->failures > 0) {
          rescreen += ", failed " + std::to_string(job->failures) + "x, retry at " +
                      util::format_rfc3339(job->retry_at) + ": " + job->last_error;
        }
      }
      std::printf("%-16s %-8s %-8lld %-12s %9lld %8lld %8lld %8lld  %-28s %s\n", v.source.c_str(),
                  v.tenant_id == sc::kSharedLists ? "shared" : "tenant", static_cast<long long>(v.version),
                  v.list_date.empty() ? "-" : v.list_date.c_str(), static_cast<long long>(v.entity_count),
                  static_cast<long long>(v.added), static_cast<long long>(v.removed),
                  static_cast<long long>(v.changed), util::format_rfc3339(v.imported_at).c_str(), rescreen.c_str());
    }
    exit_code = 0;
  });
}

}  // namespace hafnium::app
