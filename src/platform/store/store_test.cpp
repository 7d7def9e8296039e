#include <gtest/gtest.h>

#include "platform/store/database.h"
#include "platform/store/migrations.h"
#include "platform/store/row.h"
#include "platform/util/error_text.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <sstream>
#include <thread>
#include "support/store_fixture.h"

namespace hafnium::store {
namespace {

using StoreBackend = testing::StoreTest;

TEST_P(StoreBackend, MigrationsApplyOnceAndReportWhatTheyApplied) {
  std::vector<Migration> migrations = {
      {1, "widgets", {"CREATE TABLE widgets (tenant_id TEXT NOT NULL, id TEXT NOT NULL, n BIGINT)"},
       {"CREATE TABLE widgets (tenant_id TEXT NOT NULL, id TEXT NOT NULL, n BIGINT)"}},
      {2, "widget index", {"CREATE INDEX widgets_tenant ON widgets (tenant_id)"},
       {"CREATE INDEX widgets_tenant ON widgets (tenant_id)"}}};
  EXPECT_EQ(pending_migrations(*db_, "widgets", migrations), (std::vector<int>{1, 2}));
  auto applied = apply_migrations(*db_, "widgets", migrations);
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].version, 1);
  EXPECT_EQ(applied[1].name, "widget index");
  EXPECT_TRUE(apply_migrations(*db_, "widgets", migrations).empty());
  EXPECT_TRUE(pending_migrations(*db_, "widgets", migrations).empty());
}

TEST_P(StoreBackend, FailedMigrationLeavesNoTrace) {
  std::vector<Migration> bad = {
      {1, "half", {"CREATE TABLE half (id TEXT)", "THIS IS NOT SQL"}, {"CREATE TABLE half (id TEXT)", "THIS IS NOT SQL"}}};
  EXPECT_THROW(apply_migrations(*db_, "broken", bad), soci::soci_error);
  EXPECT_EQ(pending_migrations(*db_, "broken", bad), (std::vector<int>{1}));
  // The table of the failed migration was rolled back with it.
  int count = -1;
  if (db_->dialect() == Dialect::kSqlite) {
    db_->read([&](soci::session& sql) {
      sql << "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'", soci::into(count);
    });
  } else {
    db_->read([&](soci::session& sql) {
      sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'half'", soci::into(count);
    });
  }
  EXPECT_EQ(count, 0);
}

TEST_P(StoreBackend, WriteCommitsOrRollsBackAsAUnit) {
  db_->write([](soci::session& sql) {
    sql << "CREATE TABLE t (tenant_id TEXT NOT NULL, id TEXT PRIMARY KEY, n BIGINT NOT NULL)";
  });
  db_->write([](soci::session& sql) {
    sql << "INSERT INTO t (tenant_id, id, n) VALUES ('a', '1', 1)";
  });
  EXPECT_THROW(db_->write([](soci::session& sql) {
                 sql << "INSERT INTO t (tenant_id, id, n) VALUES ('a', '2', 2)";
                 sql << "INSERT INTO t (tenant_id, id, n) VALUES ('a', '1', 3)";  // duplicate
               }),
               soci::soci_error);
  long long count = 0;
  db_->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM t", soci::into(count); });
  EXPECT_EQ(count, 1);
  try {
    db_->write([](soci::session& sql) { sql << "INSERT INTO t (tenant_id, id, n) VALUES ('a', '1', 1)"; });
    FAIL();
  } catch (const soci::soci_error& error) {
    EXPECT_TRUE(is_unique_violation(error)) << error.what();
  }
}

// PostgreSQL: whether the transaction's commit waits for the server's
// sync (synchronous_commit on) or not.
std::string postgres_sync(soci::session& sql) {
  std::string setting;
  sql << "SHOW synchronous_commit", soci::into(setting);
  return setting;
}

int sqlite_sync_level(soci::session& sql) {
  int level = -1;
  sql << "PRAGMA synchronous", soci::into(level);
  return level;  // 2 FULL, 1 NORMAL
}

TEST_P(StoreBackend, SyncedWritesReachTheDiskBeforeReturningAndDeferredOnesDoNot) {
  db_->write([](soci::session& sql) { sql << "CREATE TABLE d (id TEXT PRIMARY KEY)"; });
  const bool sqlite = db_->dialect() == Dialect::kSqlite;
  const uint64_t syncs_before = db_->log_syncs();
  std::string inside;
  db_->write([&](soci::session& sql) {
    inside = sqlite ? std::to_string(sqlite_sync_level(sql)) : postgres_sync(sql);
    sql << "INSERT INTO d (id) VALUES ('kept')";
  }, Durability::kDeferred);
  // SQLite: no commit inside write() syncs by itself (group commit syncs
  // after the lock); PostgreSQL: this transaction's commit does not wait.
  EXPECT_EQ(inside, sqlite ? "1" : "off");
  EXPECT_EQ(db_->log_syncs(), syncs_before);
  db_->write([&](soci::session& sql) {
    inside = sqlite ? std::to_string(sqlite_sync_level(sql)) : postgres_sync(sql);
    sql << "INSERT INTO d (id) VALUES ('synced')";
  });
  EXPECT_EQ(inside, sqlite ? "1" : "on");
  // One writer alone: its own sync, nobody else's covered it.
  EXPECT_EQ(db_->log_syncs(), syncs_before + (sqlite ? 1 : 0));
  // A deferred write that fails keeps nothing either.
  EXPECT_THROW(db_->write([&](soci::session& sql) {
                 sql << "INSERT INTO d (id) VALUES ('undone')";
                 sql << "INSERT INTO d (id) VALUES ('kept')";
               }, Durability::kDeferred),
               soci::soci_error);
  // Outside write() (autocommit statements through read()) every session
  // syncs each commit: write() has its own connection, and the pool's keep
  // FULL whatever the writes did. Enough reads to go through every one.
  if (sqlite) {
    for (int i = 0; i < 16; ++i) {
      db_->read([&](soci::session& sql) { EXPECT_EQ(sqlite_sync_level(sql), 2) << "read " << i; });
    }
  }
  std::vector<std::string> ids;
  db_->read([&](soci::session& sql) {
    soci::rowset<std::string> rows = sql.prepare << "SELECT id FROM d ORDER BY id";
    for (const auto& id : rows) ids.push_back(id);
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"kept", "synced"}));
}

// Writers that commit while another's sync runs share the next one: the
// syncs are fewer than the synced commits, and every write still returned
// only after a sync that began after its commit (what group commit means;
// the count shows the sharing happened).
TEST(SqliteGroupCommit, ConcurrentWritersShareSyncs) {
  testing::TempStore temp("sqlite");
  auto db = Database::open(temp.url(), 8);
  db->write([](soci::session& sql) { sql << "CREATE TABLE g (id INTEGER PRIMARY KEY, n INTEGER)"; });
  const uint64_t before = db->log_syncs();
  constexpr int kThreads = 8, kWrites = 50;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        db->write([&](soci::session& sql) {
          int id = t * kWrites + i;
          sql << "INSERT INTO g (id, n) VALUES (:id, :n)", soci::use(id), soci::use(t);
        });
      }
    });
  }
  for (auto& w : writers) w.join();
  const uint64_t syncs = db->log_syncs() - before;
  long long rows = 0;
  db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM g", soci::into(rows); });
  EXPECT_EQ(rows, kThreads * kWrites);
  EXPECT_GE(syncs, 1u);
  EXPECT_LT(syncs, static_cast<uint64_t>(kThreads * kWrites));
}

// A sync of the log that fails leaves the write that asked for it
// unacknowledged, and every later one too, until the process restarts.
// The failure is made real by taking the log file's name away: the sync
// finds no log by that name to sync.
TEST(SqliteLogSync, AFailedSyncRefusesEveryLaterWriteUntilRestart) {
  testing::TempStore temp("sqlite");
  const auto log = std::filesystem::path(parse_store_url(temp.url()).sqlite_path + "-wal");
  const auto moved = std::filesystem::path(log.string() + ".moved");
  {
    auto db = Database::open(temp.url(), 2);
    db->write([](soci::session& sql) { sql << "CREATE TABLE s (id TEXT PRIMARY KEY)"; });
    ASSERT_TRUE(std::filesystem::exists(log));
    EXPECT_FALSE(db->log_sync_failed());
    std::filesystem::rename(log, moved);
    EXPECT_THROW(db->write([](soci::session& sql) { sql << "INSERT INTO s (id) VALUES ('first')"; }), LogSyncFailed);
    EXPECT_TRUE(db->log_sync_failed());
    // The log is back, but nothing tells what reached the disk: still no.
    std::filesystem::rename(moved, log);
    EXPECT_THROW(db->write([](soci::session& sql) { sql << "INSERT INTO s (id) VALUES ('second')"; }), LogSyncFailed);
    EXPECT_TRUE(db->log_sync_failed());
    // Reads go on.
    long long rows = -1;
    db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM s", soci::into(rows); });
    EXPECT_GE(rows, 0);
  }
  // A restart reads back what the disk holds and acknowledges again.
  auto restarted = Database::open(temp.url(), 2);
  EXPECT_FALSE(restarted->log_sync_failed());
  restarted->write([](soci::session& sql) { sql << "INSERT INTO s (id) VALUES ('third')"; });
  long long third = 0;
  restarted->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM s WHERE id = 'third'", soci::into(third); });
  EXPECT_EQ(third, 1);
}

TEST_P(StoreBackend, RowHelpersReadIntegersAndNullsOnBothBackends) {
  db_->write([](soci::session& sql) {
    sql << "CREATE TABLE r (a BIGINT, b INTEGER, c TEXT, d BIGINT)";
    sql << "INSERT INTO r (a, b, c, d) VALUES (9007199254740993, 7, 'x', NULL)";
  });
  db_->read([](soci::session& sql) {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT a, b, c, d, COUNT(*) FROM r GROUP BY a, b, c, d";
    int seen = 0;
    for (const auto& row : rows) {
      EXPECT_EQ(get_int64(row, 0), 9007199254740993LL);
      EXPECT_EQ(get_int64(row, 1), 7);
      EXPECT_EQ(get_string(row, 2), "x");
      EXPECT_FALSE(get_optional_int64(row, 3));
      EXPECT_EQ(get_int64(row, 4), 1);
      ++seen;
    }
    EXPECT_EQ(seen, 1);
  });
}

TEST(StoreUrl, ParsesAndRedacts) {
  auto sqlite = parse_store_url("sqlite:///var/lib/hafnium/h.db");
  EXPECT_EQ(sqlite.dialect, Dialect::kSqlite);
  EXPECT_EQ(sqlite.sqlite_path, "/var/lib/hafnium/h.db");
  auto pg = parse_store_url("postgresql://app:s3cret@db.internal:5432/hafnium?password=other");
  EXPECT_EQ(pg.dialect, Dialect::kPostgres);
  EXPECT_EQ(pg.redacted.find("s3cret"), std::string::npos);
  EXPECT_EQ(pg.redacted.find("other"), std::string::npos);
  EXPECT_NE(pg.redacted.find("db.internal:5432/hafnium"), std::string::npos);
  EXPECT_THROW(parse_store_url("mysql://x"), std::invalid_argument);
  EXPECT_THROW(parse_store_url("sqlite://"), std::invalid_argument);
}

TEST_P(StoreBackend, ErrorTextKeepsTheReasonAndDropsTheValuesBeingWritten) {
  db_->write([](soci::session& sql) {
    sql << "CREATE TABLE people (tenant_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,"
           " PRIMARY KEY (tenant_id, id))";
  });
  auto insert = [&](const std::string& name) {
    db_->write([&](soci::session& sql) {
      const std::string tenant = "t-1", id = "cust-7731";
      sql << "INSERT INTO people (tenant_id, id, name) VALUES (:t, :i, :n)", soci::use(tenant), soci::use(id),
          soci::use(name);
    });
  };
  insert("Maria Garcia Lopez");
  std::string raw, text;
  try {
    insert("Maria Garcia Lopez");
  } catch (const std::exception& error) {
    raw = error.what();
    text = util::error_text(error);
  }
  // The database's own message quotes what was written...
  ASSERT_NE(raw.find("cust-7731"), std::string::npos) << raw;
  // ...the text to log keeps the reason and the statement, not the values.
  EXPECT_EQ(text.find("cust-7731"), std::string::npos) << text;
  EXPECT_EQ(text.find("Maria"), std::string::npos) << text;
  EXPECT_NE(text.find("INSERT INTO people"), std::string::npos) << text;
  EXPECT_TRUE(text.find("UNIQUE") != std::string::npos || text.find("duplicate key") != std::string::npos) << text;
}

HAFNIUM_STORE_TEST_SUITE(StoreBackend);

// PostgreSQL's own behaviour: a fresh database on the test server.
class PostgresStore : public ::testing::Test {
 protected:
  void SetUp() override {
    HAFNIUM_REQUIRE_BACKEND("postgresql");
    temp_ = std::make_unique<testing::TempStore>("postgresql");
    db_ = Database::open(temp_->url(), 4);
  }
  std::unique_ptr<testing::TempStore> temp_;
  std::shared_ptr<Database> db_;
};

TEST_F(PostgresStore, NoticesGoToTheLogNotToStderr) {
  std::ostringstream logged;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(logged));
  spdlog::set_default_logger(capture);
  ::testing::internal::CaptureStderr();
  db_->write([](soci::session& sql) { sql << "DO $$ BEGIN RAISE WARNING 'probe-notice'; END $$"; });
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  spdlog::set_default_logger(previous);
  EXPECT_EQ(stderr_text.find("probe-notice"), std::string::npos) << stderr_text;
  EXPECT_NE(logged.str().find("postgresql: WARNING:  probe-notice"), std::string::npos) << logged.str();
}

TEST_F(PostgresStore, AConnectionLostInTheMiddleOfAWriteIsReportedAsSuchAndKeepsNothing) {
  db_->write([](soci::session& sql) { sql << "CREATE TABLE notes (n BIGINT NOT NULL)"; });
  EXPECT_THROW(db_->write([&](soci::session& sql) {
                 sql << "INSERT INTO notes (n) VALUES (1)";
                 temp_->end_connections();  // the server restarts under the transaction
                 sql << "INSERT INTO notes (n) VALUES (2)";
               }),
               store::ConnectionLost);
  EXPECT_THROW(db_->read([&](soci::session& sql) {
                 temp_->end_connections();
                 int one = 0;
                 sql << "SELECT 1", soci::into(one);
               }),
               store::ConnectionLost);
  // The transaction died with its connection; the next write runs on a
  // reopened one.
  db_->write([](soci::session& sql) { sql << "INSERT INTO notes (n) VALUES (3)"; });
  long long notes = 0, sum = 0;
  db_->read([&](soci::session& sql) { sql << "SELECT COUNT(*), COALESCE(SUM(n), 0) FROM notes", soci::into(notes), soci::into(sum); });
  EXPECT_EQ(notes, 1);
  EXPECT_EQ(sum, 3);
}

TEST_F(PostgresStore, ConnectionsEndedByTheServerAreReopenedBeforeUse) {
  db_->write([](soci::session& sql) { sql << "CREATE TABLE beats (n BIGINT NOT NULL)"; });
  // Four callers at once hold all four pooled sessions.
  auto all_sessions_read = [&] {
    std::atomic<int> failed{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < 4; ++i) {
      callers.emplace_back([&] {
        try {
          db_->read([](soci::session& sql) {
            int one = 0;
            sql << "SELECT 1", soci::into(one);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          });
        } catch (const std::exception&) {
          ++failed;
        }
      });
    }
    for (auto& caller : callers) caller.join();
    return failed.load();
  };
  ASSERT_EQ(all_sessions_read(), 0);
  // The server ends them, as a restart or a failover does.
  temp_->end_connections();
  // Every session is reopened when borrowed: no caller sees the loss.
  EXPECT_EQ(all_sessions_read(), 0);
  for (int i = 0; i < 8; ++i) {
    EXPECT_NO_THROW(db_->write([&](soci::session& sql) {
      long long n = i;
      sql << "INSERT INTO beats (n) VALUES (:n)", soci::use(n);
    })) << "write " << i;
    EXPECT_NO_THROW(db_->read([](soci::session& sql) { int one = 0; sql << "SELECT 1", soci::into(one); }))
        << "read " << i;
  }
  long long beats = 0;
  db_->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM beats", soci::into(beats); });
  EXPECT_EQ(beats, 8);
  EXPECT_TRUE(db_->ping());

  // While the server refuses connections, a borrower is told the store is
  // unavailable (nothing was done), and served again once it is back.
  // The outage is logged when it begins and when it ends, not at every
  // attempt (every request and background loop tries).
  std::ostringstream logged;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(logged)));
  temp_->end_connections(true);
  EXPECT_THROW(db_->read([](soci::session& sql) { int one = 0; sql << "SELECT 1", soci::into(one); }),
               store::StoreUnavailable);
  EXPECT_THROW(db_->write([](soci::session& sql) { sql << "INSERT INTO beats (n) VALUES (99)"; }),
               store::StoreUnavailable);
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(db_->ping());
  temp_->accept_connections();
  EXPECT_TRUE(db_->ping());
  spdlog::set_default_logger(previous);
  auto occurrences = [&](const std::string& text) {
    size_t n = 0;
    for (size_t at = logged.str().find(text); at != std::string::npos; at = logged.str().find(text, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(occurrences("store unreachable at"), 1u) << logged.str();
  EXPECT_EQ(occurrences("store reachable again"), 1u) << logged.str();
  EXPECT_EQ(all_sessions_read(), 0);
  db_->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM beats", soci::into(beats); });
  EXPECT_EQ(beats, 8);
}


// The write-ahead log is copied back by the checkpointer's thread, not by
// the commit that fills it, and starts over from its beginning instead of
// growing with everything ever written.
TEST(SqliteCheckpoints, TheLogIsCopiedBackOffTheWritersAndStartsOver) {
  testing::TempStore temp("sqlite");
  constexpr int kThresholdPages = 64;
  auto db = Database::open(temp.url(), 2, kThresholdPages);
  int autocheckpoint = -1;
  db->read([&](soci::session& sql) { sql << "PRAGMA wal_autocheckpoint", soci::into(autocheckpoint); });
  EXPECT_EQ(autocheckpoint, 0) << "commits must not checkpoint themselves";
  db->write([](soci::session& sql) { sql << "CREATE TABLE blobs (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"; });

  // About 4,000 pages of rows in 400 transactions: 60 times the threshold.
  const std::string body(1000, 'x');
  constexpr int kTransactions = 400, kRowsPerTransaction = 40;
  long long id = 0;
  for (int t = 0; t < kTransactions; ++t) {
    db->write([&](soci::session& sql) {
      for (int r = 0; r < kRowsPerTransaction; ++r, ++id) {
        sql << "INSERT INTO blobs (id, body) VALUES (:id, :body)", soci::use(id), soci::use(body);
      }
    });
  }
  for (int i = 0; i < 3000 && db->checkpoints() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(db->checkpoints(), 1u);

  long long rows = 0;
  db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM blobs", soci::into(rows); });
  EXPECT_EQ(rows, kTransactions * kRowsPerTransaction);
  // Without checkpoints the log would hold every page written (16 MB and
  // more); started over, it holds what was written since the last one.
  auto log_bytes = std::filesystem::file_size(temp.dir() / "test.db-wal");
  auto written_bytes = static_cast<uintmax_t>(kTransactions) * kRowsPerTransaction * body.size();
  EXPECT_LT(log_bytes, written_bytes / 4) << "log " << log_bytes << " bytes";
  EXPECT_LT(db->log_pages(), static_cast<int64_t>(written_bytes / 4096 / 4));
}

// The writer's wait and hold times (for the operator's saturation alarm)
// count every write, commit included, and a write queued behind another
// counts the time it queued.
TEST(SqliteWriterMutex, WaitAndHoldTimesAddUpWhatTheWritersDid) {
  testing::TempStore temp("sqlite");
  auto db = Database::open(temp.url(), 2);
  EXPECT_EQ(db->writer_wait_seconds(), 0.0);
  EXPECT_EQ(db->writer_held_seconds(), 0.0);
  db->write([](soci::session& sql) { sql << "CREATE TABLE ticks (n BIGINT NOT NULL)"; });
  const double held_after_one = db->writer_held_seconds();
  EXPECT_GT(held_after_one, 0.0);

  constexpr auto kHold = std::chrono::milliseconds(200);
  std::promise<void> holding;
  std::thread first([&] {
    db->write([&](soci::session& sql) {
      sql << "INSERT INTO ticks (n) VALUES (1)";
      holding.set_value();
      std::this_thread::sleep_for(kHold);
    });
  });
  holding.get_future().wait();
  const double waited_before = db->writer_wait_seconds();
  // Queued behind the first writer, which holds the mutex for kHold more.
  db->write([](soci::session& sql) { sql << "INSERT INTO ticks (n) VALUES (2)"; });
  first.join();
  EXPECT_GE(db->writer_held_seconds() - held_after_one, 0.2);
  // It queued from before the first writer's sleep ended until after it; an
  // eighth of the hold leaves the scheduler room to start it late.
  EXPECT_GE(db->writer_wait_seconds() - waited_before, 0.2 / 8);
  long long ticks = 0;
  db->read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM ticks", soci::into(ticks); });
  EXPECT_EQ(ticks, 2);
}

}  // namespace
}  // namespace hafnium::store
