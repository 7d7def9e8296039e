// Walks the whole route table: every route rejects anonymous callers (401)
// and callers without its permission (403), except the declared public ones;
// and the OpenAPI document describes exactly the registered routes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "platform/policy/policy.h"
#include "services/facade/meta_api.h"
#include "support/jwt_signer.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

std::string concrete_path(const std::string& pattern) {
  // {tenant} -> the caller's tenant, other parameters -> a well-formed id.
  std::string path = std::regex_replace(pattern, std::regex(R"(\{tenant\})"), "default");
  return std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "01890a5d-ac96-774b-bcce-b302099a8057");
}

class RouteTable : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("jwks");
    std::ofstream(dir_ / "jwks.json") << jwks_json({&signer_});
    InProcessServer::Options options;
    options.configure = [this](config::Config& c) {
      c.jwks_file = (dir_ / "jwks.json").string();
      c.jwt_issuer = "https://idp.test";
      c.jwt_audience = "hafnium";
    };
    server_ = std::make_unique<InProcessServer>(std::move(options));
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  JwtSigner signer_{JwtSigner::Algorithm::kEs256, "test-key"};
  std::unique_ptr<InProcessServer> server_;
};

TEST_F(RouteTable, EveryProtectedRouteRejectsAnonymousAndUnprivilegedCallers) {
  const std::set<std::string> expected_public = {"/healthz", "/readyz", "/metrics"};
  std::set<std::string> seen_public;
  // A valid token of the right tenant with no roles at all.
  std::string no_roles = signer_.sign(standard_claims("default", {}));
  auto client = server_->client();
  size_t protected_routes = 0;
  for (const auto& route : server_->runtime().router().routes()) {
    std::string method(http::method_name(route.method));
    std::string path = concrete_path(route.pattern);
    std::vector<std::pair<std::string, std::string>> json = {{"Content-Type", "application/json"}};
    std::string body = route.method == http::Method::kGet || route.method == http::Method::kDelete ? "" : "{}";
    if (route.access == http::Access::kPublic) {
      seen_public.insert(route.pattern);
      EXPECT_EQ(client.request(method, path).status, 200) << route.pattern;
      continue;
    }
    ++protected_routes;
    auto anonymous = client.request(method, path, json, body);
    EXPECT_EQ(anonymous.status, 401) << method << " " << route.pattern;
    EXPECT_EQ(anonymous.header("content-type"), "application/problem+json");
    auto headers = json;
    headers.emplace_back("Authorization", "Bearer " + no_roles);
    auto denied = client.request(method, path, headers, body);
    EXPECT_EQ(denied.status, 403) << method << " " << route.pattern << " " << denied.body;
    EXPECT_NE(denied.body.find(route.action), std::string::npos);
  }
  EXPECT_EQ(seen_public, expected_public);
  EXPECT_GE(protected_routes, 8u);

  // Each denial is in the audit trail.
  auto audit = client.get("/api/v1/audit?outcome=denied&limit=500", server_->admin_key());
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(boost::json::parse(audit.body).at("items").as_array().size(), protected_routes);
}

TEST_F(RouteTable, BearerTokensAuthenticateWithTheirRoles) {
  std::string analyst = signer_.sign(standard_claims("default", {"analyst"}));
  auto res = server_->client().get("/api/v1/whoami", analyst);
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = boost::json::parse(res.body);
  EXPECT_EQ(body.at("credential").as_string(), "jwt");
  EXPECT_EQ(body.at("subject").as_string(), "user-1");
  EXPECT_EQ(body.at("scopes").as_array().size(), 2u);
  // Analysts do not read the audit trail; auditors do.
  EXPECT_EQ(server_->client().get("/api/v1/audit", analyst).status, 403);
  EXPECT_EQ(server_->client().get("/api/v1/audit", signer_.sign(standard_claims("default", {"auditor"}))).status, 200);
  // A token for a tenant that does not exist, or from another issuer, is 401.
  EXPECT_EQ(server_->client().get("/api/v1/whoami", signer_.sign(standard_claims("nobody", {"admin"}))).status, 401);
  EXPECT_EQ(server_->client().get("/api/v1/whoami", signer_.sign(standard_claims("default", {"admin"}, "https://evil.test"))).status, 401);
}

TEST_F(RouteTable, OpenApiDocumentDescribesExactlyTheRegisteredRoutes) {
  auto doc = boost::json::parse(services::facade::openapi_document()).as_object();
  EXPECT_EQ(doc.at("openapi").as_string().subview().substr(0, 3), "3.1");
  std::set<std::string> documented;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (method == "parameters") continue;
      std::string upper(method);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + std::string(path));
      // Every operation documents its errors as problem+json.
      const auto& responses = operation.at("responses").as_object();
      bool has_error = false;
      for (const auto& [code, response] : responses) {
        if (code.starts_with("4") || code.starts_with("5")) has_error = true;
      }
      EXPECT_TRUE(has_error) << upper << " " << path;
    }
  }
  std::set<std::string> registered;
  for (const auto& route : server_->runtime().router().routes()) {
    registered.insert(std::string(http::method_name(route.method)) + " " + route.pattern);
  }
  for (const auto& r : registered) EXPECT_TRUE(documented.contains(r)) << "undocumented route: " << r;
  for (const auto& d : documented) EXPECT_TRUE(registered.contains(d)) << "documented route that does not exist: " << d;

  // The same document is served.
  auto served = server_->client().get("/api/v1/openapi.json", server_->admin_key());
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(boost::json::parse(served.body), boost::json::value(doc));
}

TEST_F(RouteTable, TheAuthorizationTableNamesEveryRouteAndWhoMayCallIt) {
  // docs/authorization.md: | `action` | `METHOD /path`, ... | admin | analyst | ... |
  std::ifstream in(std::string(HAFNIUM_SOURCE_DIR) + "/docs/authorization.md");
  ASSERT_TRUE(in) << "docs/authorization.md";
  std::vector<std::string> roles;
  std::map<std::string, std::pair<std::string, std::vector<bool>>> rows;  // action -> routes, marks
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("| ")) continue;
    std::vector<std::string> cells;
    for (size_t at = 1; at < line.size();) {
      size_t bar = line.find('|', at);
      if (bar == std::string::npos) break;
      std::string cell = line.substr(at, bar - at);
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
      at = bar + 1;
    }
    if (cells.size() < 3) continue;
    if (cells[0] == "action") {
      roles.assign(cells.begin() + 2, cells.end());
    } else if (cells[0].starts_with("`")) {
      std::vector<bool> marks;
      for (size_t i = 2; i < cells.size(); ++i) marks.push_back(cells[i] == "\u2713");
      rows[cells[0].substr(1, cells[0].size() - 2)] = {cells[1], marks};
    }
  }
  ASSERT_FALSE(roles.empty());
  auto policy = policy::BuiltinPolicy::from_default();
  for (const auto& route : server_->runtime().router().routes()) {
    if (route.action.empty()) continue;  // public
    const std::string name = std::string(http::method_name(route.method)) + " " + route.pattern;
    auto it = rows.find(route.action);
    ASSERT_NE(it, rows.end()) << "docs/authorization.md has no row for " << route.action << " (" << name << ")";
    EXPECT_NE(it->second.first.find("`" + name + "`"), std::string::npos)
        << "the row of " << route.action << " does not name " << name;
    ASSERT_EQ(it->second.second.size(), roles.size()) << route.action;
    for (size_t r = 0; r < roles.size(); ++r) {
      EXPECT_EQ(it->second.second[r], policy->role_grants(roles[r], route.action))
          << route.action << " for " << roles[r] << " in docs/authorization.md";
    }
  }
}

}  // namespace
}  // namespace hafnium::testing
