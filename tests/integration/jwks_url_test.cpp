// JWKS fetched over HTTP from the identity provider's URL, and re-fetched
// when a token names a kid the server has not seen (key rotation).
#include <gtest/gtest.h>

#include "support/jwt_signer.h"
#include "support/recording_server.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

constexpr const char* kCertsPath = "/realms/test/protocol/openid-connect/certs";

RecordingServer::Responder serve_jwks(std::string jwks) {
  return [jwks = std::move(jwks)](const http::Request& request) {
    if (request.path != kCertsPath) return http::Response::text(404, "no");
    return http::Response::text(200, jwks, "application/json");
  };
}

TEST(JwksUrl, TokensVerifyAgainstAFetchedKeySetAndRotationRefetches) {
  JwtSigner first(JwtSigner::Algorithm::kRs256, "k1");
  JwtSigner second(JwtSigner::Algorithm::kEs256, "k2");
  RecordingServer idp(serve_jwks(jwks_json({&first})));

  InProcessServer::Options server_options;
  server_options.configure = [&idp](config::Config& c) {
    c.jwks_url = idp.url(kCertsPath);
    c.jwt_issuer = "https://idp.test";
    c.jwt_audience = "hafnium";
    c.jwks_min_reload_ms = 0;
  };
  InProcessServer server(std::move(server_options));
  auto client = server.client();
  EXPECT_EQ(client.get("/api/v1/whoami", first.sign(standard_claims("default", {"readonly"}))).status, 200);

  // The provider rotates to a new key: the first token with the new kid
  // makes the server fetch the key set again.
  idp.set_responder(serve_jwks(jwks_json({&first, &second})));
  auto rotated = client.get("/api/v1/whoami", second.sign(standard_claims("default", {"readonly"})));
  EXPECT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_GE(idp.requests().size(), 2u);
  server.runtime().stop();
}

}  // namespace
}  // namespace hafnium::testing
