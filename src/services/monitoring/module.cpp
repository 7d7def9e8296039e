#include "services/monitoring/module.h"

#include <algorithm>

#include "platform/runtime/runtime.h"
#include "services/monitoring/alerts_api.h"
#include "services/monitoring/alerts_store.h"
#include "services/monitoring/api.h"
#include "services/monitoring/detector.h"
#include "services/monitoring/rules_api.h"
#include "services/monitoring/rules_store.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

namespace {
// Migration 3 created per-event window buckets for a feature store that the
// detector replaced (its state is rebuilt from the evaluated transactions);
// the table is created and dropped so that every store has the same history.
std::vector<store::Migration> retired_migrations() {
  std::vector<std::string> create = {
      "CREATE TABLE monitoring_window_buckets (tenant_id TEXT NOT NULL, group_key TEXT NOT NULL,"
      " window_name TEXT NOT NULL, bucket_index BIGINT NOT NULL, event_count BIGINT NOT NULL,"
      " amount_sum BIGINT NOT NULL, amount_squares DOUBLE PRECISION NOT NULL, amount_min BIGINT NOT NULL,"
      " amount_max BIGINT NOT NULL, distinct_keys TEXT NOT NULL, newest BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, group_key, window_name, bucket_index))"};
  std::vector<std::string> drop = {"DROP TABLE monitoring_window_buckets"};
  return {{3, "sliding-window feature buckets", create, create}, {6, "retire the feature-bucket table", drop, drop}};
}
}  // namespace

std::vector<store::Migration> MonitoringModule::domain_migrations() const {
  auto all = MonitoringStore::migrations();
  for (auto& m : retired_migrations()) all.push_back(std::move(m));
  for (auto& m : RulesStore::migrations()) all.push_back(std::move(m));
  for (auto& m : AlertsStore::migrations()) all.push_back(std::move(m));
  return all;
}

void MonitoringModule::ensure_detector(runtime::Runtime& runtime) {
  if (!detector_) detector_ = std::make_shared<Detector>(runtime.db_ptr());
}

void MonitoringModule::register_routes(http::Router& router, runtime::Runtime& runtime) {
  ensure_detector(runtime);
  auto detector = detector_;
  const auto& config = runtime.config();
  gate_ = std::make_shared<EvaluationGate>(
      [detector] { return detector->evaluation_delay(); },
      EvaluationGate::Limits{std::chrono::milliseconds(config.monitoring_max_evaluation_delay_ms),
                             std::chrono::milliseconds(config.monitoring_admission_wait_ms),
                             std::max<size_t>(1, config.worker_threads / 2)});
  register_transaction_routes(router, runtime, std::make_shared<Ingestion>(runtime.db_ptr()), gate_);
  register_rule_routes(router, runtime, [detector](const std::string& tenant) { detector->rules_changed(tenant); });
  register_alert_routes(router, runtime,
                        [detector](const std::string& tenant, const std::string& alert, const std::string& subject,
                                   bool closed) { detector->alert_status_changed(tenant, alert, subject, closed); });
}

void MonitoringModule::register_consumers(events::EventBus& bus, runtime::Runtime& runtime) {
  ensure_detector(runtime);
  detector_->subscribe(bus);
}

void MonitoringModule::stop() {
  // After the bus stopped: commit what the detector evaluated.
  if (detector_) detector_->stop();
}

void MonitoringModule::start(runtime::Runtime& runtime) {
  ensure_detector(runtime);
  // Before the bus starts: every delivered event finds the rebuilt state.
  detector_->load();
  auto detector = detector_;
  runtime.metrics().callback_counter("hafnium_monitoring_alerts_raised_total", "Alerts raised by the detector",
                                     [detector] { return static_cast<double>(detector->alerts_raised()); });
  runtime.metrics().callback_counter("hafnium_monitoring_transactions_evaluated_total",
                                     "Transactions evaluated by the detector",
                                     [detector] { return static_cast<double>(detector->evaluated()); });
  runtime.metrics().callback_gauge(
      "hafnium_monitoring_evaluation_delay_seconds",
      "Time from a transaction's commit to the detector taking it up, as of the latest one (0 when idle)",
      [detector] { return std::chrono::duration<double>(detector->evaluation_delay()).count(); });
  if (gate_) {
    auto gate = gate_;
    runtime.metrics().callback_counter("hafnium_monitoring_ingestion_held_total",
                                       "Ingestion requests that waited for the detector to catch up",
                                       [gate] { return static_cast<double>(gate->held()); });
    runtime.metrics().callback_counter("hafnium_monitoring_ingestion_refused_total",
                                       "Ingestion requests refused (503) because the detector stayed behind",
                                       [gate] { return static_cast<double>(gate->refused()); });
  }
  runtime.metrics().callback_counter("hafnium_monitoring_commit_failures_total",
                                     "Detector batches that failed to commit (their tenants were rebuilt)",
                                     [detector] { return static_cast<double>(detector->commit_failures()); });
  runtime.metrics().callback_counter(
      "hafnium_monitoring_state_rebuilds_total",
      "Tenant states rebuilt from the store because their evaluations had failed to commit",
      [detector] { return static_cast<double>(detector->repairs()); });
  runtime.metrics().callback_gauge(
      "hafnium_monitoring_tenants_behind",
      "Tenants whose evaluations failed to commit and have not committed since (their monitoring is behind)",
      [detector] { return static_cast<double>(detector->tenants_behind()); });
  runtime.metrics().callback_gauge("hafnium_monitoring_accounts",
                                   "Accounts the detector keeps windows, history and graph for (all tenants)",
                                   [detector] { return static_cast<double>(detector->engine().accounts()); });
  runtime.metrics().callback_gauge("hafnium_monitoring_pending_evaluations",
                                   "Transactions evaluated whose alerts are not yet committed",
                                   [detector] { return static_cast<double>(detector->pending()); });
  runtime.metrics().callback_counter("hafnium_monitoring_late_events_total",
                                     "Transactions too late for one or more of their windows",
                                     [detector] { return static_cast<double>(detector->engine().late_transactions()); });
}

}  // namespace hafnium::services::monitoring
