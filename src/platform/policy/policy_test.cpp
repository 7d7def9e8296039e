#include <gtest/gtest.h>

#include "platform/policy/policy.h"

namespace hafnium::policy {
namespace {

auth::Principal principal(std::vector<std::string> roles, std::string tenant = "t1") {
  auth::Principal p;
  p.tenant_id = std::move(tenant);
  p.subject = "api-key:1";
  p.roles = std::move(roles);
  p.kind = auth::CredentialKind::kApiKey;
  return p;
}

TEST(Permission, MatchesExactPrefixAndWildcard) {
  EXPECT_TRUE(permission_matches("*", "anything.at.all"));
  EXPECT_TRUE(permission_matches("screening.*", "screening.checks.create"));
  EXPECT_FALSE(permission_matches("screening.*", "screeningx.read"));
  EXPECT_TRUE(permission_matches("audit.read", "audit.read"));
  EXPECT_FALSE(permission_matches("audit.read", "audit.read.more"));
}

TEST(BuiltinPolicy, DefaultDataDefinesTheSixRoles) {
  auto policy = BuiltinPolicy::from_default();
  for (const char* role : {"admin", "analyst", "mlro", "auditor", "integration", "readonly"}) {
    EXPECT_TRUE(policy->has_role(role)) << role;
  }
}

TEST(BuiltinPolicy, GrantsByRoleAndDeniesByDefault) {
  auto policy = BuiltinPolicy::from_default();
  EXPECT_TRUE(policy->allow(principal({"auditor"}), "audit.read", {}));
  EXPECT_TRUE(policy->allow(principal({"mlro"}), "audit.read", {}));
  EXPECT_FALSE(policy->allow(principal({"analyst"}), "audit.read", {}));
  EXPECT_FALSE(policy->allow(principal({"readonly"}), "tenants.api_keys.create", {}));
  EXPECT_TRUE(policy->allow(principal({"admin"}), "tenants.api_keys.create", {}));
  EXPECT_FALSE(policy->allow(principal({}), "platform.whoami.read", {}));
  EXPECT_FALSE(policy->allow(principal({"no-such-role"}), "platform.whoami.read", {}));
  auth::Principal anonymous;
  EXPECT_FALSE(policy->allow(anonymous, "platform.whoami.read", {}));
}

TEST(BuiltinPolicy, NeverCrossesTenants) {
  auto policy = BuiltinPolicy::from_default();
  EXPECT_TRUE(policy->allow(principal({"admin"}, "t1"), "audit.read", {"t1", "audit", ""}));
  EXPECT_FALSE(policy->allow(principal({"admin"}, "t1"), "audit.read", {"t2", "audit", ""}));
}

TEST(BuiltinPolicy, RejectsMalformedData) {
  EXPECT_THROW(BuiltinPolicy::from_json("[]"), std::invalid_argument);
  EXPECT_THROW(BuiltinPolicy::from_json(R"({"roles":{"x":{}}})"), std::invalid_argument);
  EXPECT_THROW(BuiltinPolicy::from_json(R"({"roles":{"x":{"permissions":[1]}}})"), std::invalid_argument);
}

}  // namespace
}  // namespace hafnium::policy
