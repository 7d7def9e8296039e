#pragma once

#include <soci/soci.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

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

// A pool of SOCI sessions to one store. Blocking: callers run it on the
// worker pool, never on an I/O thread. Both dialects take the same SQL where
// they can (":name" placeholders, BIGINT micros for time, TEXT ids);
// migrations carry per-dialect DDL.
class Database {
 public:
  static std::shared_ptr<Database> open(const std::string& url, size_t pool_size);
  ~Database();

  Dialect dialect() const { return url_.dialect; }
  const StoreUrl& url() const { return url_; }

  // Borrows a session for reads or single statements (autocommit).
  template <class F>
  auto read(F&& f) {
    soci::session sql(*pool_);
    return f(sql);
  }

  // Runs `f` in one transaction: committed when it returns, rolled back when
  // it throws. SQLite takes the write lock up front (BEGIN IMMEDIATE) so two
  // writers never deadlock upgrading from a read lock. SQLite has one
  // writer at a time anyway: the writers of this process queue on a mutex
  // instead of polling the file lock with SQLite's sleeping back-off, which
  // starves the short writers (outbox marks, detector commits) behind long
  // ones under load.
  template <class F>
  auto write(F&& f) {
    soci::session sql(*pool_);
    std::unique_lock<std::mutex> one_writer;
    if (url_.dialect == Dialect::kSqlite) one_writer = std::unique_lock(writer_);
    begin(sql);
    try {
      if constexpr (std::is_void_v<decltype(f(sql))>) {
        f(sql);
        commit(sql);
      } else {
        auto result = f(sql);
        commit(sql);
        return result;
      }
    } catch (...) {
      rollback(sql);
      throw;
    }
  }

  // Round-trips a trivial query; false when the store is unreachable.
  bool ping();

 private:
  Database(StoreUrl url, size_t pool_size);
  void begin(soci::session& sql);
  void commit(soci::session& sql);
  void rollback(soci::session& sql) noexcept;

  StoreUrl url_;
  std::unique_ptr<soci::connection_pool> pool_;
  size_t pool_size_;
  std::mutex writer_;
};

// True for a UNIQUE / PRIMARY KEY violation in either dialect.
bool is_unique_violation(const soci::soci_error& error);

}  // namespace hafnium::store
