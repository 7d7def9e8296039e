#include "platform/policy/policy.h"

#include <boost/json.hpp>
#include <stdexcept>

namespace hafnium::generated {
extern const std::string_view kDefaultPolicyData;
}

namespace hafnium::policy {

bool permission_matches(std::string_view permission, std::string_view action) {
  if (permission == "*") return true;
  if (permission.size() >= 2 && permission.ends_with(".*")) {
    std::string_view prefix = permission.substr(0, permission.size() - 1);  // keep the dot
    return action.starts_with(prefix);
  }
  return permission == action;
}

std::unique_ptr<BuiltinPolicy> BuiltinPolicy::from_json(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) throw std::invalid_argument("policy data is not a JSON object");
  const auto* roles = value.as_object().if_contains("roles");
  if (roles == nullptr || !roles->is_object()) {
    throw std::invalid_argument("policy data has no 'roles' object");
  }
  auto policy = std::make_unique<BuiltinPolicy>();
  for (const auto& [name, role] : roles->as_object()) {
    const auto* permissions = role.is_object() ? role.as_object().if_contains("permissions") : nullptr;
    if (permissions == nullptr || !permissions->is_array()) {
      throw std::invalid_argument("role '" + std::string(name) + "' has no permissions array");
    }
    auto& list = policy->roles_[std::string(name)];
    for (const auto& permission : permissions->as_array()) {
      if (!permission.is_string()) {
        throw std::invalid_argument("role '" + std::string(name) + "' has a non-string permission");
      }
      list.emplace_back(permission.as_string());
    }
  }
  return policy;
}

std::unique_ptr<BuiltinPolicy> BuiltinPolicy::from_default() {
  return from_json(generated::kDefaultPolicyData);
}

bool BuiltinPolicy::role_grants(const std::string& role, std::string_view action) const {
  auto it = roles_.find(role);
  if (it == roles_.end()) return false;
  for (const auto& permission : it->second) {
    if (permission_matches(permission, action)) return true;
  }
  return false;
}

bool BuiltinPolicy::allow(const auth::Principal& principal, std::string_view action,
                          const Resource& resource) const {
  if (!principal.authenticated() || principal.tenant_id.empty()) return false;
  if (!resource.tenant_id.empty() && resource.tenant_id != principal.tenant_id) return false;
  for (const auto& role : principal.roles) {
    if (role_grants(role, action)) return true;
  }
  return false;
}

std::vector<std::string> BuiltinPolicy::role_names() const {
  std::vector<std::string> names;
  for (const auto& [name, permissions] : roles_) names.push_back(name);
  return names;
}

}  // namespace hafnium::policy
