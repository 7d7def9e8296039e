#include "services/screening/module.h"

#include <spdlog/spdlog.h>

#include "platform/runtime/runtime.h"
#include "services/screening/api.h"
#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/importers/importers.h"
#include "services/screening/service.h"
#include "services/screening/store.h"

namespace hafnium::services::screening {

ScreeningModule::ScreeningModule() : TargetModule("screening") {}
ScreeningModule::~ScreeningModule() { stop(); }

std::vector<store::Migration> ScreeningModule::domain_migrations() const { return ScreeningStore::migrations(); }

void ScreeningModule::ensure_service(runtime::Runtime& runtime) {
  if (!service_) service_ = std::make_shared<ScreeningService>(runtime.db_ptr());
}

void ScreeningModule::register_routes(http::Router& router, runtime::Runtime& runtime) {
  ensure_service(runtime);
  register_screening_routes(router, runtime, service_);
}

std::vector<runtime::HealthCheck> ScreeningModule::health_checks(runtime::Runtime& runtime) {
  auto checks = TargetModule::health_checks(runtime);
  ensure_service(runtime);
  checks.push_back({"screening:index", [this](std::string& detail) {
                      bool ok = service_->loaded();
                      detail = ok ? "watchlists loaded" : load_failed_ ? "watchlists failed to load" : "loading watchlists";
                      return ok;
                    }});
  return checks;
}

void ScreeningModule::start(runtime::Runtime& runtime) {
  ensure_service(runtime);
  bool bundled = runtime.config().screening_bundled_lists;
  loader_ = std::thread([this, bundled, &runtime] {
    try {
      if (bundled && service_->lists("").empty()) {
        auto dir = bundled_lists_dir();
        for (const auto& spec : bundled_lists(dir)) {
          auto list = import_list(spec.source, {spec.path});
          apply_list_date(list, spec.list_date);
          auto [version, hits] = service_->import(kSharedLists, list, {"", "system:bundled-lists", ""});
          spdlog::info("loaded bundled list {} version {} ({} entities)", spec.source, version.version,
                       version.entity_count);
        }
        runtime.events_committed();
      }
      service_->refresh();
      service_->mark_ready();
    } catch (const std::exception& error) {
      load_failed_ = true;
      spdlog::error("screening lists failed to load: {}", error.what());
    }
    // Another process (the CLI, a peer) may activate versions: follow them.
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      try {
        if (service_->refresh()) spdlog::info("screening lists reloaded");
        load_failed_ = false;
      } catch (const std::exception& error) {
        spdlog::warn("screening lists reload failed: {}", error.what());
      }
      lock.lock();
    }
  });
}

void ScreeningModule::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (loader_.joinable()) loader_.join();
}

}  // namespace hafnium::services::screening
