// The detector on the stream, over real HTTP on both stores: transactions
// in, alerts (with their explanation and transactions) and alert.raised
// events out, analysts close them, and a restart continues where the
// stream left off without raising anything twice.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <atomic>
#include <cmath>
#include <thread>

#include "platform/api/pagination.h"
#include "support/metrics_text.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

std::string ach(const std::string& id, const std::string& at, const std::string& debtor, const std::string& creditor,
                const std::string& amount = "2500.00") {
  return R"({"id":")" + id + R"(","occurred_at":")" + at + R"(","amount":")" + amount +
         R"(","currency":"USD","type":"ach","debtor":{"account_id":")" + debtor +
         R"("},"creditor":{"account_id":")" + creditor + R"("}})";
}

class AlertsApi : public ::testing::TestWithParam<std::string> {
 protected:
  static InProcessServer::Options options(TempStore* store, const std::string& backend) {
    InProcessServer::Options o;
    o.backend = backend;
    o.targets = {"facade", "monitoring"};
    o.existing_store = store;
    return o;
  }
  static HttpResponse call(InProcessServer& server, const std::string& key, const std::string& method,
                           const std::string& path, const std::string& body = "") {
    return server.client().request(method, path, {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}},
                                   body);
  }
  // A series of the server's /metrics, -1 when it is absent.
  static double metric(InProcessServer& server, const std::string& series) {
    const std::string value = metric_sample(server.client().get("/metrics").body, series);
    return value.empty() ? -1 : std::stod(value);
  }
  // Waits until the detector has evaluated `n` transactions.
  static void wait_evaluated(InProcessServer& server, long long n) {
    for (int i = 0; i < 1000; ++i) {
      long long c = 0;
      server.runtime().db().read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM monitoring_evaluations", soci::into(c); });
      if (c >= n) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the detector did not evaluate " << n << " transactions";
  }
  static boost::json::array alerts(InProcessServer& server, const std::string& key, const std::string& query = "") {
    auto res = call(server, key, "GET", "/api/v1/alerts" + query);
    EXPECT_EQ(res.status, 200) << res.body;
    return boost::json::parse(res.body).at("items").as_array();
  }
};

TEST_P(AlertsApi, FanInRaisesOneExplainedAlertThatAnalystsCloseAndARestartContinues) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  std::string key, alert_id;
  {
    InProcessServer server(options(&store, GetParam()));
    key = server.admin_key();
    std::string batch = "[";
    for (int i = 0; i < 5; ++i) {
      batch += (i ? "," : "") + ach("in" + std::to_string(i), "2026-11-01T1" + std::to_string(i) + ":00:00Z",
                                    "SENDER-" + std::to_string(i), "MULE");
    }
    batch += "]";
    ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", batch).status, 200);
    wait_evaluated(server, 5);

    auto items = alerts(server, key);
    ASSERT_EQ(items.size(), 1u) << boost::json::serialize(items);
    const auto& alert = items[0].as_object();
    alert_id = std::string(alert.at("id").as_string());
    EXPECT_EQ(alert.at("rule_id"), "fan-in");
    EXPECT_EQ(alert.at("typology"), "fan_in");
    EXPECT_EQ(alert.at("subject").at("id"), "MULE");
    EXPECT_EQ(alert.at("status"), "open");
    EXPECT_EQ(alert.at("hits"), 1);  // raised by the 5th new sender
    EXPECT_EQ(alert.at("explanation"), "Transfers from 5 new counterparties within 4 days, 12500 USD in total.");
    EXPECT_EQ(alert.at("transaction_ids").as_array().size(), 5u);
    bool threshold_shown = false;
    for (const auto& c : alert.at("conditions").as_array()) {
      if (c.at("condition").as_string().ends_with(">= 5")) {
        EXPECT_EQ(c.at("actual").to_number<double>(), 5);
        EXPECT_EQ(c.at("threshold").to_number<double>(), 5);
        threshold_shown = true;
      }
    }
    EXPECT_TRUE(threshold_shown);
    {
      // The analyst's view: the alert with its payments themselves.
      auto detail = call(server, key, "GET", "/api/v1/alerts/" + alert_id + "?include=transactions");
      ASSERT_EQ(detail.status, 200) << detail.body;
      const auto payments = boost::json::parse(detail.body).at("transactions").as_array();
      ASSERT_EQ(payments.size(), 5u);
      EXPECT_EQ(payments[0].at("id"), "in0");
      EXPECT_EQ(payments[0].at("creditor").at("account_id"), "MULE");
      EXPECT_FALSE(boost::json::parse(call(server, key, "GET", "/api/v1/alerts/" + alert_id).body)
                       .as_object()
                       .contains("transactions"));
      EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts/" + alert_id + "?include=cases").status, 400);
      EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts/" + alert_id + "?expand=transactions").status, 400);
    }

    // The event went out through the outbox with the alert.
    long long events = 0;
    server.runtime().db().read([&](soci::session& sql) {
      sql << "SELECT COUNT(*) FROM outbox WHERE topic = 'alerts' AND payload LIKE '%alert.raised%'", soci::into(events);
    });
    EXPECT_EQ(events, 1);

    {
      // While open, the summary shows how long the oldest has waited.
      auto open_summary = boost::json::parse(call(server, key, "GET", "/api/v1/alerts:summary").body);
      EXPECT_EQ(open_summary.at("items").at(0).at("open"), 1);
      EXPECT_EQ(open_summary.at("items").at(0).at("oldest_open_raised_at"),
                alerts(server, key).at(0).at("raised_at"));
    }
    // Closing needs a reason; a closed alert says why; the audit trail has it.
    auto bad = call(server, key, "POST", "/api/v1/alerts/" + alert_id + "/status", R"({"status":"closed"})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("reason"), std::string::npos);
    // ...and a resolution, one of a fixed set, for the rules' false-positive rates.
    auto unresolved = call(server, key, "POST", "/api/v1/alerts/" + alert_id + "/status",
                           R"({"status":"closed","reason":"known payroll aggregator"})");
    EXPECT_EQ(unresolved.status, 400);
    EXPECT_NE(unresolved.body.find("\"field\":\"resolution\""), std::string::npos) << unresolved.body;
    EXPECT_EQ(call(server, key, "POST", "/api/v1/alerts/" + alert_id + "/status",
                   R"({"status":"closed","reason":"x","resolution":"fine"})").status,
              400);
    EXPECT_EQ(call(server, key, "POST", "/api/v1/alerts/" + alert_id + "/status",
                   R"({"status":"open","resolution":"duplicate"})").status,
              400);
    EXPECT_EQ(alerts(server, key, "?status=open").size(), 1u);  // the refused changes changed nothing
    auto closed = call(server, key, "POST", "/api/v1/alerts/" + alert_id + "/status",
                       R"({"status":"closed","reason":"known payroll aggregator","resolution":"false_positive"})");
    ASSERT_EQ(closed.status, 200) << closed.body;
    EXPECT_EQ(boost::json::parse(closed.body).at("status_reason"), "known payroll aggregator");
    EXPECT_EQ(boost::json::parse(closed.body).at("resolution"), "false_positive");
    EXPECT_EQ(alerts(server, key, "?resolution=false_positive").size(), 1u);
    EXPECT_EQ(alerts(server, key, "?resolution=escalated").size(), 0u);
    EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts?resolution=fine").status, 400);
    {
      // Per rule: raised, open, closed and how, and the false-positive rate.
      auto summary = call(server, key, "GET", "/api/v1/alerts:summary");
      ASSERT_EQ(summary.status, 200) << summary.body;
      const auto items = boost::json::parse(summary.body).at("items").as_array();
      ASSERT_EQ(items.size(), 1u) << summary.body;
      EXPECT_EQ(items[0].at("rule_id"), "fan-in");
      EXPECT_EQ(items[0].at("raised"), 1);
      EXPECT_EQ(items[0].at("open"), 0);
      EXPECT_EQ(items[0].at("closed"), 1);
      EXPECT_EQ(items[0].at("resolutions").at("false_positive"), 1);
      EXPECT_EQ(items[0].at("resolutions").at("escalated"), 0);
      EXPECT_EQ(items[0].at("false_positive_rate"), 1.0);
      EXPECT_TRUE(items[0].at("oldest_open_raised_at").is_null());  // none left open
      // A period before the alert holds nothing; a bad period is refused.
      auto earlier = call(server, key, "GET", "/api/v1/alerts:summary?raised_to=2026-01-01T00:00:00Z");
      EXPECT_TRUE(boost::json::parse(earlier.body).at("items").as_array().empty()) << earlier.body;
      EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts:summary?raised_from=yesterday").status, 400);
      EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts:summary?rule=fan-in").status, 400);
    }
    // Who closed it and when, on the alert; and an event for the systems
    // that follow alerts, without the analyst's note.
    EXPECT_TRUE(boost::json::parse(closed.body).at("status_changed_by").as_string().starts_with("api-key:"));
    EXPECT_TRUE(boost::json::parse(closed.body).at("status_changed_at").is_string());
    std::string changed;
    server.runtime().db().read([&](soci::session& sql) {
      sql << "SELECT payload FROM outbox WHERE topic = 'alerts' AND event_type = 'alert.status_changed'",
          soci::into(changed);
    });
    ASSERT_FALSE(changed.empty());
    EXPECT_EQ(boost::json::parse(changed).at("data").at("status"), "closed");
    EXPECT_EQ(boost::json::parse(changed).at("data").at("resolution"), "false_positive");
    EXPECT_EQ(boost::json::parse(changed).at("data").at("id"), alert_id.c_str());
    EXPECT_EQ(changed.find("payroll"), std::string::npos);
    EXPECT_EQ(alerts(server, key, "?status=open").size(), 0u);
    EXPECT_EQ(alerts(server, key, "?status=closed").size(), 1u);
    EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts/alr_0000000000000000").status, 404);
    EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts?status=maybe").status, 400);
    EXPECT_EQ(call(server, key, "GET", "/api/v1/alerts?severity=urgent").status, 400);
    EXPECT_EQ(alerts(server, key, "?subject_id=MULE&severity=medium&rule_id=fan-in").size(), 1u);
    EXPECT_EQ(alerts(server, key, "?subject_id=SENDER-1").size(), 0u);
  }
  // Restart: the engine is rebuilt from the evaluated transactions. A new
  // sender within the window of the alert joins it instead of raising a
  // second one, exactly as an uninterrupted run would.
  InProcessServer restarted(options(&store, GetParam()));
  ASSERT_EQ(call(restarted, key, "POST", "/api/v1/transactions", ach("in9", "2026-11-02T09:00:00Z", "SENDER-9", "MULE")).status, 201);
  wait_evaluated(restarted, 6);
  auto items = alerts(restarted, key);
  ASSERT_EQ(items.size(), 1u) << boost::json::serialize(items);
  EXPECT_EQ(items[0].at("id").as_string(), alert_id);
  EXPECT_EQ(items[0].at("hits"), 2);
  EXPECT_EQ(items[0].at("transaction_ids").as_array().size(), 6u);
  // A redelivered event changes nothing.
  long long evaluations = 0;
  restarted.runtime().db().read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM monitoring_evaluations", soci::into(evaluations); });
  EXPECT_EQ(evaluations, 6);
}

// A restart rebuilds the engine from thousands of evaluated transactions,
// read and fed in batches of 4,096: state from the first batch and from
// the last, partial one both count. MULE's first senders are at the start of the
// history and its others at the end, with unrelated payments between; the
// fifth sender after the restart makes the fan-in.
// Hits that join an alert while the detector collects one commit (one
// batch of payments into a hub) leave the stored alert as the engine holds
// it: every hit counted and every transaction listed, one alert.raised.
TEST_P(AlertsApi, HitsJoiningAnAlertWithinOneCommitAllReachTheStoredAlert) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  const std::string key = server.admin_key();
  std::string batch;
  for (int i = 0; i < 9; ++i) {
    batch += ach("hub" + std::to_string(i), "2026-11-01T0" + std::to_string(i) + ":00:00Z",
                 "PAYER-" + std::to_string(i), "HUB") + "\n";
  }
  auto res = server.client().request("POST", "/api/v1/transactions:batch",
                                     {{"Authorization", "Bearer " + key}, {"Content-Type", "application/x-ndjson"}}, batch);
  ASSERT_EQ(res.status, 200) << res.body;
  wait_evaluated(server, 9);
  auto items = alerts(server, key);
  ASSERT_EQ(items.size(), 1u) << boost::json::serialize(items);
  EXPECT_EQ(items[0].at("subject").at("id"), "HUB");
  EXPECT_EQ(items[0].at("hits"), 5);  // raised by the 5th payer, joined by the next four
  EXPECT_EQ(items[0].at("transaction_ids").as_array().size(), 9u);
  long long raised = 0;
  server.runtime().db().read([&](soci::session& sql) {
    sql << "SELECT COUNT(*) FROM outbox WHERE event_type = 'alert.raised'", soci::into(raised);
  });
  EXPECT_EQ(raised, 1);
}

TEST_P(AlertsApi, ARestartRebuildsStateFromTheWholeHistory) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  std::string key;
  auto filler = [](int from, int to) {
    std::string items;
    for (int i = from; i < to; ++i) {
      char at[32];
      std::snprintf(at, sizeof at, "2026-11-01T%02d:%02d:%02dZ", 9 + (i / 3600) % 3, (i / 60) % 60, i % 60);
      items += ach("f" + std::to_string(i), at, "F" + std::to_string(i), "G" + std::to_string(i), "100.00") + ",";
    }
    return items;
  };
  {
    InProcessServer server(options(&store, GetParam()));
    key = server.admin_key();
    std::string first = "[" + ach("in0", "2026-11-01T10:00:00Z", "SENDER-0", "MULE") + "," +
                        ach("in1", "2026-11-01T11:00:00Z", "SENDER-1", "MULE") + "," + filler(0, 4200);
    first.back() = ']';
    std::string second = "[" + ach("in2", "2026-11-01T12:00:00Z", "SENDER-2", "MULE") + "," +
                         ach("in3", "2026-11-01T13:00:00Z", "SENDER-3", "MULE") + "]";
    ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", first).status, 200);
    ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", second).status, 200);
    wait_evaluated(server, 4204);
    EXPECT_EQ(alerts(server, key, "?rule_id=fan-in").size(), 0u);
  }
  InProcessServer restarted(options(&store, GetParam()));
  ASSERT_EQ(
      call(restarted, key, "POST", "/api/v1/transactions", ach("in4", "2026-11-02T09:00:00Z", "SENDER-4", "MULE")).status,
      201);
  wait_evaluated(restarted, 4205);
  auto fan_in = alerts(restarted, key, "?rule_id=fan-in&subject_id=MULE");
  ASSERT_EQ(fan_in.size(), 1u) << boost::json::serialize(fan_in);
  EXPECT_EQ(fan_in[0].at("explanation"), "Transfers from 5 new counterparties within 4 days, 12500 USD in total.");
}

// Two accounts each under a fan-in alert (score 55) are linked by a payment
// between them (pack rule alerted-counterparties) only while both alerts
// stand: an analyst closing one as a false positive unlinks them, on the
// running detector and after a restart alike, and reopening links again.
TEST_P(AlertsApi, AClosedAlertNoLongerLinksItsAccountToOtherAlertedAccounts) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  std::string key, closed_id;
  auto linked = [&](InProcessServer& server) {
    return alerts(server, key, "?rule_id=alerted-counterparties").size();
  };
  {
    InProcessServer server(options(&store, GetParam()));
    key = server.admin_key();
    std::string batch = "[";
    for (const std::string mule : {"MULE-A", "MULE-B"}) {
      for (int i = 0; i < 5; ++i) {
        batch += (batch.size() > 1 ? "," : "") + ach(mule + "-in" + std::to_string(i),
                                                     "2026-11-01T1" + std::to_string(i) + ":00:00Z",
                                                     mule + "-SENDER-" + std::to_string(i), mule);
      }
    }
    batch += "]";
    ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", batch).status, 200);
    wait_evaluated(server, 10);
    auto fan_in = alerts(server, key, "?rule_id=fan-in&subject_id=MULE-A");
    ASSERT_EQ(fan_in.size(), 1u) << boost::json::serialize(fan_in);
    ASSERT_EQ(alerts(server, key, "?rule_id=fan-in&subject_id=MULE-B").size(), 1u);
    closed_id = std::string(fan_in[0].at("id").as_string());
    ASSERT_EQ(call(server, key, "POST", "/api/v1/alerts/" + closed_id + "/status",
                   R"({"status":"closed","reason":"payroll collection account","resolution":"false_positive"})")
                  .status,
              200);
    ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions", ach("ab1", "2026-11-02T09:00:00Z", "MULE-A", "MULE-B")).status,
              201);
    wait_evaluated(server, 11);
    EXPECT_EQ(linked(server), 0u);
  }
  // The rebuild reads the review status with the alerts.
  InProcessServer restarted(options(&store, GetParam()));
  ASSERT_EQ(call(restarted, key, "POST", "/api/v1/transactions", ach("ab2", "2026-11-02T10:00:00Z", "MULE-A", "MULE-B")).status,
            201);
  wait_evaluated(restarted, 12);
  EXPECT_EQ(linked(restarted), 0u);
  ASSERT_EQ(call(restarted, key, "POST", "/api/v1/alerts/" + closed_id + "/status", R"({"status":"open"})").status, 200);
  ASSERT_EQ(call(restarted, key, "POST", "/api/v1/transactions", ach("ab3", "2026-11-02T11:00:00Z", "MULE-A", "MULE-B")).status,
            201);
  wait_evaluated(restarted, 13);
  auto network = alerts(restarted, key, "?rule_id=alerted-counterparties");
  ASSERT_EQ(network.size(), 1u) << boost::json::serialize(network);
  EXPECT_EQ(network[0].at("subject").at("id"), "MULE-B");
  EXPECT_EQ(network[0].at("transaction_ids").as_array().back(), "ab3");
}

TEST_P(AlertsApi, TenantsSeeOnlyTheirOwnAlerts) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  std::string key = server.admin_key();
  std::string batch = "[";
  for (int i = 0; i < 5; ++i) {
    batch += (i ? "," : "") + ach("t" + std::to_string(i), "2026-11-01T1" + std::to_string(i) + ":00:00Z",
                                  "S" + std::to_string(i), "HUB");
  }
  batch += "]";
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", batch).status, 200);
  wait_evaluated(server, 5);
  auto items = alerts(server, key);
  ASSERT_EQ(items.size(), 1u);
  std::string id(items[0].at("id").as_string());
  auto other = server.create_tenant_key("other-bank");
  EXPECT_EQ(alerts(server, other).size(), 0u);
  EXPECT_EQ(call(server, other, "GET", "/api/v1/alerts/" + id).status, 404);
  EXPECT_EQ(call(server, other, "POST", "/api/v1/alerts/" + id + "/status", R"({"status":"closed","reason":"x","resolution":"other"})").status, 404);
}

TEST_P(AlertsApi, AnalystsPageAlertsNewestFirstAndFilterThemByTime) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  std::string key = server.admin_key();
  // One large-cash alert a day, on seven accounts, sent oldest last.
  std::string batch = "[";
  for (int day = 7; day >= 1; --day) {
    batch += std::string(day < 7 ? "," : "") + R"({"id":"cash)" + std::to_string(day) +
             R"(","occurred_at":"2026-11-0)" + std::to_string(day) +
             R"(T09:00:00Z","amount":"15000.00","currency":"USD","type":"cash_deposit","debtor":{"account_id":"C)" +
             std::to_string(day) + R"("},"creditor":{"account_id":"C)" + std::to_string(day) + R"("}})";
  }
  batch += "]";
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", batch).status, 200);
  wait_evaluated(server, 7);
  auto subjects = [](const boost::json::value& page) {
    std::vector<std::string> out;
    for (const auto& a : page.at("items").as_array()) out.emplace_back(a.at("subject").at("id").as_string());
    return out;
  };
  // Pages of three, newest first, the cursor carrying on where the last ended.
  std::vector<std::string> seen;
  std::string query = "?limit=3";
  for (int pages = 0; pages < 5; ++pages) {
    auto res = call(server, key, "GET", "/api/v1/alerts" + query);
    ASSERT_EQ(res.status, 200) << res.body;
    auto page = boost::json::parse(res.body);
    for (auto& s : subjects(page)) seen.push_back(s);
    if (page.at("next_cursor").is_null()) break;
    query = "?limit=3&cursor=" + std::string(page.at("next_cursor").as_string());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"C7", "C6", "C5", "C4", "C3", "C2", "C1"}));
  const std::string metrics = server.client().get("/metrics").body;
  EXPECT_NE(metrics.find("\nhafnium_monitoring_accounts 7\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nhafnium_monitoring_pending_evaluations 0\n"), std::string::npos);
  // Raised within [from, to), by the payments' event time.
  auto window = call(server, key, "GET", "/api/v1/alerts?raised_from=2026-11-03T09:00:00Z&raised_to=2026-11-05T09:00:00Z");
  ASSERT_EQ(window.status, 200) << window.body;
  EXPECT_EQ(subjects(boost::json::parse(window.body)), (std::vector<std::string>{"C4", "C3"}));
  // A misspelt filter, a time that is not one, an empty range, a cursor
  // not made for this list: each refused, naming the parameter.
  auto refused = [&](const std::string& q, const std::string& field) {
    auto res = call(server, key, "GET", "/api/v1/alerts" + q);
    EXPECT_EQ(res.status, 400) << q << " " << res.body;
    auto errors = boost::json::parse(res.body).at("errors").as_array();
    ASSERT_FALSE(errors.empty()) << res.body;
    EXPECT_EQ(std::string(errors[0].at("field").as_string()), field) << res.body;
  };
  refused("?staus=open", "staus");
  refused("?raised_from=yesterday", "raised_from");
  refused("?raised_from=2026-11-05T00:00:00Z&raised_to=2026-11-05T00:00:00Z", "raised_to");
  refused("?cursor=" + api::encode_cursor("alr_0123456789abcdef"), "cursor");
}

TEST_P(AlertsApi, BacktestsRunDraftsOverStoredHistoryWithoutRaisingAnything) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  std::string key = server.admin_key();
  std::string batch = "[";
  for (int i = 0; i < 6; ++i) {
    batch += (i ? "," : "") + ach("b" + std::to_string(i), "2026-10-02T0" + std::to_string(i + 1) + ":00:00Z",
                                  "PAYER-" + std::to_string(i), "COLLECTOR");
  }
  batch += "]";
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", batch).status, 200);
  wait_evaluated(server, 6);
  auto count = [&](const std::string& q) {
    long long n = 0;
    server.runtime().db().read([&](soci::session& sql) { sql << q, soci::into(n); });
    return n;
  };
  const long long alerts_before = count("SELECT COUNT(*) FROM monitoring_alerts");
  const long long events_before = count("SELECT COUNT(*) FROM outbox WHERE topic = 'alerts'");

  // The pack's fan-in as shipped: five new senders in four days.
  auto shipped = call(server, key, "POST", "/api/v1/rules/fan-in:backtest",
                      R"({"from":"2026-10-01T00:00:00Z","to":"2026-10-31T00:00:00Z"})");
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  auto body = boost::json::parse(shipped.body).as_object();
  EXPECT_EQ(body.at("transactions_evaluated"), 6);
  EXPECT_EQ(body.at("alerts_total"), 1);
  EXPECT_EQ(body.at("alerts").as_array()[0].at("subject").at("id"), "COLLECTOR");

  // A draft that needs three new senders in two days fires earlier.
  auto draft = call(server, key, "POST", "/api/v1/rules/fan-in:backtest", R"({"from":"2026-10-01T00:00:00Z",
    "to":"2026-10-31T00:00:00Z","draft":{"name":"Fan-in, tighter","severity":"high","score":60,"suppression":"1d",
    "subject":"creditor","condition":"new_distinct('creditor.in', '2d') >= 3"}})");
  ASSERT_EQ(draft.status, 200) << draft.body;
  auto drafted = boost::json::parse(draft.body).as_object();
  EXPECT_EQ(drafted.at("rule").at("condition"), "new_distinct('creditor.in', '2d') >= 3");
  EXPECT_GE(drafted.at("alerts_total").as_int64(), 1);
  // Raised by the third sender, joined by the three after it.
  EXPECT_EQ(drafted.at("alerts").as_array()[0].at("hits"), 4);

  // A rule that reads other rules' alerts runs beside the tenant's rules
  // (here the pack's fan-in, raised on COLLECTOR by the fifth sender); only
  // its own alerts come back.
  auto linked = call(server, key, "POST", "/api/v1/rules/alerted-counterparties:backtest",
                     R"({"from":"2026-10-01T00:00:00Z","to":"2026-10-31T00:00:00Z","draft":{"name":"Paid while under alert",
    "severity":"high","score":70,"subject":"creditor","suppression":"1d","condition":"alert_score('creditor') >= 50"}})");
  ASSERT_EQ(linked.status, 200) << linked.body;
  auto linked_body = boost::json::parse(linked.body).as_object();
  EXPECT_EQ(linked_body.at("alerts_total"), 1);
  ASSERT_EQ(linked_body.at("alerts").as_array().size(), 1u);
  const auto& link = linked_body.at("alerts").as_array()[0].as_object();
  EXPECT_EQ(link.at("rule_id"), "alerted-counterparties");
  EXPECT_EQ(link.at("transaction_ids"), boost::json::array{"b5"});

  // A draft that cannot be decided says why, per reason: the payers were
  // paid nothing in the day before, so every evaluation divides by zero.
  auto undecidable = call(server, key, "POST", "/api/v1/rules/fan-in:backtest",
                          R"({"from":"2026-10-01T00:00:00Z","to":"2026-10-31T00:00:00Z","draft":{"name":"Spends what it got",
    "severity":"low","score":10,"condition":"tx.amount / count('debtor.in', '24h') > 1"}})");
  ASSERT_EQ(undecidable.status, 200) << undecidable.body;
  auto undecided = boost::json::parse(undecidable.body).as_object();
  EXPECT_EQ(undecided.at("alerts_total"), 0);
  EXPECT_EQ(undecided.at("undecided"), (boost::json::array{boost::json::object{{"reason", "division by zero"}, {"transactions", 6}}}));
  // A divisor that is always zero does not compile.
  auto constant = call(server, key, "POST", "/api/v1/rules/fan-in:backtest",
                       R"({"from":"2026-10-01T00:00:00Z","to":"2026-10-31T00:00:00Z","draft":{"name":"x",
    "severity":"low","score":10,"condition":"tx.amount / 0 > 1"}})");
  EXPECT_EQ(constant.status, 400);
  EXPECT_NE(constant.body.find("division by zero"), std::string::npos) << constant.body;

  // Nothing was stored, raised or emitted.
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_alerts"), alerts_before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE topic = 'alerts'"), events_before);

  // Bad drafts and ranges are field errors; unknown rules are 404.
  auto bad = call(server, key, "POST", "/api/v1/rules/fan-in:backtest",
                  R"({"from":"2026-10-01T00:00:00Z","to":"2026-10-31T00:00:00Z","draft":{"name":"x","severity":"low","score":1,"condition":"count('out', '1h') >"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("draft/condition"), std::string::npos) << bad.body;
  auto backwards = call(server, key, "POST", "/api/v1/rules/fan-in:backtest",
                        R"({"from":"2026-10-31T00:00:00Z","to":"2026-10-01T00:00:00Z"})");
  EXPECT_EQ(backwards.status, 400);
  EXPECT_EQ(call(server, key, "POST", "/api/v1/rules/no-such-rule:backtest",
                 R"({"from":"2026-10-01T00:00:00Z","to":"2026-10-31T00:00:00Z"})").status, 404);
}

TEST_P(AlertsApi, TenantRulesRunOnTheStreamWithTheirSubjectAndSuppression) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  std::string key = server.admin_key();
  auto created = call(server, key, "POST", "/api/v1/rules", R"({"name":"Large payment received","severity":"low",
    "score":20,"typology":"large_value","subject":"creditor","suppression":"7d",
    "condition":"tx.amount >= 50000","explanation":"{tx.amount} USD received"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto rule = boost::json::parse(created.body).as_object();
  EXPECT_EQ(rule.at("subject"), "creditor");
  EXPECT_EQ(rule.at("suppression"), "7d");
  std::string id(rule.at("id").as_string());
  auto unusable = call(server, key, "POST", "/api/v1/rules", R"({"name":"x","severity":"extreme","score":1,"subject":"bank",
    "suppression":"forever","condition":"tx.amount > 1"})");
  EXPECT_EQ(unusable.status, 400);
  // Every unusable field is reported, each once.
  for (const char* reason : {"must be low, medium, high or critical", "must be debtor or creditor",
                             "must be a duration from 1m to 90d"}) {
    auto at = unusable.body.find(reason);
    EXPECT_NE(at, std::string::npos) << reason << " in " << unusable.body;
    EXPECT_EQ(unusable.body.find(reason, at + 1), std::string::npos) << reason << " twice in " << unusable.body;
  }

  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions:batch",
                 "[" + ach("L1", "2026-11-01T10:00:00Z", "PAYER", "PAYEE", "60000.00") + "," +
                     ach("L2", "2026-11-03T10:00:00Z", "OTHER", "PAYEE", "70000.00") + "]")
                .status,
            200);
  wait_evaluated(server, 2);
  auto items = alerts(server, key, "?rule_id=" + id);
  ASSERT_EQ(items.size(), 1u);  // the second joined within 7 days
  EXPECT_EQ(items[0].at("subject").at("id"), "PAYEE");
  EXPECT_EQ(items[0].at("typology"), "large_value");
  EXPECT_EQ(items[0].at("hits"), 2);
  EXPECT_EQ(items[0].at("explanation"), "60000 USD received");
}

TEST_P(AlertsApi, ThePacksRulesAreTheTenantsToReadAndDisable) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  std::string key = server.admin_key();
  // Listed first, in the pack's order, as shipped (version 1, no times),
  // across pages.
  auto first = boost::json::parse(call(server, key, "GET", "/api/v1/rules?limit=10").body).as_object();
  const auto& page = first.at("items").as_array();
  ASSERT_EQ(page.size(), 10u);
  EXPECT_EQ(page[0].at("id"), "large-cash-single");
  EXPECT_EQ(page[0].at("source"), "default-pack");
  EXPECT_EQ(page[0].at("author"), "default-pack");
  EXPECT_EQ(page[0].at("version"), 1);
  EXPECT_TRUE(page[0].at("created_at").is_null());
  auto second = boost::json::parse(
                    call(server, key, "GET", "/api/v1/rules?limit=10&cursor=" + std::string(first.at("next_cursor").as_string())).body)
                    .as_object();
  EXPECT_EQ(second.at("items").as_array().size(), 5u);
  EXPECT_TRUE(second.at("next_cursor").is_null());

  auto cash = [](const std::string& id, const std::string& account) {
    return R"({"id":")" + id + R"(","occurred_at":"2026-11-02T10:00:00Z","amount":"15000.00","currency":"USD",)"
           R"("type":"cash_deposit","debtor":{"account_id":")" + account + R"("},"creditor":{"account_id":"BANK"}})";
  };
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions", cash("c1", "A")).status, 201);
  wait_evaluated(server, 1);
  ASSERT_EQ(alerts(server, key, "?rule_id=large-cash-single").size(), 1u);

  // The institution files its cash reports elsewhere: it disables the rule.
  auto rule = call(server, key, "GET", "/api/v1/rules/large-cash-single");
  ASSERT_EQ(rule.status, 200);
  EXPECT_EQ(rule.header("etag"), "\"1\"");
  auto body = boost::json::parse(rule.body).as_object();
  body["enabled"] = false;
  for (const char* field : {"id", "version", "author", "source", "pack_changed", "created_at", "updated_at"}) {
    body.erase(field);
  }
  auto disabled = server.client().request(
      "PUT", "/api/v1/rules/large-cash-single",
      {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}, {"If-Match", "\"1\""}},
      boost::json::serialize(body));
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  auto changed = boost::json::parse(disabled.body).as_object();
  EXPECT_EQ(changed.at("version"), 2);
  EXPECT_EQ(changed.at("enabled"), false);
  EXPECT_EQ(changed.at("source"), "default-pack");
  EXPECT_EQ(changed.at("pack_changed"), false);  // replaces the pack's rule as it is
  auto versions = boost::json::parse(call(server, key, "GET", "/api/v1/rules/large-cash-single/versions").body);
  ASSERT_EQ(versions.at("items").as_array().size(), 2u);
  EXPECT_EQ(versions.at("items").at(0).at("author"), "default-pack");
  EXPECT_TRUE(std::string(versions.at("items").at(1).at("author").as_string()).starts_with("api-key:"));
  // Listed once, in its place, as the tenant now runs it.
  auto listed = boost::json::parse(call(server, key, "GET", "/api/v1/rules?limit=100").body);
  ASSERT_EQ(listed.at("items").as_array().size(), 15u);
  EXPECT_EQ(listed.at("items").at(0).at("version"), 2);
  // A later release changes the pack's rule (simulated: the rule the tenant
  // replaced, kept as its version 1, no longer reads as the pack's does):
  // the tenant's version says so, rather than quietly shadowing it.
  server.runtime().db().write([](soci::session& sql) {
    sql << "UPDATE monitoring_rule_versions SET condition = 'tx.amount >= 20000' WHERE rule_id = 'large-cash-single'"
           " AND version = 1";
  });
  auto flagged = boost::json::parse(call(server, key, "GET", "/api/v1/rules/large-cash-single").body);
  EXPECT_EQ(flagged.at("pack_changed"), true);
  EXPECT_EQ(flagged.at("enabled"), false);  // still the tenant's choice
  auto relisted = boost::json::parse(call(server, key, "GET", "/api/v1/rules?limit=1").body);
  EXPECT_EQ(relisted.at("items").at(0).at("pack_changed"), true);

  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions", cash("c2", "B")).status, 201);
  wait_evaluated(server, 2);
  EXPECT_EQ(alerts(server, key, "?rule_id=large-cash-single").size(), 1u);  // none for B

  // Another tenant still runs the pack's rule, and raises its alert.
  auto other = server.create_tenant_key("other-bank");
  auto theirs = boost::json::parse(call(server, other, "GET", "/api/v1/rules/large-cash-single").body);
  EXPECT_EQ(theirs.at("version"), 1);
  EXPECT_EQ(theirs.at("enabled"), true);
  ASSERT_EQ(call(server, other, "POST", "/api/v1/transactions", cash("c3", "C")).status, 201);
  wait_evaluated(server, 3);
  EXPECT_EQ(alerts(server, other, "?rule_id=large-cash-single").size(), 1u);
  EXPECT_EQ(call(server, key, "GET", "/api/v1/rules/no-such-rule").status, 404);
}

// Analysts editing one rule at the same moment from the same version: one
// update wins, every other gets 412 and re-reads, as with one editor after
// another. On PostgreSQL all but one failed with 500 on the version's key.
TEST_P(AlertsApi, ConcurrentUpdatesOfOneRuleFromOneVersionLeaveOneWinner) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  std::string key = server.admin_key();
  auto body = boost::json::parse(call(server, key, "GET", "/api/v1/rules/round-amounts").body).as_object();
  for (const char* field : {"id", "version", "author", "source", "pack_changed", "created_at", "updated_at"}) {
    body.erase(field);
  }
  // A pack rule (no row of the tenant's yet), then the tenant's own row.
  for (int from = 1; from <= 2; ++from) {
    constexpr int kEditors = 6;
    std::vector<HttpResponse> responses(kEditors);
    std::vector<std::thread> editors;
    for (int i = 0; i < kEditors; ++i) {
      auto edited = body;
      edited["score"] = 10 * from + i;
      editors.emplace_back([&, i, text = boost::json::serialize(edited)] {
        responses[i] = server.client().request(
            "PUT", "/api/v1/rules/round-amounts",
            {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"},
             {"If-Match", "\"" + std::to_string(from) + "\""}},
            text);
      });
    }
    for (auto& t : editors) t.join();
    int won = 0, refused = 0;
    for (const auto& response : responses) {
      if (response.status == 200) ++won;
      else if (response.status == 412) ++refused;
      else ADD_FAILURE() << response.status << " " << response.body;
    }
    EXPECT_EQ(won, 1);
    EXPECT_EQ(refused, kEditors - 1);
    auto versions = boost::json::parse(call(server, key, "GET", "/api/v1/rules/round-amounts/versions").body);
    EXPECT_EQ(versions.at("items").as_array().size(), static_cast<size_t>(from + 1));
  }
}

// A tenant whose evaluations the store refuses (here a trigger; in life a
// value one store cannot hold, a constraint, a full partition) must not stop
// the others' monitoring: commits hold several tenants' evaluations, and
// before, every batch holding that tenant's failed and took the others'
// with it. Once the store takes them again, the tenant catches up.
TEST_P(AlertsApi, ATenantWhoseEvaluationsTheStoreRefusesDoesNotStopTheOthers) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  const std::string key = server.admin_key(), other_key = server.create_tenant_key("refused-bank");
  std::string ours, refused;
  server.runtime().db().read([&](soci::session& sql) {
    sql << "SELECT id FROM tenants WHERE name = 'default'", soci::into(ours);
    sql << "SELECT id FROM tenants WHERE name = 'refused-bank'", soci::into(refused);
  });
  server.runtime().db().write([&](soci::session& sql) {
    if (GetParam() == "sqlite") {
      sql << "CREATE TRIGGER refuse BEFORE INSERT ON monitoring_evaluations WHEN NEW.tenant_id = '" + refused +
                 "' BEGIN SELECT RAISE(ABORT, 'refused'); END";
    } else {
      sql << "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.tenant_id = '" + refused +
                 "' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql";
      sql << "CREATE TRIGGER refuse BEFORE INSERT ON monitoring_evaluations FOR EACH ROW EXECUTE FUNCTION refuse()";
    }
  });
  auto evaluated = [&](const std::string& tenant) {
    long long n = 0;
    server.runtime().db().read([&](soci::session& sql) {
      sql << "SELECT COUNT(*) FROM monitoring_evaluations WHERE tenant_id = :t", soci::use(tenant), soci::into(n);
    });
    return n;
  };
  auto wait_for = [&](const std::string& tenant, long long n) {
    // A bound against a hang only (60 s); nothing here is timed.
    for (int i = 0; i < 6000 && evaluated(tenant) < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return evaluated(tenant);
  };
  auto batch = [](const std::string& prefix, int from, int count) {
    std::string items = "[";
    for (int i = from; i < from + count; ++i) {
      char at[32];  // one every 30 s from 1 November
      const int seconds = (i % 2880) * 30;
      std::snprintf(at, sizeof at, "2026-11-%02dT%02d:%02d:%02dZ", 1 + i / 2880, seconds / 3600, seconds / 60 % 60,
                    seconds % 60);
      items += (i > from ? "," : "") + ach(prefix + std::to_string(i), at, prefix + "-S" + std::to_string(i), prefix + "-R");
    }
    return items + "]";
  };
  auto rebuilds = [&] { return metric(server, "hafnium_monitoring_state_rebuilds_total"); };
  auto behind = [&] { return metric(server, "hafnium_monitoring_tenants_behind"); };
  // Both tenants' payments at once, in small batches, so that the
  // detector's commits hold both; the refused tenant's go on after ours
  // end, so that our last evaluations are committed beside theirs too.
  int sent = 0;
  const auto refusing_since = std::chrono::steady_clock::now();
  {
    std::atomic<bool> ours_sent{false};
    std::thread theirs([&] {
      // A batch every 50 ms for about 3 s: a rebuild at each would be
      // dozens of them.
      for (int after_ours = 0; after_ours < 20 && sent < 60; ++sent) {
        if (ours_sent) ++after_ours;
        EXPECT_EQ(call(server, other_key, "POST", "/api/v1/transactions:batch", batch("r", sent * 5, 5)).status, 200);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    for (int b = 0; b < 10; ++b) {
      EXPECT_EQ(call(server, key, "POST", "/api/v1/transactions:batch", batch("o", b * 20, 20)).status, 200);
    }
    ours_sent = true;
    theirs.join();
  }
  EXPECT_EQ(wait_for(ours, 200), 200);
  EXPECT_EQ(evaluated(refused), 0);
  // The one tenant whose monitoring is behind, for an operator's alert.
  EXPECT_EQ(behind(), 1);
  // Each rebuild of the refused tenant reads its history and evaluates
  // all its unevaluated payments again, to fail again: they are spaced
  // 1, 2, 4... s apart (RepairSchedule), not one per payment. Rebuilds
  // due by now: at 0, 1, 3, 7, 15... s after the first failure.
  const double refusing_for =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - refusing_since).count();
  const long long due = 1 + static_cast<long long>(std::log2(refusing_for + 1));
  EXPECT_GE(rebuilds(), 1);
  EXPECT_LE(rebuilds(), due + 1) << sent << " batches in " << refusing_for << " s";
  server.runtime().db().write([&](soci::session& sql) { sql << "DROP TRIGGER refuse" + std::string(GetParam() == "sqlite" ? "" : " ON monitoring_evaluations"); });
  // No further payment is needed: the tenant's next rebuild comes when its
  // wait ends, and evaluates what never committed.
  EXPECT_EQ(wait_for(refused, sent * 5), sent * 5);
  ASSERT_EQ(call(server, other_key, "POST", "/api/v1/transactions:batch", batch("r", sent * 5, 1)).status, 200);
  EXPECT_EQ(wait_for(refused, sent * 5 + 1), sent * 5 + 1);
  EXPECT_EQ(evaluated(ours), 200);
  for (int i = 0; i < 6000 && behind() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(behind(), 0);
}

// A rebuild that fails halfway (here its first read, the tenant's rules;
// in production the store going away) has already emptied the tenant's
// engine. It stays broken and is rebuilt again once it can be: before,
// it was taken as rebuilt, and every later payment was evaluated against
// empty windows, while the payment whose commit had failed stayed
// unevaluated until a restart.
TEST_P(AlertsApi, ARebuildThatFailsHalfwayIsTriedAgainNotTakenForTheState) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  InProcessServer server(options(&store, GetParam()));
  const std::string key = server.admin_key();
  auto cash = [](const std::string& id, const std::string& at) {
    return R"({"id":")" + id + R"(","occurred_at":")" + at +
           R"(","amount":"8500.00","currency":"USD","type":"cash_deposit","debtor":{"account_id":"S1"},)"
           R"("creditor":{"account_id":"BRANCH"}})";
  };
  // Two cash deposits just under the reporting threshold: a third within
  // 7 days is structuring, which only a state holding these two sees.
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions", cash("c1", "2026-11-02T09:00:00Z")).status, 201);
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions", cash("c2", "2026-11-02T10:00:00Z")).status, 201);
  wait_evaluated(server, 2);
  const bool sqlite = GetParam() == "sqlite";
  server.runtime().db().write([&](soci::session& sql) {
    if (sqlite) {
      sql << "CREATE TRIGGER refuse BEFORE INSERT ON monitoring_evaluations BEGIN SELECT RAISE(ABORT, 'refused'); END";
    } else {
      sql << "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql";
      sql << "CREATE TRIGGER refuse BEFORE INSERT ON monitoring_evaluations FOR EACH ROW EXECUTE FUNCTION refuse()";
    }
    sql << "ALTER TABLE monitoring_rules RENAME TO monitoring_rules_away";
  });
  // Its evaluation does not commit; the rebuild that follows fails on the
  // rules it reads first.
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions",
                 ach("x1", "2026-11-02T11:00:00Z", "OTHER", "PAYEE", "120.00")).status, 201);
  for (int i = 0; i < 6000 && metric(server, "hafnium_monitoring_commit_failures_total") < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(metric(server, "hafnium_monitoring_commit_failures_total"), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the repair thread's first attempt, at once
  EXPECT_EQ(metric(server, "hafnium_monitoring_state_rebuilds_total"), 0);
  server.runtime().db().write([&](soci::session& sql) {
    sql << "ALTER TABLE monitoring_rules_away RENAME TO monitoring_rules";
    sql << (sqlite ? "DROP TRIGGER refuse" : "DROP TRIGGER refuse ON monitoring_evaluations");
  });
  // The next attempt rebuilds it, and evaluates the payment that did not
  // commit, with no further payment needed.
  wait_evaluated(server, 3);
  EXPECT_GE(metric(server, "hafnium_monitoring_state_rebuilds_total"), 1);
  ASSERT_EQ(call(server, key, "POST", "/api/v1/transactions", cash("c3", "2026-11-02T12:00:00Z")).status, 201);
  wait_evaluated(server, 4);
  bool structuring = false;
  for (const auto& alert : alerts(server, key, "?rule_id=structuring")) {
    structuring = structuring || alert.at("subject").at("id") == "S1";
  }
  EXPECT_TRUE(structuring) << "the third deposit was evaluated against a state without the first two";
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertsApi, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hafnium::testing
