#pragma once

#include <string>
#include <vector>

#include "platform/runtime/module.h"

namespace hafnium::services {

// What every target has from its first migration on: a per-tenant settings
// table (`<target>_settings`: key, JSON value, version) where the target
// keeps its tenant-level configuration (thresholds, windows, retention),
// and a readiness check that the table answers. Domain tables come in the
// target's later migrations, with the issue that brings its domain.
class TargetModule : public runtime::Module {
 public:
  explicit TargetModule(std::string name) : name_(std::move(name)) {}

  std::string name() const override { return name_; }
  std::vector<store::Migration> migrations() const override;
  std::vector<runtime::HealthCheck> health_checks(runtime::Runtime& runtime) override;

  std::string settings_table() const { return name_ + "_settings"; }

 protected:
  // Later migrations of the target, appended after the settings table.
  virtual std::vector<store::Migration> domain_migrations() const { return {}; }

 private:
  std::string name_;
};

}  // namespace hafnium::services
