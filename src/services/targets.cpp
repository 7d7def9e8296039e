#include "services/targets.h"

#include <algorithm>
#include <stdexcept>

#include "services/cases/audit_client.h"
#include "services/cases/module.h"
#include "services/facade/module.h"
#include "services/identity/module.h"
#include "services/monitoring/module.h"
#include "services/risk/module.h"
#include "services/screening/module.h"
#include "services/signals/module.h"
#include "services/vault/module.h"

namespace hafnium::services {

const std::vector<std::string>& target_names() {
  static const std::vector<std::string> names = {"facade", "identity", "screening", "monitoring",
                                                 "cases",  "vault",    "risk",      "signals"};
  return names;
}

std::vector<std::string> resolve_targets(const std::vector<std::string>& requested) {
  std::vector<std::string> out;
  for (const auto& name : requested) {
    if (name == "all") {
      for (const auto& t : target_names()) {
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
      }
      continue;
    }
    const auto& names = target_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string known;
      for (const auto& t : names) known += (known.empty() ? "" : ", ") + t;
      throw std::invalid_argument("unknown target '" + name + "' (known: all, " + known + ")");
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  if (out.empty()) throw std::invalid_argument("no targets selected");
  // Keep the canonical order whatever order they were given in.
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    const auto& names = target_names();
    return std::find(names.begin(), names.end(), a) < std::find(names.begin(), names.end(), b);
  });
  return out;
}

std::unique_ptr<runtime::Module> make_target(const std::string& name) {
  if (name == "facade") return std::make_unique<facade::FacadeModule>();
  if (name == "identity") return std::make_unique<identity::IdentityModule>();
  if (name == "screening") return std::make_unique<screening::ScreeningModule>();
  if (name == "monitoring") return std::make_unique<monitoring::MonitoringModule>();
  if (name == "cases") return std::make_unique<cases::CasesModule>();
  if (name == "vault") return std::make_unique<vault::VaultModule>();
  if (name == "risk") return std::make_unique<risk::RiskModule>();
  if (name == "signals") return std::make_unique<signals::SignalsModule>();
  throw std::invalid_argument("unknown target '" + name + "'");
}

void register_remote_clients(clients::ClientRegistry& registry) {
  registry.provide_remote<cases::AuditTrailClient>("cases", cases::make_http_audit_client);
}

}  // namespace hafnium::services
