// The responses the server sends conform to the OpenAPI document it
// publishes: every route an integrator uses, its answers and its errors,
// each body checked against the declared schema (no undeclared field, no
// null where a string is declared, only declared statuses), on both
// stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "services/facade/meta_api.h"
#include "support/openapi_contract.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

class OpenApiResponses : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HAFNIUM_REQUIRE_BACKEND(GetParam());
    InProcessServer::Options options;
    options.backend = GetParam();
    server_ = std::make_unique<InProcessServer>(std::move(options));
  }
  // Sends the request and checks its answer against the document's
  // declaration for (pattern, method, status); returns it.
  HttpResponse call(const std::string& method, const std::string& pattern, const std::string& target,
                    const std::string& body = "", const std::string& content_type = "application/json",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + server_->admin_key());
    if (!body.empty()) headers.emplace_back("Content-Type", content_type);
    auto res = server_->client().request(method, target, headers, body);
    for (const auto& violation :
         contract_.check_response(pattern, method, res.status, res.header("content-type"), res.body)) {
      ADD_FAILURE() << violation << "\n  body: " << res.body.substr(0, 600);
    }
    ++checked_;
    return res;
  }
  static boost::json::value json(const HttpResponse& res) { return boost::json::parse(res.body); }

  std::unique_ptr<InProcessServer> server_;
  OpenApiContract contract_{boost::json::parse(services::facade::openapi_document()).as_object()};
  int checked_ = 0;
};

TEST_P(OpenApiResponses, EveryRouteAnswersAsTheDocumentDeclares) {
  call("GET", "/healthz", "/healthz");
  call("GET", "/api/v1/whoami", "/api/v1/whoami");
  call("GET", "/api/v1/openapi.json", "/api/v1/openapi.json");

  // Keys, with their concurrency control and errors.
  auto key = call("POST", "/api/v1/tenants/{tenant}/api-keys", "/api/v1/tenants/default/api-keys",
                  R"({"name":"contract","roles":["analyst"]})");
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string key_path = "/api/v1/tenants/default/api-keys/" + std::string(json(key).at("id").as_string());
  call("GET", "/api/v1/tenants/{tenant}/api-keys", "/api/v1/tenants/default/api-keys");
  auto one_key = call("GET", "/api/v1/tenants/{tenant}/api-keys/{id}", key_path);
  EXPECT_EQ(call("PATCH", "/api/v1/tenants/{tenant}/api-keys/{id}", key_path, R"({"name":"renamed"})").status, 428);
  EXPECT_EQ(call("PATCH", "/api/v1/tenants/{tenant}/api-keys/{id}", key_path, R"({"name":"renamed"})",
                 "application/json", {{"If-Match", "\"stale\""}}).status,
            412);
  EXPECT_EQ(call("PATCH", "/api/v1/tenants/{tenant}/api-keys/{id}", key_path, R"({"name":"renamed"})",
                 "application/json", {{"If-Match", one_key.header("etag")}}).status,
            200);
  EXPECT_EQ(call("DELETE", "/api/v1/tenants/{tenant}/api-keys/{id}", key_path).status, 204);
  call("GET", "/api/v1/audit", "/api/v1/audit?limit=5");

  // Screening: a tenant's list, checks of every shape, the queue, a decision.
  auto list = call("POST", "/api/v1/screening/lists/{source}/versions", "/api/v1/screening/lists/custom:contract/versions",
                   "id,name,type,birth_date,country,identifiers\n"
                   "c1,Northwind Trading FZE,organisation,,AE,\n"
                   "c2,Ivan Petrovich Sidorov,person,1960-02-03,RU,passport:7501234\n",
                   "text/csv");
  ASSERT_EQ(list.status, 201) << list.body;
  EXPECT_EQ(call("POST", "/api/v1/screening/lists/{source}/versions", "/api/v1/screening/lists/ofac-sdn/versions",
                 "x", "text/csv").status,
            422);
  for (int i = 0; i < 200 && json(call("GET", "/api/v1/screening/lists", "/api/v1/screening/lists"))
                                     .at("items").at(0).at("rescreen").at("status") != "completed";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  auto hit = call("POST", "/api/v1/screening/checks", "/api/v1/screening/checks",
                  R"({"name":"Ivan Sidorov","type":"person","birth_date":"1960","country":"RU",)"
                  R"("identifiers":[{"type":"passport","value":"7501234","country":"RU"}],"reference":"cust-1"})");
  ASSERT_EQ(hit.status, 201) << hit.body;
  ASSERT_FALSE(json(hit).at("matches").as_array().empty()) << hit.body;
  call("POST", "/api/v1/screening/checks", "/api/v1/screening/checks", R"({"name":"Quiet Meadow Bakery"})");
  call("POST", "/api/v1/screening/checks:batch", "/api/v1/screening/checks:batch",
       R"({"parties":[{"name":"Northwind Trading FZE","reference":"cust-2"},{"name":"Blue Lagoon"}]})");
  const std::string check_id(json(hit).at("id").as_string());
  call("GET", "/api/v1/screening/checks/{id}", "/api/v1/screening/checks/" + check_id);
  call("GET", "/api/v1/screening/checks", "/api/v1/screening/checks?reference=cust-1");
  call("GET", "/api/v1/screening/matches", "/api/v1/screening/matches?status=open");
  call("GET", "/api/v1/screening/matches:summary", "/api/v1/screening/matches:summary");
  const std::string match_id(json(hit).at("matches").at(0).at("id").as_string());
  EXPECT_EQ(call("POST", "/api/v1/screening/matches/{id}/disposition",
                 "/api/v1/screening/matches/" + match_id + "/disposition",
                 R"({"decision":"true_match","reason":"passport matches"})").status,
            200);
  call("GET", "/api/v1/screening/checks/{id}", "/api/v1/screening/checks/" + check_id);
  call("GET", "/api/v1/screening/parties/{reference}", "/api/v1/screening/parties/cust-1");
  EXPECT_EQ(call("DELETE", "/api/v1/screening/parties/{reference}", "/api/v1/screening/parties/cust-2").status, 204);
  EXPECT_EQ(call("GET", "/api/v1/screening/checks/{id}", "/api/v1/screening/checks/nope").status, 404);
  EXPECT_EQ(call("POST", "/api/v1/screening/checks", "/api/v1/screening/checks", R"({"name":" "})").status, 400);

  // Monitoring: transactions, a rule of the tenant's, alerts.
  const std::string cash = R"({"id":"t-1","occurred_at":"2026-11-20T10:00:00Z","amount":"12000.00","currency":"USD",)"
                           R"("type":"cash_deposit","channel":"branch","debtor":{"account_id":"ACC-1","customer_id":"C-1",)"
                           R"("name":"Jane Roe","country":"GB","bank_id":"BANK1"},"creditor":{"account_id":"ACC-1"},)"
                           R"("metadata":{"teller":"T7"}})";
  EXPECT_EQ(call("POST", "/api/v1/transactions", "/api/v1/transactions", cash).status, 201);
  EXPECT_EQ(call("POST", "/api/v1/transactions", "/api/v1/transactions", cash).status, 200);
  call("GET", "/api/v1/transactions/{id}", "/api/v1/transactions/t-1");
  call("POST", "/api/v1/transactions:batch", "/api/v1/transactions:batch",
       R"([{"id":"t-2","occurred_at":"2026-11-20T11:00:00Z","amount":"50.00","currency":"EUR","type":"wire",)"
       R"("debtor":{"account_id":"ACC-1"},"creditor":{"account_id":"ACC-2","country":"DE"}},{"id":"t-3"}])");
  call("POST", "/api/v1/transactions:batch", "/api/v1/transactions:batch",
       "{\"id\":\"t-4\",\"occurred_at\":\"2026-11-20T12:00:00Z\",\"amount\":\"5\",\"currency\":\"JPY\",\"type\":\"card\","
       "\"debtor\":{\"account_id\":\"ACC-2\"},\"creditor\":{\"account_id\":\"ACC-3\"}}\n",
       "application/x-ndjson");
  EXPECT_EQ(call("POST", "/api/v1/transactions", "/api/v1/transactions", "{").status, 400);
  auto rule = call("POST", "/api/v1/rules", "/api/v1/rules",
                   R"({"name":"Very large wire","condition":"tx.type == 'wire' and tx.amount > 1000000",)"
                   R"("severity":"high","score":70,"explanation":"{tx.amount} USD"})");
  ASSERT_EQ(rule.status, 201) << rule.body;
  const std::string rule_path = "/api/v1/rules/" + std::string(json(rule).at("id").as_string());
  call("GET", "/api/v1/rules", "/api/v1/rules");
  auto stored_rule = call("GET", "/api/v1/rules/{id}", rule_path);
  call("PUT", "/api/v1/rules/{id}", rule_path,
       R"({"name":"Very large wire","condition":"tx.type == 'wire' and tx.amount > 2000000","severity":"high","score":70})",
       "application/json", {{"If-Match", stored_rule.header("etag")}});
  call("GET", "/api/v1/rules/{id}/versions", rule_path + "/versions");
  call("POST", "/api/v1/rules/{id}:backtest", "/api/v1/rules/large-cash-single:backtest", "{}");
  EXPECT_EQ(call("POST", "/api/v1/rules", "/api/v1/rules",
                 R"({"name":"broken","condition":"tx.amount >","severity":"low","score":1})").status,
            400);
  HttpResponse alerts;
  for (int i = 0; i < 400; ++i) {
    alerts = call("GET", "/api/v1/alerts", "/api/v1/alerts");
    if (!json(alerts).at("items").as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_FALSE(json(alerts).at("items").as_array().empty()) << alerts.body;
  const std::string alert_path = "/api/v1/alerts/" + std::string(json(alerts).at("items").at(0).at("id").as_string());
  call("GET", "/api/v1/alerts/{id}", alert_path);
  call("GET", "/api/v1/alerts/{id}", alert_path + "?include=transactions");
  call("GET", "/api/v1/alerts:summary", "/api/v1/alerts:summary");
  EXPECT_EQ(call("POST", "/api/v1/alerts/{id}/status", alert_path + "/status",
                 R"({"status":"closed","reason":"customer's known business","resolution":"false_positive"})").status,
            200);
  EXPECT_EQ(call("POST", "/api/v1/alerts/{id}/status", alert_path + "/status", R"({"status":"closed"})").status, 400);
  EXPECT_GE(checked_, 45);
}

INSTANTIATE_TEST_SUITE_P(Backends, OpenApiResponses, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(OpenApiContract, FindsUndeclaredFieldsNullsAndUndocumentedStatuses) {
  // The checker itself: each kind of drift is reported.
  OpenApiContract contract(boost::json::parse(R"({"paths":{"/x":{"get":{"responses":{"200":{"content":{
      "application/json":{"schema":{"$ref":"#/components/schemas/X"}}}}}}}},
      "components":{"schemas":{"X":{"type":"object","additionalProperties":false,"required":["a"],
      "properties":{"a":{"type":"string"},"b":{"type":["integer","null"]},"c":{"type":"string","enum":["p","q"]}}}}}})")
                               .as_object());
  EXPECT_TRUE(contract.check_response("/x", "GET", 200, "application/json", R"({"a":"s","b":null,"c":"p"})").empty());
  EXPECT_EQ(contract.check_response("/x", "GET", 200, "application/json", R"({"a":null})").size(), 1u);
  EXPECT_EQ(contract.check_response("/x", "GET", 200, "application/json", R"({"a":"s","z":1})").size(), 1u);
  EXPECT_EQ(contract.check_response("/x", "GET", 200, "application/json", R"({"b":1})").size(), 1u);
  EXPECT_EQ(contract.check_response("/x", "GET", 200, "application/json", R"({"a":"s","c":"r"})").size(), 1u);
  EXPECT_EQ(contract.check_response("/x", "GET", 404, "application/json", "{}").size(), 1u);
}

}  // namespace
}  // namespace hafnium::testing
