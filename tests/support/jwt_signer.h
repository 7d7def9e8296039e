#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace hafnium::testing {

// Test-only token issuer: a fresh RSA-2048 or P-256 key pair, its public
// JWK, and RS256/ES256 signing, so tests play the OIDC provider.
class JwtSigner {
 public:
  enum class Algorithm { kRs256, kEs256 };
  JwtSigner(Algorithm algorithm, std::string kid);
  ~JwtSigner();
  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;

  boost::json::object public_jwk() const;
  std::string sign(const boost::json::object& claims) const;
  const std::string& kid() const { return kid_; }

 private:
  Algorithm algorithm_;
  std::string kid_;
  void* pkey_;
};

// {"keys": [jwk...]}
std::string jwks_json(std::initializer_list<const JwtSigner*> signers);
// Claims valid now for the given tenant/roles, issuer and audience.
boost::json::object standard_claims(const std::string& tenant, std::initializer_list<const char*> roles,
                                    const std::string& issuer = "https://idp.test",
                                    const std::string& audience = "hafnium");
int64_t unix_now();

}  // namespace hafnium::testing
