#include "services/monitoring/module.h"

#include "platform/runtime/runtime.h"
#include "services/monitoring/api.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

std::vector<store::Migration> MonitoringModule::domain_migrations() const { return MonitoringStore::migrations(); }

void MonitoringModule::register_routes(http::Router& router, runtime::Runtime& runtime) {
  register_transaction_routes(router, runtime, std::make_shared<Ingestion>(runtime.db_ptr()));
}

}  // namespace hafnium::services::monitoring
