#pragma once

#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "platform/store/wal_checkpointer.h"
#include "platform/telemetry/episode.h"

namespace hafnium::store {

enum class Dialect { kSqlite, kPostgres };

std::string_view dialect_name(Dialect dialect);

// Parsed store URL: sqlite:///abs/path.db, sqlite:relative.db, postgresql://...
struct StoreUrl {
  Dialect dialect;
  std::string connect_string;  // what SOCI gets
  std::string sqlite_path;     // SQLite only
  std::string redacted;        // safe to log: password removed
};
StoreUrl parse_store_url(const std::string& url);

// The store cannot be reached (a reconnection failed): the caller may try
// again later; nothing of the operation was done.
class StoreUnavailable : public std::runtime_error {
 public:
  StoreUnavailable() : std::runtime_error("the store is unreachable") {}

 protected:
  explicit StoreUnavailable(const char* why) : std::runtime_error(why) {}
};

// The store has no space left (SQLite: the disk or its page limit is full;
// PostgreSQL: disk_full): nothing of the operation was kept. A kind of
// unavailability: the operator frees space and the process goes on.
class StoreFull : public StoreUnavailable {
 public:
  StoreFull() : StoreUnavailable("the store has no space left") {}
};

// The connection to the store broke while an operation ran (a restart, a
// failover): the operation failed, and whether a COMMIT that was under way
// took effect is the server's to say. The session is reopened when next
// borrowed.
class ConnectionLost : public StoreUnavailable {
 public:
  ConnectionLost() : StoreUnavailable("the connection to the store was lost") {}
};

// SQLite could not sync its log to disk: the write that asked was
// committed but is not known durable, so it is not acknowledged, and
// neither is any later one until the process restarts (recovery then
// reads back what the disk holds). Unavailability: requests answer 503.
class LogSyncFailed : public StoreUnavailable {
 public:
  LogSyncFailed() : StoreUnavailable("the store could not sync its log to disk") {}
};

// True when the store refused a write for want of space.
bool is_storage_full(const soci::soci_error& error);

// True for StoreUnavailable: the store has logged it (once per outage, and
// every 30 s while it lasts), so a caller that retries by itself need not.
bool is_unavailable(const std::exception& error);

// When a write transaction's commit is on disk.
enum class Durability {
  // Before write() returns: what a client is told was accepted must
  // survive a power loss, not only a crash of the process.
  kSynced,
  // With the next synced commit (or checkpoint), and at once for every
  // reader: for what the process derives again from synced rows when a
  // power loss takes it (the detector's evaluations, outbox marks). A crash
  // of the process alone loses nothing: the log is in the OS's hands. A
  // power loss loses only the newest such commits, never a synced one
  // that came after them (the log is replayed in order up to the first
  // missing frame, and each synced commit flushes everything before it).
  kDeferred,
};

// A pool of SOCI sessions to one store. Blocking: callers run it on the
// worker pool, never on an I/O thread. Both dialects take the same SQL where
// they can (":name" placeholders, BIGINT micros for time, TEXT ids);
// migrations carry per-dialect DDL.
class Database {
 public:
  // SQLite copies its write-ahead log back into the database file once the
  // log holds `checkpoint_pages` pages (WalCheckpointer).
  static constexpr int kCheckpointPages = 8192;
  static std::shared_ptr<Database> open(const std::string& url, size_t pool_size,
                                        int checkpoint_pages = kCheckpointPages);
  ~Database();

  Dialect dialect() const { return url_.dialect; }
  const StoreUrl& url() const { return url_; }

  // Borrows a session for reads or single statements (autocommit).
  template <class F>
  auto read(F&& f) {
    Lease lease(*this);
    try {
      return f(lease.session());
    } catch (const soci::soci_error&) {
      if (connection_lost(lease.session())) throw ConnectionLost();
      throw;
    }
  }

  // Runs `f` in one transaction: committed when it returns, rolled back when
  // it throws. SQLite takes the write lock up front (BEGIN IMMEDIATE) so two
  // writers never deadlock upgrading from a read lock. SQLite has one
  // writer at a time anyway: the writers of this process queue on a mutex
  // instead of polling the file lock with SQLite's sleeping back-off, which
  // starves the short writers (outbox marks, detector commits) behind long
  // ones under load.
  template <class F>
  auto write(F&& f, Durability durability = Durability::kSynced) {
    // SQLite: one connection for every write (used only under the writer
    // mutex, which transact() takes). A connection's page cache is thrown
    // away whenever another connection has written since its last
    // transaction; writes taking turns across the pool started cold every
    // time, and read each index page they touched back from the file.
    if (url_.dialect == Dialect::kSqlite) return write_on(*sqlite_writer_, f, durability);
    Lease lease(*this);
    return write_on(lease.session(), f, durability);
  }

  // Round-trips a trivial query; false when the store is unreachable.
  bool ping();
  // For the metrics: false from a failed reconnection until one succeeds;
  // connections reopened after the server ended them.
  bool reachable() const { return !unreachable_.ongoing(); }
  uint64_t reconnections() const { return reconnections_.load(); }
  // SQLite: checkpoints completed, and the pages in the write-ahead log
  // now (0 for PostgreSQL).
  uint64_t checkpoints() const { return checkpointer_ ? checkpointer_->checkpoints() : 0; }
  int64_t log_pages() const { return checkpointer_ ? checkpointer_->log_pages() : 0; }
  // SQLite: seconds writers spent waiting for the process's one writer, and
  // seconds it was held (transaction, commit and its fsync included). The
  // held time's rate is the store's write utilisation: near 1, every write
  // queues behind the others and more load only lengthens the queue.
  double writer_wait_seconds() const { return writer_wait_nanos_.load(std::memory_order_relaxed) / 1e9; }
  double writer_held_seconds() const { return writer_held_nanos_.load(std::memory_order_relaxed) / 1e9; }
  // SQLite: syncs of the log by synced writes; fewer than their commits
  // when group commit shares them.
  uint64_t log_syncs() const { return log_syncs_.load(std::memory_order_relaxed); }
  // SQLite: whether a sync of the log has failed. From then on no write is
  // acknowledged (each throws LogSyncFailed) until the process restarts:
  // the store is up but not ready, and says so to /readyz and /metrics.
  bool log_sync_failed() const { return log_sync_failed_.load(std::memory_order_relaxed); }

 private:
  Database(StoreUrl url, size_t pool_size, int checkpoint_pages);
  // A pooled session, borrowed and given back, and revived first when its
  // connection was lost (a PostgreSQL restart or failover ends every
  // connection; without this each pooled session stayed dead, and every
  // request failed, until the process restarted).
  class Lease {
   public:
    explicit Lease(Database& db);
    ~Lease() { db_.pool_->give_back(position_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    soci::session& session() { return db_.pool_->at(position_); }

   private:
    Database& db_;
    size_t position_;
  };
  // Adds a write's wait for the writer mutex when it got it, and the time it
  // held it when destroyed.
  class WriterTimer {
   public:
    WriterTimer(Database& db, std::chrono::steady_clock::time_point asked)
        : db_(db), acquired_(std::chrono::steady_clock::now()) {
      db_.writer_wait_nanos_.fetch_add(nanos(acquired_ - asked), std::memory_order_relaxed);
    }
    ~WriterTimer() {
      db_.writer_held_nanos_.fetch_add(nanos(std::chrono::steady_clock::now() - acquired_), std::memory_order_relaxed);
    }
    WriterTimer(const WriterTimer&) = delete;
    WriterTimer& operator=(const WriterTimer&) = delete;

   private:
    static uint64_t nanos(std::chrono::steady_clock::duration d) {
      return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
    }
    Database& db_;
    std::chrono::steady_clock::time_point acquired_;
  };
  template <class F>
  auto write_on(soci::session& sql, F& f, Durability durability) {
    if constexpr (std::is_void_v<decltype(f(sql))>) {
      transact(sql, durability, [&] { f(sql); });
    } else {
      std::optional<decltype(f(sql))> result;
      transact(sql, durability, [&] { result.emplace(f(sql)); });
      return std::move(*result);
    }
  }
  // One transaction of write(): begun, `body` run, committed (or rolled
  // back), and on SQLite synced to disk after the writer mutex is let go.
  //
  // Group commit (SQLite): a synced write commits like a deferred one,
  // without the fsync, which SQLite would otherwise run inside the COMMIT,
  // holding the one write lock every other writer waits for. The log is
  // synced right after, outside the lock, before write() returns: one
  // fsync covers every commit before it, so writers that committed while
  // another's fsync ran share the next one instead of queueing one each.
  // Until it returns nothing was acknowledged; readers may see the rows a
  // moment before they are on disk (a power loss in that moment takes the
  // rows, and nobody was told they were kept).
  template <class Body>
  void transact(soci::session& sql, Durability durability, Body&& body) {
    uint64_t position = 0;
    {
      std::unique_lock<std::mutex> one_writer;
      std::optional<WriterTimer> timer;  // destroyed before one_writer releases the mutex
      if (url_.dialect == Dialect::kSqlite) {
        const auto asked = std::chrono::steady_clock::now();
        one_writer = std::unique_lock(writer_);
        timer.emplace(*this, asked);
      }
      begin(sql, durability);
      try {
        body();
        commit(sql);
      } catch (const soci::soci_error& error) {
        rollback(sql);
        if (is_storage_full(error)) report_full(error);
        if (connection_lost(sql)) throw ConnectionLost();
        throw;
      } catch (...) {
        rollback(sql);
        throw;
      }
      position = log_commits_.fetch_add(1) + 1;  // under the writer mutex: in commit order
    }
    if (durability == Durability::kSynced) sync(position);
  }
  // Makes commit number `position` durable: SQLite syncs the log (unless a
  // sync that began after that commit already did); PostgreSQL's commit was
  // synced by the server (unless the transaction asked otherwise).
  void sync(uint64_t position);
  // fdatasync of SQLite's log file (its name synced too when first
  // opened): 0, or the errno.
  int sync_log_file();

  // PostgreSQL: whether the session's connection is broken (after a
  // statement failed); SQLite has none to lose.
  bool connection_lost(soci::session& sql) const;
  // PostgreSQL: reconnects a session whose server has gone away;
  // StoreUnavailable when it cannot.
  void revive(soci::session& sql);
  // PostgreSQL's deferred transactions set synchronous_commit off for
  // themselves (SQLite's writer never syncs at COMMIT: transact()).
  void begin(soci::session& sql, Durability durability);
  void commit(soci::session& sql);
  void rollback(soci::session& sql) noexcept;

  // Logs a full store (at most every 30 s) and throws StoreFull.
  [[noreturn]] void report_full(const soci::soci_error& error);
  // Every caller of every worker tries to reconnect while the store is
  // down, and runs into a full one: logged as episodes (when an outage
  // begins, every 30 s while it lasts, when it ends), not per attempt.
  telemetry::Episode unreachable_, full_;
  std::atomic<uint64_t> reconnections_{0};
  std::atomic<uint64_t> writer_wait_nanos_{0}, writer_held_nanos_{0};
  // Group commit (SQLite): commits numbered under the writer mutex, the
  // newest number known synced, and whether a sync ever failed (after
  // which no write is acknowledged: the kernel may have dropped the pages
  // it could not write, and a later sync that succeeds proves nothing).
  std::atomic<uint64_t> log_commits_{0};
  std::mutex log_sync_;
  uint64_t log_synced_ = 0;      // under log_sync_
  std::atomic<bool> log_sync_failed_{false};  // set under log_sync_, read anywhere
  std::atomic<uint64_t> log_syncs_{0};
  int log_fd_ = -1;  // the log file, for sync_log_file() (under log_sync_)

  StoreUrl url_;
  std::mutex writer_;
  // SQLite only. Destroyed after the pool: the pool's connections report
  // their commits to it.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<soci::connection_pool> pool_;
  size_t pool_size_;
  // SQLite: the connection every write() runs on (write() says why).
  std::unique_ptr<soci::session> sqlite_writer_;
};

// True for a UNIQUE / PRIMARY KEY violation in either dialect.
bool is_unique_violation(const soci::soci_error& error);

}  // namespace hafnium::store
