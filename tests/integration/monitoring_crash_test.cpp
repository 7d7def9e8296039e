// Killing `hafnium serve` in the middle of a stream of batches: after a
// restart every acknowledged transaction is stored once and evaluated
// once, and the detector's state picks up where the store says it was.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "platform/store/database.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/test_databases.h"

namespace hafnium::testing {
namespace {

using namespace std::chrono_literals;

class MonitoringCrash : public ::testing::TestWithParam<std::string> {};

std::string batch_of(int batch, int size) {
  std::string body;
  for (int i = 0; i < size; ++i) {
    int n = batch * size + i;
    body += R"({"id":"k)" + std::to_string(n) + R"(","occurred_at":"2026-11-01T10:)" +
            (i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + R"(:00Z","amount":")" + std::to_string(100 + n % 900) +
            R"(.00","currency":"USD","type":"ach","debtor":{"account_id":"D)" + std::to_string(n % 37) +
            R"("},"creditor":{"account_id":"C)" + std::to_string(n % 53) + R"("}})" + "\n";
  }
  return body;
}

TEST_P(MonitoringCrash, KillMidStreamLosesNothingAcknowledgedAndCountsNothingTwice) {
  HAFNIUM_REQUIRE_BACKEND(GetParam());
  std::unique_ptr<TempStore> store;
  std::vector<std::string> args;
  if (GetParam() == "postgresql") {
    store = std::make_unique<TempStore>("postgresql");
    args = {"--db", store->url()};
  }
  std::vector<std::string> env = {"HAFNIUM_BUNDLED_LISTS=false"};
  // The test owns the data directory: both processes use it.
  const auto dir = make_temp_dir("crash");
  auto server = std::make_unique<ServerProcess>(args, env, dir);
  const std::string key = server->admin_key();
  const std::string url = store ? store->url() : "sqlite://" + (dir / "hafnium.db").string();

  constexpr int kBatch = 200;
  std::mutex mutex;
  std::set<int> acknowledged;  // batches answered 200
  std::atomic<bool> stop{false};
  std::thread client([&] {
    TestHttpClient http("127.0.0.1", server->port());
    for (int b = 0; b < 400 && !stop; ++b) {
      try {
        auto res = http.request("POST", "/api/v1/transactions:batch",
                                {{"Authorization", "Bearer " + key}, {"Content-Type", "application/x-ndjson"}},
                                batch_of(b, kBatch));
        if (res.status == 200) {
          std::lock_guard lock(mutex);
          acknowledged.insert(b);
        }
      } catch (const std::exception&) {
        return;  // the server is gone
      }
    }
  });
  // Let some batches through, then kill the process without warning.
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= 10) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  server->stop(SIGKILL);
  stop = true;
  client.join();
  ASSERT_GE(acknowledged.size(), 10u);

  server.reset();
  server = std::make_unique<ServerProcess>(args, env, dir);
  auto db = store::Database::open(url, 1);
  long long stored = 0, evaluated = 0;
  for (int i = 0; i < 1000; ++i) {
    db->read([&](soci::session& sql) {
      sql << "SELECT COUNT(*) FROM monitoring_transactions", soci::into(stored);
      sql << "SELECT COUNT(*) FROM monitoring_evaluations", soci::into(evaluated);
    });
    if (evaluated == stored) break;
    std::this_thread::sleep_for(10ms);
  }
  // Every acknowledged transaction is there; each stored one is evaluated
  // exactly once (the evaluation record's key makes twice impossible).
  EXPECT_GE(stored, static_cast<long long>(acknowledged.size()) * kBatch);
  EXPECT_EQ(evaluated, stored);
  for (int b : acknowledged) {
    long long present = 0;
    std::string first = "k" + std::to_string(b * kBatch), last = "k" + std::to_string(b * kBatch + kBatch - 1);
    db->read([&](soci::session& sql) {
      sql << "SELECT COUNT(*) FROM monitoring_transactions WHERE id IN (:a, :b)", soci::use(first), soci::use(last),
          soci::into(present);
    });
    EXPECT_EQ(present, 2) << "batch " << b;
  }
  // Alerts raised before and after the crash are distinct (one per key).
  long long alerts = 0, distinct_keys = 0;
  db->read([&](soci::session& sql) {
    sql << "SELECT COUNT(*) FROM monitoring_alerts", soci::into(alerts);
    sql << "SELECT COUNT(*) FROM (SELECT DISTINCT tenant_id, id FROM monitoring_alerts) x", soci::into(distinct_keys);
  });
  EXPECT_EQ(alerts, distinct_keys);
  // And the stream goes on: a new batch is evaluated.
  TestHttpClient http("127.0.0.1", server->port());
  auto more = http.request("POST", "/api/v1/transactions:batch",
                           {{"Authorization", "Bearer " + key}, {"Content-Type", "application/x-ndjson"}},
                           batch_of(1000, 5));
  EXPECT_EQ(more.status, 200);
  for (int i = 0; i < 500 && evaluated != stored + 5; ++i) {
    db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM monitoring_evaluations", soci::into(evaluated); });
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(evaluated, stored + 5);
  server->stop();
  server.reset();
  db.reset();
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitoringCrash, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hafnium::testing
