#pragma once

#include <string>
#include <vector>

namespace hafnium::auth {

enum class CredentialKind { kNone, kApiKey, kJwt, kInternal };

// Who is calling: the result of authentication, the input of authorization.
struct Principal {
  std::string tenant_id;    // tenant UUID; every query filters by it
  std::string tenant_name;  // human name of the tenant ("default")
  std::string subject;      // API key id, or the JWT `sub`
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  CredentialKind kind = CredentialKind::kNone;
  std::string credential_id;  // API key id (for rate limits and last-used), or JWT `jti`

  bool authenticated() const { return kind != CredentialKind::kNone; }
};

}  // namespace hafnium::auth
