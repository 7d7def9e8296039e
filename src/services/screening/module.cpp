#include "services/screening/module.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <set>

#include "platform/runtime/runtime.h"
#include "platform/store/database.h"
#include "platform/util/error_text.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"
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

void ScreeningModule::register_metrics(runtime::Runtime& runtime) {
  auto service = service_;
  auto& metrics = runtime.metrics();
  metrics.callback_counter("hafnium_screening_checks_total", "Parties screened (checks and batch items), by outcome",
                           [service] { return static_cast<double>(service->checks_clear()); }, {{"outcome", "clear"}});
  metrics.callback_counter("hafnium_screening_checks_total", "Parties screened (checks and batch items), by outcome",
                           [service] { return static_cast<double>(service->checks_potential_match()); },
                           {{"outcome", "potential_match"}});
  // Per official list (tenants' own lists stay out: one series per tenant
  // list would name them): what is loaded, when it was imported and the
  // date its publisher gave it, so that an operator can alert on a list
  // not refreshed for a day. NaN while a source has no active version.
  metrics.callback_counter("hafnium_screening_rescreened_parties_total",
                           "Parties screened again after a list version activated (ongoing screening)",
                           [service] { return static_cast<double>(service->parties_rescreened()); });
  metrics.callback_gauge("hafnium_screening_rescreens_unfinished",
                         "List versions whose re-screening of the screened parties has not completed",
                         [this] { return static_cast<double>(rescreens_unfinished_.load()); });
  metrics.callback_gauge("hafnium_screening_rescreens_failing",
                         "Unfinished re-screenings whose last attempt failed (each waits for its retry)",
                         [this] { return static_cast<double>(rescreens_failing_.load()); });
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  for (const auto& source : builtin_sources()) {
    auto read = [service, source](auto field) {
      return [service, source, field]() -> double {
        for (const auto& v : service->shared_versions()) {
          if (v.source == source) return field(v);
        }
        return kNone;
      };
    };
    metrics.callback_gauge("hafnium_screening_list_entities", "Entities of the active version of an official list",
                           read([](const ListVersion& v) { return static_cast<double>(v.entity_count); }),
                           {{"source", source}});
    metrics.callback_gauge("hafnium_screening_list_imported_timestamp_seconds",
                           "When the active version of an official list was imported (Unix time)",
                           read([](const ListVersion& v) { return static_cast<double>(v.imported_at) / 1e6; }),
                           {{"source", source}});
    metrics.callback_gauge(
        "hafnium_screening_list_published_timestamp_seconds",
        "The publication date its publisher gave the active version of an official list (Unix time; NaN unknown)",
        read([](const ListVersion& v) {
          auto at = v.list_date.size() == 10 ? util::parse_rfc3339(v.list_date + "T00:00:00Z") : std::nullopt;
          return at ? static_cast<double>(*at) / 1e6 : kNone;
        }),
        {{"source", source}});
  }
}

void ScreeningModule::start(runtime::Runtime& runtime) {
  ensure_service(runtime);
  register_metrics(runtime);
  service_->on_rescreen_queued([this] {
    {
      std::lock_guard lock(mutex_);
      rescreen_wanted_ = true;
    }
    cv_.notify_all();
  });
  rescreener_ = std::thread([this, &runtime] { run_rescreens(runtime); });
  bool bundled = runtime.config().screening_bundled_lists;
  loader_ = std::thread([this, bundled, &runtime] {
    // The bundled lists a store lacks, then the index. Each list is loaded
    // only if still absent under its import lock: servers starting together
    // on one empty store load it once between them.
    auto load = [&] {
      if (bundled) {
        std::set<std::string> present;
        for (const auto& v : service_->lists("")) {
          if (v.tenant_id == kSharedLists) present.insert(v.source);
        }
        bool loaded_any = false;
        for (const auto& spec : bundled_lists(bundled_lists_dir())) {
          if (present.contains(spec.source)) continue;
          auto list = import_list(spec.source, {spec.path});
          apply_list_date(list, spec.list_date);
          if (auto version = service_->import_if_absent(kSharedLists, list, {"", "system:bundled-lists", ""})) {
            spdlog::info("loaded bundled list {} version {} ({} entities)", spec.source, version->version,
                         version->entity_count);
            loaded_any = true;
          }
        }
        if (loaded_any) runtime.events_committed();
      }
      service_->refresh();
      service_->mark_ready();
      load_failed_ = false;
    };
    std::string last_failure;  // each different failure is logged once, not every 2 s
    try {
      load();
    } catch (const std::exception& error) {
      load_failed_ = true;
      last_failure = util::error_text(error);
      spdlog::error("screening lists failed to load: {}; retrying every 2 s", last_failure);
    }
    // Another process (the CLI, a peer) may activate versions: follow them.
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stopping_.load(); });
      if (stopping_) break;
      lock.unlock();
      try {
        if (!service_->loaded()) {
          // The first load failed (the store unreachable at start, say):
          // until it succeeds, screening answers 503, never "clear"
          // against missing lists.
          load();
          spdlog::info("screening lists loaded");
        } else if (service_->refresh()) {
          spdlog::info("screening lists reloaded");
        }
        last_failure.clear();
      } catch (const std::exception& error) {
        if (!service_->loaded()) load_failed_ = true;
        std::string text = util::error_text(error);
        if (!store::is_unavailable(error) && text != last_failure) {
          spdlog::warn("screening lists {} failed: {}", service_->loaded() ? "reload" : "load", text);
        }
        last_failure = std::move(text);
      }
      lock.lock();
    }
  });
}

void ScreeningModule::run_rescreens(runtime::Runtime& runtime) {
  ScreeningService::RescreenRun run;
  run.worker = "serve:" + util::uuid_v7();
  run.stop = [this] { return stopping_.load(); };
  // Each page's hit events go out as soon as the page commits.
  run.progress = [&runtime](const RescreenJob&, int64_t) { runtime.events_committed(); };
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    rescreen_wanted_ = false;
    lock.unlock();
    try {
      // Screening needs the lists in memory; until then jobs wait.
      if (service_->loaded()) service_->run_rescreens(run);
      rescreens_unfinished_ = RescreenJobs::unfinished(service_->database());
      rescreens_failing_ = RescreenJobs::failing(service_->database());
    } catch (const std::exception& error) {
      if (!store::is_unavailable(error)) spdlog::warn("re-screening failed, will retry: {}", util::error_text(error));
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stopping_ || rescreen_wanted_; });
  }
  lock.unlock();
  try {
    // A clean stop hands an unfinished job on at once (a crash leaves it
    // to wait for its lease to run out).
    RescreenJobs::release(service_->database(), run.worker);
  } catch (const std::exception& error) {
    if (!store::is_unavailable(error)) spdlog::warn("re-screening jobs not released: {}", util::error_text(error));
  }
}

void ScreeningModule::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (loader_.joinable()) loader_.join();
  if (rescreener_.joinable()) rescreener_.join();
}

}  // namespace hafnium::services::screening
