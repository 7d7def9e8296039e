#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/options.h"
#include "platform/audit/audit_log.h"
#include "platform/auth/api_keys.h"
#include "platform/auth/tenants.h"
#include "platform/events/dead_letters.h"
#include "platform/policy/policy.h"
#include "platform/runtime/platform_schema.h"
#include "platform/store/migrations.h"
#include "platform/telemetry/logging.h"
#include "platform/util/time.h"
#include "services/targets.h"

namespace hafnium::app {

namespace {

std::string cli_actor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : std::to_string(getuid()));
}

auth::Tenant find_tenant(store::Database& db, const std::string& name_or_id) {
  auth::TenantStore tenants(db);
  if (auto t = tenants.find_by_name(name_or_id)) return *t;
  if (auto t = tenants.find_by_id(name_or_id)) return *t;
  throw std::invalid_argument("no tenant '" + name_or_id + "'");
}

std::string time_or_dash(const std::optional<int64_t>& micros) {
  return micros ? util::format_rfc3339(*micros) : "-";
}

}  // namespace

void add_migrate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* command = app.add_subcommand("migrate", "Apply pending migrations of every target");
  add_common_options(*command, *options);
  command->callback([options, &exit_code] {
    std::vector<store::AppliedMigration> applied;
    auto db = open_migrated_store(*options, &applied);
    if (applied.empty()) {
      std::cout << "migrate: schema is up to date (" << db->url().redacted << ")\n";
    }
    for (const auto& m : applied) {
      std::cout << "applied " << m.target << " " << m.version << ": " << m.name << "\n";
    }
    exit_code = 0;
  });
}

void add_keys_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);

  struct CreateOptions {
    std::string tenant;
    std::vector<std::string> roles;
    std::string name = "cli";
  };
  auto create_options = std::make_shared<CreateOptions>();
  auto* create = keys->add_subcommand("create", "Create an API key; prints only the key on stdout");
  add_common_options(*create, *options);
  create->add_option("--tenant", create_options->tenant, "Tenant name or id")->required();
  create->add_option("--role", create_options->roles, "Role (repeatable): admin, analyst, mlro, auditor, integration, readonly")
      ->required();
  create->add_option("--name", create_options->name, "A label for the key");
  create->callback([options, create_options, &exit_code] {
    auto db = open_migrated_store(*options);
    auto policy = policy::BuiltinPolicy::from_default();
    for (const auto& role : create_options->roles) {
      if (!policy->has_role(role)) throw std::invalid_argument("unknown role '" + role + "'");
    }
    auto tenant = find_tenant(*db, create_options->tenant);
    auto created = db->write([&](soci::session& sql) {
      auto key = auth::ApiKeyStore::create_in(sql, tenant.id, create_options->name, create_options->roles);
      audit::AuditLog::append(sql, db->dialect(),
                              {tenant.id, cli_actor(), "tenants.api_keys.create",
                               "api_key/" + key.record.id, "success", "", ""});
      return key;
    });
    std::cerr << "created API key " << created.record.id << " for tenant " << tenant.name << "\n";
    std::cout << created.secret << "\n";
    exit_code = 0;
  });

  auto list_tenant = std::make_shared<std::string>();
  auto* list = keys->add_subcommand("list", "List API keys (never their secrets)");
  add_common_options(*list, *options);
  list->add_option("--tenant", *list_tenant, "Only this tenant (name or id)");
  list->callback([options, list_tenant, &exit_code] {
    auto db = open_migrated_store(*options);
    std::string tenant_id = list_tenant->empty() ? "" : find_tenant(*db, *list_tenant).id;
    auto keys = auth::ApiKeyStore(*db).list(tenant_id);
    std::printf("%-36s  %-16s  %-24s  %-10s  %-12s  %-27s  %s\n", "ID", "TENANT", "NAME", "PREFIX",
                "ROLES", "LAST USED", "STATUS");
    for (const auto& k : keys) {
      std::printf("%-36s  %-16s  %-24s  %-10s  %-12s  %-27s  %s\n", k.id.c_str(),
                  k.tenant_name.c_str(), k.name.c_str(), k.prefix.c_str(),
                  auth::join_roles(k.roles).c_str(), time_or_dash(k.last_used_at).c_str(),
                  k.revoked_at ? ("revoked " + util::format_rfc3339(*k.revoked_at)).c_str() : "active");
    }
    exit_code = 0;
  });

  auto revoke_id = std::make_shared<std::string>();
  auto* revoke = keys->add_subcommand("revoke", "Revoke an API key; it stops working within a second");
  add_common_options(*revoke, *options);
  revoke->add_option("ID", *revoke_id, "API key id")->required();
  revoke->callback([options, revoke_id, &exit_code] {
    auto db = open_migrated_store(*options);
    bool revoked = db->write([&](soci::session& sql) {
      std::string tenant_id;
      soci::indicator ind;
      sql << "SELECT tenant_id FROM api_keys WHERE id = :id", soci::use(*revoke_id),
          soci::into(tenant_id, ind);
      if (!sql.got_data()) return false;
      if (!auth::ApiKeyStore::revoke_in(sql, *revoke_id, tenant_id)) return false;
      audit::AuditLog::append(sql, db->dialect(),
                              {tenant_id, cli_actor(), "tenants.api_keys.revoke",
                               "api_key/" + *revoke_id, "success", "", ""});
      return true;
    });
    if (!revoked) {
      std::cerr << "keys revoke: no active API key " << *revoke_id << "\n";
      exit_code = 1;
      return;
    }
    std::cout << "revoked " << *revoke_id << "\n";
    exit_code = 0;
  });
}

void add_tenants_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* tenants = app.add_subcommand("tenants", "Manage tenants");
  tenants->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto* create = tenants->add_subcommand("create", "Create a tenant");
  add_common_options(*create, *options);
  create->add_option("NAME", *name, "Tenant name: a-z, 0-9 and '-', starting with a letter")->required();
  create->callback([options, name, &exit_code] {
    auto db = open_migrated_store(*options);
    auto tenant = auth::TenantStore(*db).create(*name);
    audit::AuditLog::append(*db, {tenant.id, cli_actor(), "tenants.create", "tenant/" + tenant.id,
                                  "success", "", ""});
    std::cout << tenant.id << "\t" << tenant.name << "\n";
    exit_code = 0;
  });
  auto* list = tenants->add_subcommand("list", "List tenants");
  add_common_options(*list, *options);
  list->callback([options, &exit_code] {
    auto db = open_migrated_store(*options);
    std::printf("%-36s  %-24s  %s\n", "ID", "NAME", "CREATED");
    for (const auto& t : auth::TenantStore(*db).list()) {
      std::printf("%-36s  %-24s  %s\n", t.id.c_str(), t.name.c_str(),
                  util::format_rfc3339(t.created_at).c_str());
    }
    exit_code = 0;
  });
}

void add_config_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* config = app.add_subcommand("config", "Inspect configuration");
  config->require_subcommand(1);
  auto* print = config->add_subcommand("print", "Print the effective configuration, secrets redacted");
  add_common_options(*print, *options);
  print->callback([options, &exit_code] {
    auto effective = resolve_config(*options);
    config::validate(effective);
    std::cout << config::render_redacted(effective);
    exit_code = 0;
  });
}

void add_audit_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* audit_cmd = app.add_subcommand("audit", "Audit trail tools");
  audit_cmd->require_subcommand(1);
  auto tenant = std::make_shared<std::string>();
  auto* verify = audit_cmd->add_subcommand(
      "verify", "Walk the hash chain; exit 1 naming the first altered, removed or reordered record");
  add_common_options(*verify, *options);
  verify->add_option("--tenant", *tenant, "Only this tenant (name or id)");
  verify->callback([options, tenant, &exit_code] {
    auto db = open_migrated_store(*options);
    std::string tenant_id = tenant->empty() ? "" : find_tenant(*db, *tenant).id;
    auto result = audit::AuditLog::verify(*db, tenant_id);
    if (result.ok) {
      std::cout << "audit chain intact: " << result.records_checked << " records, "
                << result.tenants_checked << " tenants\n";
      exit_code = 0;
    } else {
      std::cout << "audit chain BROKEN: " << result.problem << "\n";
      exit_code = 1;
    }
  });
}

void add_events_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* events_cmd = app.add_subcommand("events", "Event bus tools");
  events_cmd->require_subcommand(1);

  auto* list = events_cmd->add_subcommand("dlq", "List dead-lettered messages");
  add_common_options(*list, *options);
  list->callback([options, &exit_code] {
    auto db = open_migrated_store(*options);
    std::printf("%-36s  %-24s  %-20s  %-8s  %s\n", "ID", "TOPIC", "GROUP", "ATTEMPTS", "ERROR");
    for (const auto& d : events::DeadLetterStore(db).list(false)) {
      std::printf("%-36s  %-24s  %-20s  %-8d  %s\n", d.id.c_str(), (d.topic + ".dlq").c_str(),
                  d.consumer_group.c_str(), d.attempts, d.error.substr(0, 80).c_str());
    }
    exit_code = 0;
  });

  auto filter = std::make_shared<events::ReplayFilter>();
  auto* replay = events_cmd->add_subcommand(
      "replay-dlq", "Publish dead-lettered messages again (consumers skip what they handled)");
  add_common_options(*replay, *options);
  replay->add_option("--topic", filter->topic, "Only messages of this topic");
  replay->add_option("--group", filter->group, "Only messages this consumer group failed");
  replay->add_option("--id", filter->id, "Only this dead letter");
  replay->callback([options, filter, &exit_code] {
    auto db = open_migrated_store(*options);
    size_t count = events::DeadLetterStore(db).replay(*filter);
    std::cout << "replayed " << count << " dead-lettered message" << (count == 1 ? "" : "s") << "\n";
    exit_code = 0;
  });
}

void add_version_command(CLI::App& app, int& exit_code) {
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([&exit_code] {
    std::cout << "hafnium " << HAFNIUM_VERSION << "\n";
    exit_code = 0;
  });
}

}  // namespace hafnium::app
