// Bad input over real sockets: each gets its problem+json and changes nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "platform/auth/api_keys.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    InProcessServer::Options options;
    options.configure = [](config::Config& c) {
      c.header_limit_bytes = 4096;
      c.body_limit_bytes = 64 * 1024;
      c.header_timeout_ms = 500;
      c.idle_timeout_ms = 2000;
    };
    server_ = new InProcessServer(std::move(options));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string keys_path() { return "/api/v1/tenants/default/api-keys"; }
  size_t key_count() { return auth::ApiKeyStore(server_->runtime().db()).list().size(); }
  static boost::json::object problem(const HttpResponse& res) {
    EXPECT_EQ(res.header("content-type"), "application/problem+json") << res.body;
    return boost::json::parse(res.body).as_object();
  }

  static InProcessServer* server_;
};
InProcessServer* BadInput::server_ = nullptr;

TEST_F(BadInput, MalformedJsonIs400) {
  size_t before = key_count();
  auto res = server_->client().post_json(keys_path(), R"({"name": "x", "roles": ["admin"],)",
                                         server_->admin_key());
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(problem(res).at("type").as_string(), "urn:hafnium:problem:malformed-json");
  EXPECT_EQ(key_count(), before);
}

TEST_F(BadInput, InvalidUtf8Is400) {
  size_t before = key_count();
  auto res = server_->client().post_json(keys_path(), "{\"name\": \"bad\xC3\x28\", \"roles\": [\"admin\"]}",
                                         server_->admin_key());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(problem(res).at("detail").as_string().find("UTF-8"), std::string::npos);
  EXPECT_EQ(key_count(), before);
}

TEST_F(BadInput, TheNulCharacterIs400WhereverItIs) {
  // PostgreSQL's client ends a text at U+0000: "ops\u0000key" would be
  // stored as "ops", and a path or query holding %00 would name another
  // record. Refused before anything reads or writes.
  size_t before = key_count();
  auto body = server_->client().post_json(keys_path(), R"({"name": "ops\u0000key", "roles": ["admin"]})",
                                          server_->admin_key());
  EXPECT_EQ(body.status, 400);
  EXPECT_EQ(problem(body).at("errors").at(0).at("field"), "name");
  EXPECT_EQ(key_count(), before);
  auto path = server_->client().get("/api/v1/screening/parties/ref%00z", server_->admin_key());
  EXPECT_EQ(path.status, 400);
  EXPECT_EQ(problem(path).at("errors").at(0).at("field"), "path");
  auto query = server_->client().get("/api/v1/audit?actor=ops%00x", server_->admin_key());
  EXPECT_EQ(query.status, 400);
  EXPECT_EQ(problem(query).at("errors").at(0).at("field"), "query");
  // Nor bytes that are not UTF-8 (PostgreSQL refuses them: a 500 before).
  auto latin1 = server_->client().get("/api/v1/screening/parties/M%FCller", server_->admin_key());
  EXPECT_EQ(latin1.status, 400);
  EXPECT_EQ(problem(latin1).at("errors").at(0).at("reason"), "must be UTF-8 once percent-decoded");
  EXPECT_EQ(server_->client().get("/api/v1/audit?actor=M%FCller", server_->admin_key()).status, 400);
  EXPECT_EQ(server_->client().get("/api/v1/screening/parties/M%C3%BCller", server_->admin_key()).status, 404);
}

TEST_F(BadInput, UnknownAndInvalidFieldsAre400WithEveryField) {
  size_t before = key_count();
  auto res = server_->client().post_json(keys_path(), R"({"name": "", "roles": ["root"], "admin": true})",
                                         server_->admin_key());
  ASSERT_EQ(res.status, 400);
  auto body = problem(res);
  EXPECT_EQ(body.at("type").as_string(), "urn:hafnium:problem:validation-error");
  std::set<std::string> fields;
  for (const auto& e : body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"name", "roles/0", "admin"}));
  EXPECT_EQ(key_count(), before);
}

TEST_F(BadInput, WrongContentTypeIs415) {
  auto res = server_->client().request(
      "POST", keys_path(),
      {{"Authorization", "Bearer " + server_->admin_key()}, {"Content-Type", "text/plain"}},
      R"({"name":"x","roles":["admin"]})");
  EXPECT_EQ(res.status, 415);
  problem(res);
}

TEST_F(BadInput, OversizeBodyIs413) {
  size_t before = key_count();
  std::string big = R"({"name":")" + std::string(70 * 1024, 'a') + R"(","roles":["admin"]})";
  auto res = server_->client().post_json(keys_path(), big, server_->admin_key());
  EXPECT_EQ(res.status, 413);
  problem(res);
  EXPECT_EQ(key_count(), before);
}

TEST_F(BadInput, OversizeHeaderIs431) {
  auto res = server_->client().request(
      "GET", "/api/v1/whoami",
      {{"Authorization", "Bearer " + server_->admin_key()}, {"X-Padding", std::string(8000, 'p')}});
  EXPECT_EQ(res.status, 431);
  problem(res);
}

TEST_F(BadInput, SlowClientIsDisconnectedAfterTheHeaderTimeout) {
  // Half a request line, then silence: the server closes the connection
  // (slowloris) instead of holding it open.
  auto started = std::chrono::steady_clock::now();
  std::string answer = server_->client().raw("GET /healthz HTTP/1.1\r\nHost: x\r\n", 5000);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_LT(waited, std::chrono::milliseconds(4500)) << "the connection was held open";
  EXPECT_TRUE(answer.empty() || answer.find("HTTP/1.1 4") == 0) << answer;
}

TEST_F(BadInput, GarbageRequestLineIs400) {
  std::string answer = server_->client().raw("NOT HTTP AT ALL\r\n\r\n", 2000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find("application/problem+json"), std::string::npos);
}

TEST_F(BadInput, AnotherTenantInThePathIs404AndChangesNothing) {
  size_t before = key_count();
  auto res = server_->client().post_json("/api/v1/tenants/other-tenant/api-keys",
                                         R"({"name":"x","roles":["admin"]})", server_->admin_key());
  EXPECT_EQ(res.status, 404);
  problem(res);
  EXPECT_EQ(server_->client().get("/api/v1/tenants/other-tenant/api-keys", server_->admin_key()).status, 404);
  EXPECT_EQ(key_count(), before);
}

TEST_F(BadInput, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  auto missing = server_->client().get("/api/v1/nothing-here", server_->admin_key());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(problem(missing).at("type").as_string(), "urn:hafnium:problem:not-found");
  auto wrong = server_->client().request("PUT", "/api/v1/whoami",
                                         {{"Authorization", "Bearer " + server_->admin_key()}});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET");
  problem(wrong);
}

TEST_F(BadInput, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string answer = server_->client().raw(two, 3000);
  size_t first = answer.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << answer;
  EXPECT_NE(answer.find("HTTP/1.1 200", first + 1), std::string::npos) << answer;
}

}  // namespace
}  // namespace hafnium::testing
