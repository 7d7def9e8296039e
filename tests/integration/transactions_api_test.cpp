// Transaction ingestion over real HTTP, on both stores: acknowledged means
// committed, resends change nothing, batches answer per item.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support/metrics_text.h"
#include "support/runtime_fixture.h"
#include "support/server_process.h"

namespace hafnium::testing {
namespace {

std::string tx(const std::string& id, const std::string& amount = "125.00", const std::string& debtor = "A1") {
  return R"({"id":")" + id + R"(","occurred_at":"2026-11-01T10:00:00+01:00","amount":")" + amount +
         R"(","currency":"EUR","type":"transfer","debtor":{"account_id":")" + debtor +
         R"(","name":"Jane Doe","country":"DE"},"creditor":{"account_id":"B7"}})";
}

class TransactionsApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HAFNIUM_REQUIRE_BACKEND(GetParam());
    InProcessServer::Options options;
    options.backend = GetParam();
    options.targets = {"facade", "monitoring"};
    server_ = std::make_unique<InProcessServer>(std::move(options));
  }
  long long count(const std::string& sql_text) {
    long long c = 0;
    server_->runtime().db().read([&](soci::session& sql) { sql << sql_text, soci::into(c); });
    return c;
  }
  HttpResponse post(const std::string& path, const std::string& body, const std::string& type = "application/json") {
    return server_->client().request("POST", path, {{"Authorization", "Bearer " + server_->admin_key()}, {"Content-Type", type}}, body);
  }
  std::unique_ptr<InProcessServer> server_;
};

TEST_P(TransactionsApi, StoresOnceAndResendsReturnTheFirstResult) {
  auto first = post("/api/v1/transactions", tx("t-1"));
  ASSERT_EQ(first.status, 201) << first.body;
  auto doc = boost::json::parse(first.body);
  EXPECT_EQ(doc.at("amount").as_string(), "125.00");
  EXPECT_EQ(doc.at("occurred_at").as_string(), "2026-11-01T09:00:00.000000Z");
  auto again = post("/api/v1/transactions", tx("t-1"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(post("/api/v1/transactions", tx("t-1", "999.00")).status, 409);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'transaction.ingested'"), 1);
  std::string payload;
  server_->runtime().db().read([&](soci::session& sql) {
    sql << "SELECT payload FROM outbox WHERE event_type = 'transaction.ingested'", soci::into(payload);
  });
  EXPECT_EQ(payload.find("Jane Doe"), std::string::npos);  // events carry no names
  // Keyed by tenant: the detector needs the tenant's payments in order.
  auto whoami = boost::json::parse(server_->client().get("/api/v1/whoami", server_->admin_key()).body);
  EXPECT_EQ(boost::json::parse(payload).at("key").as_string(), whoami.at("tenant").at("id").as_string());
}

TEST_P(TransactionsApi, TheLocationOfAStoredTransactionLeadsToIt) {
  // An institution's reference with a slash, as many cores write them.
  auto created = post("/api/v1/transactions", tx("2026/11/000123?x"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string location = created.header("location");
  EXPECT_EQ(location, "/api/v1/transactions/2026%2F11%2F000123%3Fx");
  auto read = server_->client().get(location, server_->admin_key());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(boost::json::parse(read.body), boost::json::parse(created.body));
  EXPECT_EQ(server_->client().get("/api/v1/transactions/nope", server_->admin_key()).status, 404);
  // Another tenant's transaction is not found, not forbidden.
  auto other = server_->create_tenant_key("other-bank");
  EXPECT_EQ(server_->client().get(location, other).status, 404);
}

TEST_P(TransactionsApi, BadTransactionsAreRefusedAndChangeNothing) {
  auto expect_400 = [&](const std::string& body, const std::string& field) {
    auto res = post("/api/v1/transactions", body);
    EXPECT_EQ(res.status, 400) << body;
    EXPECT_NE(res.body.find("\"field\":\"" + field + "\""), std::string::npos) << res.body;
  };
  auto with = [](std::string body, const std::string& from, const std::string& to) {
    body.replace(body.find(from), from.size(), to);
    return body;
  };
  expect_400(with(tx("x"), R"("amount":"125.00")", R"("amount":"-5.00")"), "amount");
  expect_400(with(tx("x"), R"("amount":"125.00")", R"("amount":"0")"), "amount");
  expect_400(with(tx("x"), R"("amount":"125.00")", R"("amount":"1e3")"), "amount");
  expect_400(with(tx("x"), R"("amount":"125.00")", R"("amount":"NaN")"), "amount");
  expect_400(with(tx("x"), R"("amount":"125.00")", R"("amount":125.0)"), "amount");
  expect_400(with(tx("x"), R"("amount":"125.00")", R"("amount":"1.001")"), "amount");
  expect_400(with(tx("x"), R"("currency":"EUR")", R"("currency":"EUX")"), "currency");
  expect_400(with(tx("x"), R"("2026-11-01T10:00:00+01:00")", R"("2099-01-01T00:00:00Z")"), "occurred_at");
  expect_400(with(tx("x"), R"("creditor":{"account_id":"B7"})", R"("creditor":{})"), "creditor/account_id");
  // A number beyond a double (infinity once parsed) in the metadata was
  // stored as "Infinity", which no later read could parse.
  expect_400(with(tx("x"), R"("creditor":{"account_id":"B7"})", R"("creditor":{"account_id":"B7"},"metadata":{"fee":1e999})"),
             "metadata/fee");
  EXPECT_EQ(post("/api/v1/transactions", "{\"id\": ").status, 400);
  EXPECT_EQ(post("/api/v1/transactions", tx("x"), "text/plain").status, 415);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);
}

TEST_P(TransactionsApi, BatchesAnswerPerItemInJsonAndNdjson) {
  std::string batch = "[" + tx("b-1") + "," + tx("b-2", "-1") + "," + tx("b-1") + "," + tx("b-3") + "]";
  auto res = post("/api/v1/transactions:batch", batch);
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = boost::json::parse(res.body);
  EXPECT_EQ(body.at("created").as_int64(), 2);
  EXPECT_EQ(body.at("rejected").as_int64(), 2);
  const auto& results = body.at("results").as_array();
  EXPECT_EQ(results[0].at("status").as_string(), "created");
  EXPECT_EQ(results[1].at("status").as_string(), "rejected");
  EXPECT_EQ(results[1].at("errors").at(0).at("field").as_string(), "amount");
  EXPECT_EQ(results[2].at("status").as_string(), "rejected");  // duplicate id inside the batch
  EXPECT_NE(results[2].at("errors").at(0).at("reason").as_string().find("earlier in this batch"), std::string::npos);
  EXPECT_EQ(results[3].at("status").as_string(), "created");

  std::string ndjson = tx("b-3") + "\n" + tx("n-1") + "\n{broken\n\n" + tx("n-2") + "\n";
  auto nd = post("/api/v1/transactions:batch", ndjson, "application/x-ndjson");
  ASSERT_EQ(nd.status, 200) << nd.body;
  auto nd_body = boost::json::parse(nd.body);
  EXPECT_EQ(nd_body.at("duplicates").as_int64(), 1);
  EXPECT_EQ(nd_body.at("created").as_int64(), 2);
  EXPECT_EQ(nd_body.at("rejected").as_int64(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'transaction.ingested'"), 4);

  std::string big = "[";
  for (int i = 0; i < 10001; ++i) big += (i ? "," : "") + tx("big-" + std::to_string(i));
  big += "]";
  auto too_many = post("/api/v1/transactions:batch", big);
  EXPECT_EQ(too_many.status, 400);
  EXPECT_NE(too_many.body.find("at most 10000"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions"), 4);
}

TEST_P(TransactionsApi, AResentBatchAnswersEachItemWithItsFirstResultAndCreatesOnlyTheNewOnes) {
  // 1,200 items (the stored ones are looked up 500 at a time): the first
  // 1,000 sent before, every tenth of those with a changed amount, and 200
  // new ones (which another tenant sent with the same ids).
  auto batch_of = [&](int from, int to, bool changed) {
    std::string body = "[";
    for (int i = from; i < to; ++i) {
      body += (i > from ? "," : "") + tx("r-" + std::to_string(i), changed && i < 1000 && i % 10 == 0 ? "999.00" : "125.00");
    }
    return body + "]";
  };
  auto first = post("/api/v1/transactions:batch", batch_of(0, 1000, false));
  ASSERT_EQ(first.status, 200) << first.body.substr(0, 300);
  EXPECT_EQ(boost::json::parse(first.body).at("created").as_int64(), 1000);
  // Another tenant's transactions with the same ids are not this tenant's.
  auto other = server_->create_tenant_key("other-bank");
  auto theirs = server_->client().request("POST", "/api/v1/transactions:batch",
                                          {{"Authorization", "Bearer " + other}, {"Content-Type", "application/json"}},
                                          batch_of(1000, 1200, false));
  ASSERT_EQ(theirs.status, 200) << theirs.body.substr(0, 300);

  auto again = post("/api/v1/transactions:batch", batch_of(0, 1200, true));
  ASSERT_EQ(again.status, 200) << again.body.substr(0, 300);
  auto body = boost::json::parse(again.body);
  EXPECT_EQ(body.at("created").as_int64(), 200);
  EXPECT_EQ(body.at("duplicates").as_int64(), 900);
  EXPECT_EQ(body.at("rejected").as_int64(), 100);
  const auto& results = body.at("results").as_array();
  ASSERT_EQ(results.size(), 1200u);
  for (size_t i = 0; i < 1200; ++i) {
    const auto status = results[i].at("status").as_string();
    if (i >= 1000) {
      EXPECT_EQ(status, "created") << i;
    } else if (i % 10 == 0) {
      EXPECT_EQ(status, "rejected") << i;  // the same id with other content: a conflict
      EXPECT_EQ(results[i].at("errors").at(0).at("reason").as_string(), "already used for a different transaction");
    } else {
      EXPECT_EQ(status, "duplicate") << i;
    }
  }
  auto whoami = boost::json::parse(server_->client().get("/api/v1/whoami", server_->admin_key()).body);
  const std::string tenant(whoami.at("tenant").at("id").as_string());
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions WHERE tenant_id = '" + tenant + "'"), 1200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions WHERE amount_minor = 99900"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'transaction.ingested'"), 1400);

  // New ones first, then 600 stored ones: found by their INSERTs, which
  // conflict, and looked up together afterwards.
  std::string mixed = batch_of(1200, 1220, false);
  mixed.pop_back();
  mixed += "," + batch_of(0, 600, true).substr(1);
  auto third = post("/api/v1/transactions:batch", mixed);
  ASSERT_EQ(third.status, 200) << third.body.substr(0, 300);
  auto third_body = boost::json::parse(third.body);
  EXPECT_EQ(third_body.at("created").as_int64(), 20);
  EXPECT_EQ(third_body.at("duplicates").as_int64(), 540);
  EXPECT_EQ(third_body.at("rejected").as_int64(), 60);
  const auto& third_results = third_body.at("results").as_array();
  ASSERT_EQ(third_results.size(), 620u);
  for (size_t k = 0; k < 620; ++k) {
    const size_t i = k < 20 ? 1200 + k : k - 20;
    const auto status = third_results[k].at("status").as_string();
    EXPECT_EQ(third_results[k].at("id").as_string(), "r-" + std::to_string(i)) << k;
    EXPECT_EQ(status, i >= 1000 ? "created" : i % 10 == 0 ? "rejected" : "duplicate") << k;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions WHERE tenant_id = '" + tenant + "'"), 1220);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'transaction.ingested'"), 1420);
}

INSTANTIATE_TEST_SUITE_P(Backends, TransactionsApi, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// While the detector is behind, ingestion is refused (503, Retry-After)
// and stores nothing; once it has caught up, the same request is taken.
TEST(IngestionBackpressure, TransactionsWaitingForEvaluationHoldNewOnesBack) {
  InProcessServer::Options options;
  options.targets = {"facade", "monitoring"};
  options.configure = [](config::Config& config) {
    config.monitoring_max_evaluation_delay_ms = 200;
    config.monitoring_admission_wait_ms = 0;  // refuse at once (the waiting is EvaluationGate's unit test)
  };
  InProcessServer server(std::move(options));
  auto post = [&](const std::string& path, const std::string& body) {
    return server.client().request(
        "POST", path, {{"Authorization", "Bearer " + server.admin_key()}, {"Content-Type", "application/json"}}, body);
  };
  auto count = [&](const std::string& sql_text) {
    long long c = 0;
    server.runtime().db().read([&](soci::session& sql) { sql << sql_text, soci::into(c); });
    return c;
  };
  auto evaluated = [&] {
    const auto sample = metric_sample(server.client().get("/metrics").body,
                                      "hafnium_monitoring_transactions_evaluated_total");
    return sample.empty() ? 0.0 : std::stod(sample);
  };

  // The relay stopped: three transactions are stored, and their events
  // wait in the outbox past the allowed delay before the detector gets them.
  ASSERT_TRUE(server.runtime().relay().flush_and_stop(std::chrono::seconds(5)));
  auto first = post("/api/v1/transactions:batch", "[" + tx("w-1") + "," + tx("w-2") + "," + tx("w-3") + "]");
  ASSERT_EQ(first.status, 200) << first.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  server.runtime().relay().start();
  server.runtime().relay().wake();
  for (int i = 0; i < 1000 && evaluated() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(evaluated(), 3.0);

  // Evaluated half a second after their commit: over the 200 ms allowed.
  auto refused = post("/api/v1/transactions", tx("w-4"));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  EXPECT_EQ(boost::json::parse(refused.body).at("type").as_string(), "urn:hafnium:problem:evaluation-behind");
  auto refused_batch = post("/api/v1/transactions:batch", "[" + tx("w-5") + "]");
  EXPECT_EQ(refused_batch.status, 503) << refused_batch.body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'transaction.ingested'"), 3);
  EXPECT_EQ(metric_sample(server.client().get("/metrics").body, "hafnium_monitoring_ingestion_refused_total"), "2");

  // Nothing has waited for a second: the detector has caught up.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(post("/api/v1/transactions", tx("w-4")).status, 201);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_transactions"), 4);
}

}  // namespace
}  // namespace hafnium::testing

namespace hafnium::testing {
namespace {

TEST(TransactionsCli, BackfillsCsvAndNdjsonAndReportsRejectedRows) {
  auto dir = make_temp_dir("tx-import");
  std::string db = "sqlite://" + (dir / "h.db").string();
  ASSERT_EQ(run_hafnium({"tenants", "create", "bank", "--db", db}).exit_code, 0);
  std::ofstream(dir / "tx.csv") << "id,occurred_at,amount,currency,type,debtor_account_id,creditor_account_id,debtor_name\n"
                                   "c1,2026-10-01T08:00:00Z,100.00,USD,wire,A1,B1,\"Doe, Jane\"\n"
                                   "c2,2026-10-01T09:00:00Z,-5,USD,wire,A1,B1,\n"
                                   "c3,2026-10-01T10:00:00Z,9000,USD,cash_deposit,A1,A1,\n";
  auto csv = run_hafnium({"transactions", "import", "--tenant", "bank", "--input", (dir / "tx.csv").string(), "--db", db});
  EXPECT_EQ(csv.exit_code, 1);
  EXPECT_NE(csv.out.find("imported 2 transactions (0 already present, 1 rejected)"), std::string::npos) << csv.out;
  EXPECT_NE(csv.err.find("tx.csv:3: amount"), std::string::npos) << csv.err;
  std::ofstream(dir / "tx.ndjson")
      << R"({"id":"c1","occurred_at":"2026-10-01T08:00:00Z","amount":"100.00","currency":"USD","type":"wire","debtor":{"account_id":"A1","name":"Doe, Jane"},"creditor":{"account_id":"B1"}})" "\n"
      << R"({"id":"n1","occurred_at":"2026-10-02T08:00:00Z","amount":"7.5","currency":"USD","type":"card","debtor":{"account_id":"A2"},"creditor":{"account_id":"M1"}})" "\n";
  auto nd = run_hafnium({"transactions", "import", "--tenant", "bank", "--input", (dir / "tx.ndjson").string(), "--db", db});
  EXPECT_EQ(nd.exit_code, 0) << nd.err;
  EXPECT_NE(nd.out.find("imported 1 transactions (1 already present, 0 rejected)"), std::string::npos) << nd.out;
  // A stray byte in a CSV row rejects that row, not the file, and nothing
  // unreadable is stored.
  std::ofstream(dir / "utf8.csv") << "id,occurred_at,amount,currency,type,debtor_account_id,creditor_account_id,debtor_name\n"
                                     "u1,2026-10-03T08:00:00Z,10.00,USD,wire,A1,B1,Jo\xffhn\n"
                                     "u2,2026-10-03T09:00:00Z,10.00,USD,wire,A1,B1,John\n";
  auto utf8 = run_hafnium({"transactions", "import", "--tenant", "bank", "--input", (dir / "utf8.csv").string(), "--db", db});
  EXPECT_EQ(utf8.exit_code, 1);
  EXPECT_NE(utf8.out.find("imported 1 transactions (0 already present, 1 rejected)"), std::string::npos) << utf8.out;
  EXPECT_NE(utf8.err.find("utf8.csv:2: field 8 is not valid UTF-8"), std::string::npos) << utf8.err;
  // Files from spreadsheets and Windows tools begin with a byte order mark.
  std::ofstream(dir / "excel.csv") << "\xEF\xBB\xBFid,occurred_at,amount,currency,type,debtor_account_id,creditor_account_id\r\n"
                                      "e1,2026-10-04T08:00:00Z,10.00,USD,wire,A1,B1\r\n";
  auto excel = run_hafnium({"transactions", "import", "--tenant", "bank", "--input", (dir / "excel.csv").string(), "--db", db});
  EXPECT_EQ(excel.exit_code, 0) << excel.err;
  EXPECT_NE(excel.out.find("imported 1 transactions (0 already present, 0 rejected)"), std::string::npos) << excel.out;
  std::ofstream(dir / "marked.ndjson")
      << "\xEF\xBB\xBF"
      << R"({"id":"e2","occurred_at":"2026-10-04T09:00:00Z","amount":"10.00","currency":"USD","type":"wire","debtor":{"account_id":"A1"},"creditor":{"account_id":"B1"}})" "\r\n";
  auto marked = run_hafnium({"transactions", "import", "--tenant", "bank", "--input", (dir / "marked.ndjson").string(), "--db", db});
  EXPECT_EQ(marked.exit_code, 0) << marked.err;
  EXPECT_NE(marked.out.find("imported 1 transactions (0 already present, 0 rejected)"), std::string::npos) << marked.out;
  auto bad_header = run_hafnium({"transactions", "import", "--tenant", "bank", "--input",
                                 (dir / "tx.csv").string() + ".missing", "--db", db});
  EXPECT_NE(bad_header.exit_code, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hafnium::testing

#include "services/monitoring/detector.h"
#include "services/monitoring/module.h"
#include "platform/util/time.h"
#include "services/monitoring/domain/detection/rule_set.h"

namespace hafnium::testing {
namespace {

namespace det = services::monitoring::detection;
constexpr int64_t kHour = 3600LL * 1'000'000, kDay = 24 * kHour;

services::monitoring::Detector& detector_of(InProcessServer& server) {
  for (const auto& module : server.runtime().modules()) {
    if (auto* m = dynamic_cast<services::monitoring::MonitoringModule*>(module.get())) return m->detector();
  }
  throw std::logic_error("no monitoring module");
}

std::string tx_at(const std::string& id, const std::string& at, const std::string& amount, const std::string& debtor,
                  const std::string& creditor) {
  return R"({"id":")" + id + R"(","occurred_at":")" + at + R"(","amount":")" + amount +
         R"(","currency":"EUR","type":"transfer","debtor":{"account_id":")" + debtor +
         R"("},"creditor":{"account_id":")" + creditor + R"("}})";
}

// The debtor account's aggregates over the windows the default pack keeps
// unfiltered (24 h for velocity and rapid movement, 90 d for history).
std::vector<services::monitoring::WindowStats> windows_of(InProcessServer& server, const std::string& tenant, int64_t at) {
  return detector_of(server).engine().with_tenant(tenant, [&](det::TenantEngine& engine) {
    std::vector<services::monitoring::WindowStats> out;
    for (int64_t window : {kDay, 90 * kDay}) {
      auto stats = engine.aggregate(det::ResolvedFeature::Group::kAccountOut, "ACC-1", window, at);
      if (stats) out.push_back(*stats);
    }
    return out;
  });
}

long long evaluated(InProcessServer& server) {
  long long c = 0;
  server.runtime().db().read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM monitoring_evaluations", soci::into(c); });
  return c;
}

class Features : public ::testing::TestWithParam<std::string> {};

TEST_P(Features, WindowsFollowTheStreamAndSurviveARestart) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  TempStore store(GetParam());
  std::string tenant;
  std::vector<services::monitoring::WindowStats> before;
  int64_t at = *util::parse_rfc3339("2026-11-01T12:00:00Z");
  {
    InProcessServer::Options options;
    options.backend = GetParam();
    options.targets = {"facade", "monitoring"};
    options.existing_store = &store;
    InProcessServer server(std::move(options));
    std::string batch = "[";
    // Out of order on purpose: event time decides the windows, not arrival.
    const char* times[] = {"2026-11-01T11:50:00Z", "2026-11-01T09:00:00Z", "2026-10-29T12:00:00Z",
                           "2026-11-01T11:10:00Z", "2026-09-01T12:00:00Z", "2026-11-01T11:59:00Z"};
    for (int i = 0; i < 6; ++i) {
      batch += (i ? "," : "") + tx_at("f" + std::to_string(i), times[i], std::to_string(100 * (i + 1)) + ".00", "ACC-1",
                                        "CP-" + std::to_string(i % 3));
    }
    batch += "]";
    auto res = server.client().request("POST", "/api/v1/transactions:batch",
                                       {{"Authorization", "Bearer " + server.admin_key()}, {"Content-Type", "application/json"}},
                                       batch);
    ASSERT_EQ(res.status, 200) << res.body;
    tenant = boost::json::value_to<std::string>(
        boost::json::parse(server.client().get("/api/v1/whoami", server.admin_key()).body).at("tenant").at("id"));
    for (int i = 0; i < 500 && evaluated(server) < 6; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    before = windows_of(server, tenant, at);
    ASSERT_EQ(before.size(), 2u);
    // 24 h: 11:50, 09:00, 11:10, 11:59 (100 + 200 + 400 + 600 EUR). 90 d: all six.
    EXPECT_EQ(before[0].count, 4);
    EXPECT_EQ(before[0].sum, 10753 + 21505 + 43011 + 64516);  // 1,300 EUR in USD cents at 0.93 EUR per USD
    EXPECT_EQ(before[1].count, 6);
    EXPECT_EQ(before[1].distinct, 3u);
  }
  // A new process on the same store: the same aggregates.
  InProcessServer::Options options;
  options.backend = GetParam();
  options.targets = {"facade", "monitoring"};
  options.existing_store = &store;
  InProcessServer restarted(std::move(options));
  auto after = windows_of(restarted, tenant, at);
  ASSERT_EQ(after.size(), before.size());
  for (size_t w = 0; w < before.size(); ++w) {
    EXPECT_EQ(after[w].count, before[w].count) << w;
    EXPECT_EQ(after[w].sum, before[w].sum) << w;
    EXPECT_EQ(after[w].min, before[w].min) << w;
    EXPECT_EQ(after[w].max, before[w].max) << w;
    EXPECT_EQ(after[w].distinct, before[w].distinct) << w;
    EXPECT_NEAR(after[w].stddev, before[w].stddev, 1e-9) << w;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Features, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hafnium::testing

namespace hafnium::testing {
namespace {

TEST(RulesApi, CreateCompileVersionAndConcurrencyControl) {
  InProcessServer::Options options;
  options.targets = {"facade", "monitoring"};
  InProcessServer server(std::move(options));
  auto auth = std::make_pair(std::string("Authorization"), "Bearer " + server.admin_key());
  auto json = std::make_pair(std::string("Content-Type"), std::string("application/json"));
  std::string rule = R"({"name":"Structuring","severity":"high","score":70,
    "condition":"tx.type in ['cash_deposit'] and tx.amount >= 9000 and sum('out', '24h') >= 10000",
    "explanation":"Cash just under the reporting threshold"})";
  auto created = server.client().request("POST", "/api/v1/rules", {auth, json}, rule);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("etag"), "\"1\"");
  std::string id(boost::json::parse(created.body).at("id").as_string());

  auto bad = server.client().request("POST", "/api/v1/rules", {auth, json},
                                     R"({"name":"x","severity":"low","score":1,"condition":"tx.amount >= 1 and\nsum('over', '2h') > 0"})");
  ASSERT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("line 2, column 1: sum argument 1 must be one of"), std::string::npos) << bad.body;
  auto bad_window = server.client().request("POST", "/api/v1/rules", {auth, json},
                                            R"({"name":"x","severity":"low","score":1,"condition":"sum('out', '2y') > 0"})");
  ASSERT_EQ(bad_window.status, 400);
  EXPECT_NE(bad_window.body.find("window '2y' is not a duration"), std::string::npos) << bad_window.body;
  auto bad_list = server.client().request("POST", "/api/v1/rules", {auth, json},
                                          R"json({"name":"x","severity":"urgent","score":101,"condition":"debtor.country in list('nope')"})json");
  ASSERT_EQ(bad_list.status, 400);
  for (const char* field : {"\"severity\"", "\"score\"", "\"condition\""}) EXPECT_NE(bad_list.body.find(field), std::string::npos);

  std::string disabled = R"({"name":"Structuring","severity":"high","score":70,"enabled":false,
    "condition":"tx.type in ['cash_deposit'] and tx.amount >= 9000"})";
  EXPECT_EQ(server.client().request("PUT", "/api/v1/rules/" + id, {auth, json}, disabled).status, 428);
  EXPECT_EQ(server.client().request("PUT", "/api/v1/rules/" + id, {auth, json, {"If-Match", "\"9\""}}, disabled).status, 412);
  auto updated = server.client().request("PUT", "/api/v1/rules/" + id, {auth, json, {"If-Match", "\"1\""}}, disabled);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(boost::json::parse(updated.body).at("enabled").as_bool(), false);
  auto versions = boost::json::parse(server.client().get("/api/v1/rules/" + id + "/versions", server.admin_key()).body);
  ASSERT_EQ(versions.at("items").as_array().size(), 2u);
  EXPECT_EQ(versions.at("items").at(0).at("version").as_int64(), 1);
  EXPECT_TRUE(std::string(versions.at("items").at(1).at("author").as_string()).starts_with("api-key:"));
  auto listed = boost::json::parse(server.client().get("/api/v1/rules?limit=100", server.admin_key()).body);
  const auto& items = listed.at("items").as_array();
  ASSERT_EQ(items.size(), services::monitoring::detection::default_pack().size() + 1);  // the pack's, then the tenant's own
  EXPECT_EQ(std::string(items.back().at("id").as_string()), id);
  EXPECT_EQ(items.back().at("source"), "tenant");
  EXPECT_EQ(server.client().get("/api/v1/rules/01890a5d-ac96-774b-bcce-b302099a8057", server.admin_key()).status, 404);
}

}  // namespace
}  // namespace hafnium::testing
