#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "services/common/target_module.h"

namespace hafnium::services::screening {

class ScreeningService;

// The `screening` target: watchlists (versions, import), name matching,
// checks, dispositions and ongoing re-screening. Lists load in the
// background at start (the bundled snapshots on a store that has none), so
// /readyz reports the target not ready until its index is in memory; the
// index is then reloaded whenever another process activates a new version.
class ScreeningModule : public TargetModule {
 public:
  ScreeningModule();
  ~ScreeningModule() override;
  void register_routes(http::Router& router, runtime::Runtime& runtime) override;
  std::vector<runtime::HealthCheck> health_checks(runtime::Runtime& runtime) override;
  void start(runtime::Runtime& runtime) override;
  void stop() override;

 protected:
  std::vector<store::Migration> domain_migrations() const override;

 private:
  void ensure_service(runtime::Runtime& runtime);
  void register_metrics(runtime::Runtime& runtime);
  // The ongoing-screening worker: runs the re-screenings list imports owe
  // (this process's and other processes' ones, and those a crashed process
  // left half done), woken by an import or every few seconds.
  void run_rescreens(runtime::Runtime& runtime);

  std::shared_ptr<ScreeningService> service_;
  std::thread loader_, rescreener_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  bool rescreen_wanted_ = false;  // under mutex_
  std::atomic<bool> load_failed_{false};
  std::atomic<int64_t> rescreens_unfinished_{0};
  std::atomic<int64_t> rescreens_failing_{0};
};

}  // namespace hafnium::services::screening
