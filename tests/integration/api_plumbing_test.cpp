// The API plumbing every target reuses, exercised over real HTTP: the
// transactional outbox and consumers, idempotency keys, rate limits, cursor
// pagination, ETag/If-Match, the audit trail, trace propagation, graceful
// drain, and target clients.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include <boost/json.hpp>
#include <future>
#include <regex>
#include <thread>

#include "platform/audit/audit_log.h"
#include "platform/events/consumer.h"
#include "platform/events/dead_letters.h"
#include "platform/events/outbox.h"
#include "platform/util/uuid.h"
#include "platform/http/json_body.h"
#include "platform/clients/call_context.h"
#include "services/cases/audit_client.h"
#include "platform/util/crypto.h"
#include "support/metrics_text.h"
#include "support/runtime_fixture.h"
#include "support/server_process.h"

namespace hafnium::testing {
namespace {

using namespace std::chrono_literals;

// A module of the kind later issues add: a table, a POST that changes it and
// emits an event in one transaction, and a consumer of that event.
class ThingsModule : public runtime::Module {
 public:
  std::string name() const override { return "things"; }
  std::vector<store::Migration> migrations() const override {
    std::string things = "CREATE TABLE things (tenant_id TEXT NOT NULL, id TEXT NOT NULL, label TEXT NOT NULL,"
                         " PRIMARY KEY (tenant_id, id))";
    std::string seen = "CREATE TABLE things_seen (tenant_id TEXT NOT NULL, event_id TEXT NOT NULL)";
    return {{1, "things", {things, seen}, {things, seen}}};
  }
  void register_routes(http::Router& router, runtime::Runtime& runtime) override {
    router.add({.method = http::Method::kPost,
                .pattern = "/api/v1/things",
                .action = "things.create",
                .handler = [&runtime](const http::Request& request, http::RequestContext& context) {
                  auto body = http::parse_json_object(request);
                  http::ObjectReader reader(body);
                  std::string label = reader.required_string("label", 100);
                  reader.finish();
                  std::string id = util::uuid_v7();
                  runtime.db().write([&](soci::session& sql) {
                    sql << "INSERT INTO things (tenant_id, id, label) VALUES (:t, :id, :l)",
                        soci::use(context.principal.tenant_id), soci::use(id), soci::use(label);
                    events::Outbox::enqueue(sql, "things",
                                            events::make_envelope("thing.created", context.principal.tenant_id,
                                                                  id, boost::json::object{{"id", id}},
                                                                  context.trace_id));
                    audit::AuditLog::append(sql, runtime.db().dialect(),
                                            {context.principal.tenant_id, context.principal.subject,
                                             "things.create", "thing/" + id, "success", "", context.trace_id});
                  });
                  runtime.events_committed();
                  auto response = http::Response::json(201, boost::json::object{{"id", id}, {"label", label}});
                  response.set_header("Location", "/api/v1/things/" + id);
                  return response;
                }});
    router.add({.method = http::Method::kGet,
                .pattern = "/api/v1/things:slow",
                .action = "things.read",
                .handler = [](const http::Request&, http::RequestContext&) {
                  std::this_thread::sleep_for(600ms);
                  return http::Response::json(200, boost::json::object{{"slow", true}});
                }});
  }
  void register_consumers(events::EventBus& bus, runtime::Runtime& runtime) override {
    bus.subscribe("things-audit", {"things"},
                  events::idempotent_consumer(runtime.db_ptr(), "things-audit",
                                              [](soci::session& sql, const events::Envelope& e) {
                                                sql << "INSERT INTO things_seen (tenant_id, event_id) VALUES (:t, :e)",
                                                    soci::use(e.tenant_id), soci::use(e.id);
                                              }));
  }
};

class ApiPlumbing : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HAFNIUM_REQUIRE_BACKEND(GetParam());
    start({});
  }
  void start(std::function<void(config::Config&)> configure) {
    server_.reset();
    InProcessServer::Options options;
    options.backend = GetParam();
    options.extra_modules.push_back(std::make_unique<ThingsModule>());
    options.configure = std::move(configure);
    server_ = std::make_unique<InProcessServer>(std::move(options));
  }
  long long count(const std::string& table) {
    long long c = 0;
    server_->runtime().db().read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM " + table, soci::into(c); });
    return c;
  }
  HttpResponse post_thing(const std::string& label, const std::string& idempotency_key = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
    return server_->client().post_json("/api/v1/things", R"({"label":")" + label + R"("})",
                                       server_->admin_key(), headers);
  }
  std::string create_key(const std::string& name) {
    auto res = server_->client().post_json("/api/v1/tenants/default/api-keys",
                                           R"({"name":")" + name + R"(","roles":["readonly"]})",
                                           server_->admin_key());
    EXPECT_EQ(res.status, 201) << res.body;
    return std::string(boost::json::parse(res.body).at("id").as_string());
  }

  std::unique_ptr<InProcessServer> server_;
};

TEST_P(ApiPlumbing, StateChangeAndEventCommitTogetherAndConsumersSeeEachOnce) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(post_thing("t" + std::to_string(i)).status, 201);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (count("things_seen") < 5 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(count("things"), 5);
  EXPECT_EQ(count("things_seen"), 5);
  EXPECT_EQ(count("processed_events"), 5);
  // SQLite's write-ahead log as the commits left it, for the operator.
  auto metrics = server_->client().get("/metrics").body;
  bool sqlite = server_->runtime().db().dialect() == store::Dialect::kSqlite;
  const std::string wal_pages = metric_sample(metrics, "hafnium_store_wal_pages");
  EXPECT_EQ(!wal_pages.empty(), sqlite) << metrics;
  EXPECT_NE(wal_pages, "0") << metrics;
  EXPECT_EQ(!metric_sample(metrics, "hafnium_store_checkpoints_total").empty(), sqlite) << metrics;
  // Five things and their events written: the one writer was held.
  const std::string held = metric_sample(metrics, "hafnium_store_write_lock_held_seconds_total");
  EXPECT_EQ(!held.empty(), sqlite) << metrics;
  if (sqlite) {
    EXPECT_GT(std::stod(held), 0.0) << metrics;
  }
  EXPECT_EQ(!metric_sample(metrics, "hafnium_store_write_lock_wait_seconds_total").empty(), sqlite) << metrics;
  // ...and each acknowledged write was synced, by its own sync or one it shared.
  const std::string syncs = metric_sample(metrics, "hafnium_store_log_syncs_total");
  EXPECT_EQ(!syncs.empty(), sqlite) << metrics;
  if (sqlite) {
    EXPECT_GE(std::stod(syncs), 1.0) << metrics;
  }
}

TEST_P(ApiPlumbing, IdempotencyKeyReplaysTheFirstResponseAndRefusesAnotherBody) {
  auto first = post_thing("a", "order-1");
  ASSERT_EQ(first.status, 201);
  auto again = post_thing("a", "order-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(count("things"), 1);
  auto other = post_thing("b", "order-1");
  EXPECT_EQ(other.status, 422);
  EXPECT_NE(other.body.find("idempotency-key-reused"), std::string::npos);
  EXPECT_EQ(count("things"), 1);
  // A validation failure is the answer for that key too.
  EXPECT_EQ(post_thing("", "order-2").status, 400);
  EXPECT_EQ(post_thing("", "order-2").status, 400);
  // Without a key, two posts are two things.
  post_thing("c");
  post_thing("c");
  EXPECT_EQ(count("things"), 3);
}

TEST_P(ApiPlumbing, RateLimitsAnswer429WithRetryAfter) {
  start([](config::Config& c) { c.rate_limit_per_key = {1, 3}; });
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 6; ++i) {
    auto res = server_->client().get("/api/v1/whoami", server_->admin_key());
    if (res.status == 429) {
      ++limited;
      retry_after = res.header("retry-after");
      EXPECT_NE(res.body.find("urn:hafnium:problem:rate-limited"), std::string::npos);
    }
  }
  EXPECT_GE(limited, 2);
  EXPECT_EQ(retry_after, "1");
}

// SQLite only: a page limit makes the store full on demand (PostgreSQL's
// disk_full maps to the same answer).
class ApiPlumbingSqlite : public ApiPlumbing {};
INSTANTIATE_TEST_SUITE_P(Sqlite, ApiPlumbingSqlite, ::testing::Values("sqlite"),
                         [](const auto& info) { return info.param; });

TEST_P(ApiPlumbingSqlite, AFullStoreAnswers503AndKeepsNothingThenRecovers) {
  ASSERT_EQ(post_thing("before").status, 201);
  // Every write runs on the store's one writer connection (Database::write):
  // the page limit, which is per connection, is set on it, at the
  // database's size.
  auto limit_pages = [&](bool full) {
    server_->runtime().db().write([&](soci::session& sql) {
      long long pages = 0;
      sql << "PRAGMA page_count", soci::into(pages);
      sql << "PRAGMA max_page_count = " + std::to_string(full ? pages : 1'000'000'000LL);
    });
  };
  const long long things = count("things");
  limit_pages(true);
  std::string big(90, 'x');
  HttpResponse full;
  for (int i = 0; i < 200 && full.status != 503; ++i) full = post_thing(big);
  EXPECT_EQ(full.status, 503) << full.body;
  EXPECT_NE(full.body.find("urn:hafnium:problem:store-full"), std::string::npos) << full.body;
  EXPECT_EQ(full.header("retry-after"), "30");
  const long long kept = count("things");
  // Space again: writes go on, and the refused one was not kept.
  limit_pages(false);
  EXPECT_EQ(post_thing("after").status, 201);
  EXPECT_EQ(count("things"), kept + 1);
  EXPECT_GE(kept, things);
}

// A write-ahead log that cannot be synced (its name taken away here; a
// failing disk in production): the write that asked is not acknowledged,
// the server says it is not ready, and /metrics shows why, until restart.
TEST_P(ApiPlumbingSqlite, ALogThatCannotBeSyncedAnswers503AndMakesTheServerUnready) {
  // The outbox cannot be delivered once no write is acknowledged: the stop
  // at the end waits half a second for it, not the default.
  start([](config::Config& config) { config.drain_timeout_ms = 500; });
  ASSERT_EQ(post_thing("before").status, 201);
  EXPECT_EQ(metric_sample(server_->client().get("/metrics").body, "hafnium_store_log_sync_failed"), "0");
  const std::filesystem::path log = store::parse_store_url(server_->store().url()).sqlite_path + "-wal";
  const std::filesystem::path moved = log.string() + ".moved";
  std::filesystem::rename(log, moved);
  auto refused = post_thing("during");
  std::filesystem::rename(moved, log);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("urn:hafnium:problem:unavailable"), std::string::npos) << refused.body;
  // Even with the log back under its name: what reached the disk is not
  // known until a restart reads it back.
  EXPECT_EQ(post_thing("after").status, 503);
  auto ready = server_->client().get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("write-ahead log could not be synced"), std::string::npos) << ready.body;
  EXPECT_EQ(metric_sample(server_->client().get("/metrics").body, "hafnium_store_log_sync_failed"), "1");
}

// PostgreSQL only: a database server that goes away and comes back.
class ApiPlumbingPostgres : public ApiPlumbing {};
INSTANTIATE_TEST_SUITE_P(Postgres, ApiPlumbingPostgres, ::testing::Values("postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(ApiPlumbingPostgres, AStoreOutageAnswers503AndTheServerRejoinsTheStoreAfterwards) {
  ASSERT_EQ(post_thing("before").status, 201);
  // The database goes away and refuses connections for a while.
  server_->store().end_connections(true);
  auto down = post_thing("during");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.header("retry-after"), "2");
  EXPECT_NE(down.body.find("urn:hafnium:problem:unavailable"), std::string::npos) << down.body;
  EXPECT_EQ(server_->client().get("/readyz").status, 503);
  auto metrics = server_->client().get("/metrics").body;
  EXPECT_NE(metrics.find("\nhafnium_store_up 0\n"), std::string::npos) << metrics;
  // Back: the server reconnects without a restart.
  server_->store().accept_connections();
  EXPECT_EQ(post_thing("after").status, 201);
  EXPECT_EQ(server_->client().get("/readyz").status, 200);
  metrics = server_->client().get("/metrics").body;
  EXPECT_NE(metrics.find("\nhafnium_store_up 1\n"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("\nhafnium_store_reconnections_total 0\n"), std::string::npos) << metrics;
  EXPECT_EQ(count("things"), 2);
}

TEST_P(ApiPlumbing, CursorPaginationWalksEveryItemOnce) {
  std::set<std::string> created = {create_key("k1"), create_key("k2"), create_key("k3"), create_key("k4")};
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    std::string target = "/api/v1/tenants/default/api-keys?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto res = server_->client().get(target, server_->admin_key());
    ASSERT_EQ(res.status, 200) << res.body;
    auto body = boost::json::parse(res.body).as_object();
    EXPECT_LE(body.at("items").as_array().size(), 2u);
    for (const auto& item : body.at("items").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(item.at("id").as_string())).second);
      EXPECT_FALSE(item.as_object().contains("key"));  // secrets are never listed
    }
    cursor = body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 5u);  // four new keys and the bootstrap key
  for (const auto& id : created) EXPECT_TRUE(seen.contains(id));
  EXPECT_EQ(server_->client().get("/api/v1/tenants/default/api-keys?cursor=zzz", server_->admin_key()).status, 400);
  EXPECT_EQ(server_->client().get("/api/v1/tenants/default/api-keys?limit=0", server_->admin_key()).status, 400);
  // A forged cursor (base64url of our prefix and any bytes) holding what
  // no position holds: PostgreSQL refused the bytes as a bound parameter
  // and the list answered 500.
  for (const std::string& position : {std::string("c1:\xff\xfe"), std::string("c1:a\0b", 6)}) {
    auto forged = server_->client().get("/api/v1/tenants/default/api-keys?cursor=" + util::base64url_encode(position),
                                        server_->admin_key());
    EXPECT_EQ(forged.status, 400) << forged.body;
    EXPECT_NE(forged.body.find("\"field\":\"cursor\""), std::string::npos) << forged.body;
  }
}

TEST_P(ApiPlumbing, UpdatesNeedTheCurrentETag) {
  std::string id = create_key("renamable");
  std::string path = "/api/v1/tenants/default/api-keys/" + id;
  auto client = server_->client();
  auto auth = std::make_pair(std::string("Authorization"), "Bearer " + server_->admin_key());
  auto json = std::make_pair(std::string("Content-Type"), std::string("application/json"));
  auto got = client.request("GET", path, {auth});
  ASSERT_EQ(got.status, 200);
  std::string etag = got.header("etag");
  EXPECT_EQ(etag, "\"1\"");
  EXPECT_EQ(client.request("PATCH", path, {auth, json}, R"({"name":"new"})").status, 428);
  EXPECT_EQ(client.request("PATCH", path, {auth, json, {"If-Match", "\"7\""}}, R"({"name":"new"})").status, 412);
  auto ok = client.request("PATCH", path, {auth, json, {"If-Match", etag}}, R"({"name":"new"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("etag"), "\"2\"");
  EXPECT_EQ(boost::json::parse(ok.body).at("name").as_string(), "new");
  // The old ETag is now stale.
  EXPECT_EQ(client.request("PATCH", path, {auth, json, {"If-Match", etag}}, R"({"name":"newer"})").status, 412);
  EXPECT_EQ(client.request("DELETE", path, {auth}).status, 204);
  EXPECT_EQ(client.request("DELETE", path, {auth}).status, 404);
}

TEST_P(ApiPlumbing, ChangesAreAuditedWithTheCallersTrace) {
  std::string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  auto res = server_->client().request(
      "POST", "/api/v1/things",
      {{"Authorization", "Bearer " + server_->admin_key()}, {"Content-Type", "application/json"},
       {"traceparent", traceparent}},
      R"({"label":"traced"})");
  ASSERT_EQ(res.status, 201);
  EXPECT_EQ(res.header("traceparent").substr(0, 36), "00-0af7651916cd43dd8448eb211c80319c-");
  auto audit = server_->client().get("/api/v1/audit?action=things.create", server_->admin_key());
  ASSERT_EQ(audit.status, 200) << audit.body;
  auto items = boost::json::parse(audit.body).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("trace_id").as_string(), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(items[0].at("outcome").as_string(), "success");
  EXPECT_TRUE(std::string(items[0].at("actor").as_string()).starts_with("api-key:"));
  EXPECT_EQ(server_->client().get("/api/v1/audit?from=yesterday", server_->admin_key()).status, 400);
}

TEST_P(ApiPlumbing, InProcessAndHttpClientsOfATargetAgree) {
  create_key("audited");
  auto& registry = server_->runtime().clients();
  auto local = registry.get<services::cases::AuditTrailClient>("cases");
  auto remote = services::cases::make_http_audit_client(
      std::make_shared<clients::HttpClient>("http://127.0.0.1:" + std::to_string(server_->port())));
  std::string tenant = boost::json::value_to<std::string>(
      boost::json::parse(server_->client().get("/api/v1/whoami", server_->admin_key()).body).at("tenant").at("id"));
  services::cases::AuditFilter filter;
  filter.limit = 100;
  clients::CallContext context{"Bearer " + server_->admin_key(), ""};
  auto a = local->list(tenant, filter, context);
  auto b = remote->list(tenant, filter, context);
  ASSERT_EQ(a.items.size(), b.items.size());
  ASSERT_FALSE(a.items.empty());
  for (size_t i = 0; i < a.items.size(); ++i) EXPECT_EQ(a.items[i].hash, b.items[i].hash);
  // The remote side enforces the caller's authorization.
  clients::CallContext anonymous;
  EXPECT_THROW(remote->list(tenant, filter, anonymous), std::runtime_error);
}

TEST_P(ApiPlumbing, GracefulStopLetsInFlightRequestsFinish) {
  auto client = server_->client();
  auto slow = std::async(std::launch::async, [&] { return client.get("/api/v1/things:slow", server_->admin_key()); });
  std::this_thread::sleep_for(150ms);
  auto stopping = std::async(std::launch::async, [&] { server_->runtime().stop(); });
  auto res = slow.get();
  stopping.get();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("connection"), "close");
  // After the stop nothing listens.
  EXPECT_THROW(client.get("/healthz"), std::exception);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiPlumbing, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(AuditVerifyCli, NamesTheFirstTamperedRecordAndExitsNonZero) {
  auto dir = make_temp_dir("audit");
  std::string db = "sqlite://" + (dir / "h.db").string();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(run_hafnium({"tenants", "create", "t" + std::to_string(i), "--db", db}).exit_code, 0);
  }
  ASSERT_EQ(run_hafnium({"keys", "create", "--tenant", "t1", "--role", "admin", "--db", db}).exit_code, 0);
  auto ok = run_hafnium({"audit", "verify", "--db", db});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  {
    auto store = store::Database::open(db, 1);
    store->write([](soci::session& sql) {
      sql << "DROP TRIGGER audit_log_no_update";
      sql << "UPDATE audit_log SET actor = 'cli:someone-else' WHERE seq = 2";
    });
  }
  auto broken = run_hafnium({"audit", "verify", "--db", db});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("record seq 2"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("altered"), std::string::npos) << broken.out;
  std::filesystem::remove_all(dir);
}

TEST(EventsCli, ReplayDlqPutsDeadLettersBackInTheOutbox) {
  auto dir = make_temp_dir("dlq");
  std::string db = "sqlite://" + (dir / "h.db").string();
  ASSERT_EQ(run_hafnium({"migrate", "--db", db}).exit_code, 0);
  {
    auto store = store::Database::open(db, 1);
    events::DeadLetterStore letters(store);
    auto envelope = events::make_envelope("thing.created", "t1", "k1", boost::json::object{});
    letters.dead_letter("g1", {"things", "k1", {}, boost::json::serialize(envelope.to_json()), 7},
                        "boom", 5);
  }
  auto listed = run_hafnium({"events", "dlq", "--db", db});
  EXPECT_NE(listed.out.find("things.dlq"), std::string::npos) << listed.out;
  auto replayed = run_hafnium({"events", "replay-dlq", "--topic", "things", "--db", db});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_NE(replayed.out.find("replayed 1 dead-lettered message"), std::string::npos);
  auto store = store::Database::open(db, 1);
  long long outbox = 0;
  store->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL", soci::into(outbox); });
  EXPECT_EQ(outbox, 1);
  EXPECT_NE(run_hafnium({"events", "replay-dlq", "--db", db}).out.find("replayed 0"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hafnium::testing
