#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "platform/auth/principal.h"

namespace hafnium::policy {

// What an action is performed on. `tenant_id` empty means "the caller's own
// tenant" (route-level checks); handlers that load a row pass its tenant.
struct Resource {
  std::string tenant_id;
  std::string type;
  std::string id;
};

// The policy decision point. The embedded profile uses BuiltinPolicy; the
// distributed one asks OPA with the same policy data. Deny by default.
class PolicyDecisionPoint {
 public:
  virtual ~PolicyDecisionPoint() = default;
  virtual bool allow(const auth::Principal& principal, std::string_view action,
                     const Resource& resource) const = 0;
};

// Evaluates role -> permission data (policies/roles.json). A permission is
// an action name ("audit.read"), a prefix wildcard ("screening.*"), or "*".
// A principal never acts on another tenant's resources, whatever its roles.
class BuiltinPolicy : public PolicyDecisionPoint {
 public:
  // Throws std::invalid_argument on malformed policy data.
  static std::unique_ptr<BuiltinPolicy> from_json(std::string_view json);
  static std::unique_ptr<BuiltinPolicy> from_default();

  bool allow(const auth::Principal& principal, std::string_view action,
             const Resource& resource) const override;

  bool has_role(const std::string& role) const { return roles_.contains(role); }
  std::vector<std::string> role_names() const;
  bool role_grants(const std::string& role, std::string_view action) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> roles_;
};

bool permission_matches(std::string_view permission, std::string_view action);

}  // namespace hafnium::policy
