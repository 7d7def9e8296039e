#include "services/common/target_module.h"

#include "platform/runtime/runtime.h"

namespace hafnium::services {

std::vector<store::Migration> TargetModule::migrations() const {
  std::string table = settings_table();
  std::string ddl = "CREATE TABLE " + table +
                    " (tenant_id TEXT NOT NULL, setting_key TEXT NOT NULL, value TEXT NOT NULL,"
                    " version BIGINT NOT NULL DEFAULT 1, updated_at BIGINT NOT NULL,"
                    " PRIMARY KEY (tenant_id, setting_key))";
  std::vector<store::Migration> all = {{1, name_ + " settings", {ddl}, {ddl}}};
  for (auto& m : domain_migrations()) all.push_back(std::move(m));
  return all;
}

std::vector<runtime::HealthCheck> TargetModule::health_checks(runtime::Runtime& runtime) {
  std::string table = settings_table();
  return {{name_ + ":store", [&runtime, table](std::string& detail) {
             try {
               runtime.db().read([&](soci::session& sql) {
                 int count = 0;
                 sql << "SELECT COUNT(*) FROM (SELECT 1 FROM " + table + " LIMIT 1) probe",
                     soci::into(count);
               });
               detail = "tables readable";
               return true;
             } catch (const std::exception&) {
               detail = "tables not readable";
               return false;
             }
           }}};
}

}  // namespace hafnium::services
