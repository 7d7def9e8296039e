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

  std::shared_ptr<ScreeningService> service_;
  std::thread loader_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> load_failed_{false};
};

}  // namespace hafnium::services::screening
