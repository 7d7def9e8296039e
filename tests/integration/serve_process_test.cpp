// `hafnium serve` and the operator CLI as real processes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/test_databases.h"

namespace hafnium::testing {
namespace {

using namespace std::chrono_literals;

class ServeProcess : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HAFNIUM_REQUIRE_BACKEND(GetParam());
    if (GetParam() == "postgresql") {
      store_ = std::make_unique<TempStore>("postgresql");
      store_args_ = {"--db", store_->url()};
    }
    server_ = std::make_unique<ServerProcess>(store_args_);
  }
  void TearDown() override {
    server_.reset();
    store_.reset();
  }
  std::vector<std::string> cli(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(server_->data_dir().string());
    args.insert(args.end(), store_args_.begin(), store_args_.end());
    return args;
  }
  TestHttpClient http() { return TestHttpClient("127.0.0.1", server_->port()); }

  std::unique_ptr<TempStore> store_;
  std::vector<std::string> store_args_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(ServeProcess, FirstStartCreatesDefaultTenantAndPrintsAnAdminKeyOnce) {
  ASSERT_FALSE(server_->admin_key().empty());
  auto res = http().get("/api/v1/whoami", server_->admin_key());
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("tenant").at("name").as_string(), "default");
  EXPECT_EQ(body.at("roles").as_array().at(0).as_string(), "admin");
  EXPECT_EQ(body.at("credential").as_string(), "api_key");
  EXPECT_FALSE(res.header("traceparent").empty());

  // The key is in no log line, and a restart on the same store prints none.
  EXPECT_EQ(server_->logs().find(server_->admin_key()), std::string::npos);
  auto data_dir = server_->data_dir();
  EXPECT_EQ(server_->stop(SIGTERM), 0);
  ServerProcess again(store_args_, {}, data_dir);
  EXPECT_TRUE(again.admin_key().empty());
  EXPECT_EQ(TestHttpClient("127.0.0.1", again.port()).get("/api/v1/whoami", server_->admin_key()).status, 200);
  again.stop(SIGTERM);
}

TEST_P(ServeProcess, AnonymousCallersGet401AndApiKeysWorkAsXApiKeyToo) {
  auto anonymous = http().get("/api/v1/whoami");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("content-type"), "application/problem+json");
  EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer");
  auto wrong = http().get("/api/v1/whoami", "hfk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(wrong.status, 401);
  auto header = http().request("GET", "/api/v1/whoami", {{"X-API-Key", server_->admin_key()}});
  EXPECT_EQ(header.status, 200);
}

TEST_P(ServeProcess, KeyCreatedByTheCliWorksAtOnceAndARevokedOneStopsWithinASecond) {
  auto created = run_hafnium(cli({"keys", "create", "--tenant", "default", "--role", "analyst",
                                  "--name", "from-cli"}));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string key = created.out.substr(0, created.out.find('\n'));
  // stdout holds the key and nothing else.
  EXPECT_EQ(created.out, key + "\n");
  ASSERT_TRUE(std::regex_match(key, std::regex("hfk_[A-Za-z0-9_-]{32}")));
  auto res = http().get("/api/v1/whoami", key);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(boost::json::parse(res.body).at("roles").at(0).as_string(), "analyst");

  auto listed = run_hafnium(cli({"keys", "list"}));
  ASSERT_EQ(listed.exit_code, 0);
  std::smatch id;
  ASSERT_TRUE(std::regex_search(listed.out, id, std::regex(R"(([0-9a-f-]{36})\s+default\s+from-cli)")));
  EXPECT_EQ(listed.out.find(key), std::string::npos);

  auto revoked = run_hafnium(cli({"keys", "revoke", id[1]}));
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(http().get("/api/v1/whoami", key).status, 401);
  EXPECT_NE(run_hafnium(cli({"keys", "revoke", id[1]})).exit_code, 0);
}

TEST_P(ServeProcess, SigtermDrainsAndExitsCleanly) {
  EXPECT_EQ(http().get("/healthz").status, 200);
  EXPECT_EQ(server_->stop(SIGTERM), 0);
}

TEST_P(ServeProcess, AuditVerifyPassesOnAnHonestChain) {
  auto verify = run_hafnium(cli({"audit", "verify"}));
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("audit chain intact"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeProcess, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// /readyz's status once it is 200, or after `tries` tenths of a second.
int wait_ready(TestHttpClient& client, int tries) {
  int status = 0;
  for (int i = 0; i < tries && (status = client.get("/readyz").status) != 200; ++i) std::this_thread::sleep_for(100ms);
  return status;
}

// The shared lists hold each bundled source, each loaded once (version 1).
void expect_each_bundled_list_once(TestHttpClient& client, const std::string& key) {
  auto lists = client.get("/api/v1/screening/lists", key);
  ASSERT_EQ(lists.status, 200) << lists.body;
  std::vector<std::string> sources;
  const auto page = boost::json::parse(lists.body);
  for (const auto& item : page.at("items").as_array()) {
    EXPECT_EQ(item.at("version"), 1) << lists.body;
    sources.emplace_back(item.at("source").as_string());
  }
  EXPECT_EQ(sources, (std::vector<std::string>{"eu", "ofac-sdn", "ofac-xml", "uk", "un"}));
}

// Two replicas started together on one empty PostgreSQL store (a
// Kubernetes deployment's first rollout): both start, the store gets one
// default tenant with one admin key (printed by one of them) and each
// bundled list once. Before, the second to arrive failed on a catalog race
// in CREATE TABLE IF NOT EXISTS, on the default tenant's name, or on the
// first version of a bundled list, and exited or never became ready.
TEST(ServeProcesses, TwoStartingTogetherOnOneEmptyPostgresStoreShareItsFirstStart) {
  HAFNIUM_REQUIRE_BACKEND(std::string("postgresql"));
  TempStore store("postgresql");
  std::unique_ptr<ServerProcess> servers[2];
  std::string failures[2];
  {
    std::vector<std::thread> starting;
    for (int i = 0; i < 2; ++i) {
      starting.emplace_back([&, i] {
        try {
          servers[i] = std::make_unique<ServerProcess>(std::vector<std::string>{"--db", store.url()},
                                                       std::vector<std::string>{"HAFNIUM_BUNDLED_LISTS=true"});
        } catch (const std::exception& error) {
          failures[i] = error.what();
        }
      });
    }
    for (auto& t : starting) t.join();
  }
  ASSERT_TRUE(servers[0] && servers[1]) << failures[0] << failures[1];
  EXPECT_NE(servers[0]->admin_key().empty(), servers[1]->admin_key().empty());
  const std::string key = servers[0]->admin_key().empty() ? servers[1]->admin_key() : servers[0]->admin_key();
  for (auto& server : servers) {
    TestHttpClient client("127.0.0.1", server->port());
    ASSERT_EQ(wait_ready(client, 1200), 200) << server->logs();
    expect_each_bundled_list_once(client, key);
    EXPECT_EQ(client.get("/api/v1/whoami", key).status, 200);
  }
  // One tenant in the store (a header line, then one row), the default one.
  auto tenants = run_hafnium({"tenants", "list", "--db", store.url(), "--data-dir", servers[0]->data_dir().string()});
  ASSERT_EQ(tenants.exit_code, 0) << tenants.err;
  EXPECT_EQ(std::count(tenants.out.begin(), tenants.out.end(), '\n'), 2) << tenants.out;
  EXPECT_NE(tenants.out.find(" default "), std::string::npos) << tenants.out;
}

// A bundled list that cannot be loaded at first start (here a truncated UN
// file; in production more often a store that is not reachable yet) keeps
// screening unready, never "clear" against missing lists, and is tried
// again every 2 s: once the file is whole, the lists load without a
// restart, those loaded before the failure are not loaded twice, and the
// failure was logged once, not at every attempt.
TEST(ServeProcesses, ABundledListThatFailsToLoadIsRetriedUntilItLoads) {
  namespace fs = std::filesystem;
  const fs::path bundled = fs::path(HAFNIUM_SOURCE_DIR) / "data" / "lists";
  const fs::path lists = make_temp_dir("lists");
  for (const auto& entry : fs::directory_iterator(bundled)) {
    if (entry.path().filename() != "un_2026-02-27") fs::create_directory_symlink(entry.path(), lists / entry.path().filename());
  }
  const fs::path un_file = lists / "un_2026-02-27" / "UN_consolidated.xml";
  fs::create_directory(un_file.parent_path());
  fs::copy_file(bundled / "un_2026-02-27" / "UN_consolidated.xml", un_file);
  const auto whole_size = fs::file_size(un_file);
  fs::resize_file(un_file, whole_size / 2);

  ServerProcess server({}, {"HAFNIUM_BUNDLED_LISTS=true", "HAFNIUM_LISTS_DIR=" + lists.string()});
  TestHttpClient client("127.0.0.1", server.port());
  const std::string party = R"({"name":"Vladimir Vladimirovich Putin","type":"person"})";
  auto failure_lines = [&] {
    auto logs = server.logs();
    size_t lines = 0;
    for (size_t at = 0; (at = logs.find("UN_consolidated.xml", at)) != std::string::npos; ++at) ++lines;
    return lines;
  };
  for (int i = 0; i < 300 && failure_lines() == 0; ++i) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(failure_lines(), 1u) << server.logs();
  // Three more attempts fail the same way.
  std::this_thread::sleep_for(6500ms);
  EXPECT_EQ(failure_lines(), 1u) << server.logs();
  EXPECT_EQ(client.get("/readyz").status, 503);
  auto refused = client.post_json("/api/v1/screening/checks", party, server.admin_key());
  EXPECT_EQ(refused.status, 503) << refused.body;

  fs::remove(un_file);
  fs::copy_file(bundled / "un_2026-02-27" / "UN_consolidated.xml", un_file);
  ASSERT_EQ(wait_ready(client, 300), 200) << server.logs();
  expect_each_bundled_list_once(client, server.admin_key());
  auto check = client.post_json("/api/v1/screening/checks", party, server.admin_key());
  ASSERT_EQ(check.status, 201) << check.body;
  EXPECT_EQ(boost::json::parse(check.body).at("status"), "potential_match");
  EXPECT_EQ(failure_lines(), 1u) << server.logs();
  server.stop(SIGTERM);
  fs::remove_all(lists);
}

TEST(Cli, EverySubcommandHasHelp) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--help"}, {"serve", "--help"}, {"migrate", "--help"},
        {"keys", "create", "--help"}, {"keys", "list", "--help"}, {"keys", "revoke", "--help"},
        {"tenants", "create", "--help"}, {"tenants", "list", "--help"}, {"config", "print", "--help"},
        {"audit", "verify", "--help"}, {"events", "replay-dlq", "--help"}, {"events", "dlq", "--help"},
        {"version", "--help"}, {"screen", "--help"}, {"lists", "import", "--help"}, {"lists", "list", "--help"},
        {"transactions", "import", "--help"}}) {
    auto result = run_hafnium(args);
    EXPECT_EQ(result.exit_code, 0) << args[0];
    EXPECT_NE(result.out.find("Usage"), std::string::npos) << args[0];
  }
  auto version = run_hafnium({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(std::regex_match(version.out, std::regex("hafnium \\d+\\.\\d+\\.\\d+\n")));
}

TEST(Cli, MigrateReportsWhatItAppliedThenNothing) {
  auto dir = make_temp_dir("migrate");
  auto first = run_hafnium({"migrate", "--data-dir", dir.string()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  for (const char* target : {"platform", "facade", "identity", "screening", "monitoring", "cases",
                             "vault", "risk", "signals"}) {
    EXPECT_NE(first.out.find(std::string("applied ") + target + " 1"), std::string::npos) << target;
  }
  auto second = run_hafnium({"migrate", "--data-dir", dir.string()});
  EXPECT_NE(second.out.find("up to date"), std::string::npos) << second.out;
  std::filesystem::remove_all(dir);
}

TEST(Cli, TenantsCreateAndList) {
  auto dir = make_temp_dir("tenants");
  auto created = run_hafnium({"tenants", "create", "acme-bank", "--data-dir", dir.string()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("acme-bank"), std::string::npos);
  EXPECT_NE(run_hafnium({"tenants", "create", "acme-bank", "--data-dir", dir.string()}).exit_code, 0);
  auto bad = run_hafnium({"tenants", "create", "Bad Name", "--data-dir", dir.string()});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("tenant name"), std::string::npos);
  auto listed = run_hafnium({"tenants", "list", "--data-dir", dir.string()});
  EXPECT_NE(listed.out.find("acme-bank"), std::string::npos);
  auto key = run_hafnium({"keys", "create", "--tenant", "acme-bank", "--role", "no-such-role",
                          "--data-dir", dir.string()});
  EXPECT_NE(key.exit_code, 0);
  EXPECT_TRUE(key.out.empty());
  std::filesystem::remove_all(dir);
}

TEST(Cli, ConfigPrintRedactsSecrets) {
  auto result = run_hafnium({"config", "print", "--db", "postgresql://app:hunter2@db.internal/hafnium"},
                            {"HAFNIUM_LISTEN=0.0.0.0:9000"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find("hunter2"), std::string::npos);
  EXPECT_NE(result.out.find("postgresql://app:***@db.internal/hafnium"), std::string::npos);
  EXPECT_NE(result.out.find("listen: 0.0.0.0:9000"), std::string::npos);
  auto bad = run_hafnium({"config", "print"}, {"HAFNIUM_LOG_LEVEL=loud"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("logging.level"), std::string::npos);
}

TEST(Serve, RefusesAPortAnotherServerListensOn) {
  ServerProcess first;
  // Its listeners share their port with each other (SO_REUSEPORT): a
  // second server on the same port used to start as well and take part of
  // the connections, with its own store and keys.
  try {
    ServerProcess second({"--listen", "127.0.0.1:" + std::to_string(first.port())});
    FAIL() << "a second server started on port " << first.port();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("is in use by another process"), std::string::npos) << error.what();
  }
  TestHttpClient http("127.0.0.1", first.port());
  EXPECT_EQ(http.get("/healthz").status, 200);
}

TEST(Serve, StartsASubsetOfTargets) {
  ServerProcess server({"--targets", "screening,cases"});
  TestHttpClient http("127.0.0.1", server.port());
  EXPECT_EQ(http.get("/healthz").status, 200);
  // Ready once the screening target has its (empty) index in memory,
  // which it loads in the background after the port opens.
  auto ready = http.get("/readyz");
  for (int i = 0; i < 250 && ready.status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ready = http.get("/readyz");
  }
  EXPECT_EQ(ready.status, 200) << ready.body;
  auto checks = boost::json::parse(ready.body).at("checks").as_object();
  EXPECT_TRUE(checks.contains("migrations:screening"));
  EXPECT_TRUE(checks.contains("migrations:cases"));
  EXPECT_FALSE(checks.contains("migrations:facade"));
  // whoami belongs to the facade, which does not run here; audit to cases, which does.
  EXPECT_EQ(http.get("/api/v1/whoami", server.admin_key()).status, 404);
  EXPECT_EQ(http.get("/api/v1/audit", server.admin_key()).status, 200);
  auto unknown = run_hafnium({"serve", "--targets", "screening,nope", "--listen", "127.0.0.1:0",
                              "--data-dir", server.data_dir().string()});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("unknown target 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace hafnium::testing
