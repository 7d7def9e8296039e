#include "services/monitoring/module.h"

#include "platform/runtime/runtime.h"
#include "services/monitoring/alerts_api.h"
#include "services/monitoring/alerts_store.h"
#include "services/monitoring/api.h"
#include "services/monitoring/detector.h"
#include "services/monitoring/features.h"
#include "services/monitoring/rules_api.h"
#include "services/monitoring/rules_store.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

namespace {
// Transactions up to an hour behind the newest of their account still
// count in their own window buckets.
constexpr int64_t kLatenessMicros = 3600LL * 1'000'000;
}  // namespace

std::vector<store::Migration> MonitoringModule::domain_migrations() const {
  auto all = MonitoringStore::migrations();
  for (auto& m : FeatureStore::migrations()) all.push_back(std::move(m));
  for (auto& m : RulesStore::migrations()) all.push_back(std::move(m));
  for (auto& m : AlertsStore::migrations()) all.push_back(std::move(m));
  return all;
}

void MonitoringModule::ensure_features(runtime::Runtime& runtime) {
  if (!features_) features_ = std::make_shared<FeatureStore>(runtime.db_ptr(), kLatenessMicros);
  if (!detector_) detector_ = std::make_shared<Detector>(runtime.db_ptr());
}

void MonitoringModule::register_routes(http::Router& router, runtime::Runtime& runtime) {
  register_transaction_routes(router, runtime, std::make_shared<Ingestion>(runtime.db_ptr()));
  ensure_features(runtime);
  auto detector = detector_;
  register_rule_routes(router, runtime, [detector](const std::string& tenant) { detector->rules_changed(tenant); });
  register_alert_routes(router, runtime);
}

void MonitoringModule::register_consumers(events::EventBus& bus, runtime::Runtime& runtime) {
  ensure_features(runtime);
  features_->subscribe(bus);
  detector_->subscribe(bus);
}

void MonitoringModule::start(runtime::Runtime& runtime) {
  ensure_features(runtime);
  // Before the bus starts: every delivered event finds the restored state.
  features_->load();
  detector_->load();
  auto features = features_;
  auto detector = detector_;
  runtime.metrics().callback_counter("hafnium_monitoring_alerts_raised_total", "Alerts raised by the detector",
                                     [detector] { return static_cast<double>(detector->alerts_raised()); });
  runtime.metrics().callback_counter("hafnium_monitoring_late_events_total",
                                     "Transactions too late for one or more of their windows",
                                     [features] { return static_cast<double>(features->late_events()); });
}

}  // namespace hafnium::services::monitoring
