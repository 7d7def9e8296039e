// JWKS fetched over HTTP from the identity provider's URL, and re-fetched
// when a token names a kid the server has not seen (key rotation).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "platform/http/server.h"
#include "support/jwt_signer.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

class JwksEndpoint : public http::Dispatcher {
 public:
  boost::asio::awaitable<http::Response> dispatch(http::Request& request) override {
    std::lock_guard lock(mutex);
    ++fetches;
    if (request.path != "/realms/test/protocol/openid-connect/certs") {
      co_return http::Response::text(404, "no");
    }
    co_return http::Response::text(200, jwks, "application/json");
  }
  http::Response transport_error(const http::ApiError& error, const http::Request&) override {
    return http::render_problem(error, "", "");
  }
  std::mutex mutex;
  std::string jwks;
  int fetches = 0;
};

TEST(JwksUrl, TokensVerifyAgainstAFetchedKeySetAndRotationRefetches) {
  JwtSigner first(JwtSigner::Algorithm::kRs256, "k1");
  JwtSigner second(JwtSigner::Algorithm::kEs256, "k2");
  JwksEndpoint endpoint;
  endpoint.jwks = jwks_json({&first});
  http::ServerOptions options;
  options.port = 0;
  options.io_threads = 1;
  http::Server idp(options, endpoint);
  uint16_t port = idp.start();

  InProcessServer::Options server_options;
  server_options.configure = [port](config::Config& c) {
    c.jwks_url = "http://127.0.0.1:" + std::to_string(port) + "/realms/test/protocol/openid-connect/certs";
    c.jwt_issuer = "https://idp.test";
    c.jwt_audience = "hafnium";
    c.jwks_min_reload_ms = 0;
  };
  InProcessServer server(std::move(server_options));
  auto client = server.client();
  EXPECT_EQ(client.get("/api/v1/whoami", first.sign(standard_claims("default", {"readonly"}))).status, 200);

  // The provider rotates to a new key: the first token with the new kid
  // makes the server fetch the key set again.
  {
    std::lock_guard lock(endpoint.mutex);
    endpoint.jwks = jwks_json({&first, &second});
  }
  auto rotated = client.get("/api/v1/whoami", second.sign(standard_claims("default", {"readonly"})));
  EXPECT_EQ(rotated.status, 200) << rotated.body;
  {
    std::lock_guard lock(endpoint.mutex);
    EXPECT_GE(endpoint.fetches, 2);
  }
  server.runtime().stop();
  idp.drain_and_stop();
}

}  // namespace
}  // namespace hafnium::testing
