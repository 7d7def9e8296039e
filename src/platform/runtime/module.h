#pragma once

#include <functional>
#include <string>
#include <vector>

#include "platform/store/migrations.h"

namespace hafnium::http {
class Router;
}
namespace hafnium::events {
class EventBus;
}

namespace hafnium::runtime {

class Runtime;

// One readiness condition a module contributes to /readyz.
struct HealthCheck {
  std::string name;
  // Returns true when healthy; may set `detail` either way.
  std::function<bool(std::string& detail)> check;
};

// A target (or the platform itself) as the runtime sees it: a name, its
// migrations, its routes (each with the action it needs), its event
// consumers, its readiness checks, and a start/stop for background work.
// Modules are registered with the runtime before it starts; `serve
// --targets` decides which.
class Module {
 public:
  virtual ~Module() = default;
  virtual std::string name() const = 0;
  virtual std::vector<store::Migration> migrations() const = 0;
  virtual void register_routes(http::Router& router, Runtime& runtime) {
    (void)router;
    (void)runtime;
  }
  virtual void register_consumers(events::EventBus& bus, Runtime& runtime) {
    (void)bus;
    (void)runtime;
  }
  virtual std::vector<HealthCheck> health_checks(Runtime& runtime) {
    (void)runtime;
    return {};
  }
  virtual void start(Runtime& runtime) { (void)runtime; }
  virtual void stop() {}
};

}  // namespace hafnium::runtime
