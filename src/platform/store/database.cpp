#include "platform/store/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/url/parse.hpp>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include "platform/util/error_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace hafnium::store {

std::string_view dialect_name(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "sqlite" : "postgresql";
}

namespace {

// SOCI hands its connect string to libpq after rewriting parts of it, which
// mangles URIs; keyword/value conninfo passes through untouched. Values are
// quoted as libpq requires (backslash-escaped ' and \).
std::string quote_conninfo(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string postgres_conninfo(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw std::invalid_argument("malformed PostgreSQL URL");
  const auto& u = *parsed;
  std::string out;
  auto add = [&](const char* key, std::string_view value) {
    if (value.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out += key;
    out.push_back('=');
    out += quote_conninfo(value);
  };
  add("host", u.host_address());
  add("port", u.port());
  add("user", u.user());
  add("password", u.password());
  std::string path = u.path();
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  add("dbname", path);
  for (const auto& param : u.params()) {
    std::string key = param.key;
    for (char c : key) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
        throw std::invalid_argument("malformed PostgreSQL URL parameter");
      }
    }
    add(key.c_str(), param.value);
  }
  return out;
}

}  // namespace

StoreUrl parse_store_url(const std::string& url) {
  StoreUrl parsed;
  if (url.starts_with("sqlite:")) {
    std::string path = url.substr(7);
    if (path.starts_with("//")) path = path.substr(2);  // sqlite:///abs -> /abs
    if (path.empty()) throw std::invalid_argument("sqlite URL has no file path");
    parsed.dialect = Dialect::kSqlite;
    parsed.sqlite_path = path;
    // SOCI's timeout is SQLite's busy timeout, in seconds.
    parsed.connect_string = "db=\"" + path + "\" timeout=10";
    parsed.redacted = "sqlite://" + path;
    return parsed;
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    parsed.dialect = Dialect::kPostgres;
    parsed.connect_string = postgres_conninfo(url);
    // postgresql://user:secret@host/db -> postgresql://user:***@host/db
    std::string redacted = url;
    size_t scheme_end = redacted.find("://") + 3;
    size_t at = redacted.find('@', scheme_end);
    if (at != std::string::npos) {
      size_t colon = redacted.find(':', scheme_end);
      if (colon != std::string::npos && colon < at) {
        redacted.replace(colon + 1, at - colon - 1, "***");
      }
    }
    size_t password_param = redacted.find("password=");
    if (password_param != std::string::npos) {
      size_t end = redacted.find('&', password_param);
      redacted.replace(password_param + 9,
                       (end == std::string::npos ? redacted.size() : end) - password_param - 9,
                       "***");
    }
    parsed.redacted = redacted;
    return parsed;
  }
  throw std::invalid_argument("unsupported store URL scheme (use sqlite:// or postgresql://)");
}

namespace {
// PostgreSQL's notices ("relation ... already exists, skipping" for every
// CREATE ... IF NOT EXISTS) go to the log as structured lines: libpq's own
// processor wrote them raw to stderr, between the JSON log lines an
// operator's pipeline parses.
void log_postgres_notice(void*, const char* message) {
  std::string_view text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.starts_with("WARNING")) {
    spdlog::warn("postgresql: {}", text);
  } else {
    spdlog::debug("postgresql: {}", text);
  }
}

// The connection of a session opened by the PostgreSQL factory (soci does
// not export the backend's type information: no dynamic_cast); null when
// the session has none (a reconnection failed: soci dropped the old
// backend before the new one could be made), which libpq's status
// functions read as a bad connection.
PGconn* connection_of(soci::session& session) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend ? backend->conn_ : nullptr;
}
}  // namespace

std::shared_ptr<Database> Database::open(const std::string& url, size_t pool_size, int checkpoint_pages) {
  return std::shared_ptr<Database>(new Database(parse_store_url(url), pool_size, checkpoint_pages));
}

namespace {

// SQLite's defaults lock a mutex on every call on a connection and on every
// allocation (for its memory statistics); under the monitoring load those
// locks were 6 % of the server's CPU. Each pooled session is used by one
// thread at a time, which is what SQLite's multi-thread mode asks, and the
// statistics are not read. Must run before SQLite initialises: the first
// connection of the process.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SOCI's header declares the SQLite API inside namespace sqlite_api.
    using namespace sqlite_api;
    if (sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace

Database::Database(StoreUrl url, size_t pool_size, int checkpoint_pages)
    : url_(std::move(url)),
      pool_(std::make_unique<soci::connection_pool>(pool_size)),
      pool_size_(pool_size) {
  if (url_.dialect == Dialect::kSqlite) {
    configure_sqlite_once();
    auto parent = std::filesystem::path(url_.sqlite_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
  }
  auto open_sqlite = [&](soci::session& session) {
    session.open(*soci::factory_sqlite3(), url_.connect_string);
    // WAL lets readers run beside the one writer; FULL sync because an
    // acknowledged write must survive power loss, not only a crash (write()
    // syncs by group commit instead: transact()).
    session << "PRAGMA journal_mode=WAL";
    session << "PRAGMA synchronous=FULL";
    session << "PRAGMA foreign_keys=ON";
    session << "PRAGMA busy_timeout=10000";
    // Page reads through a memory map and a larger page cache: the
    // monitoring tables grow to gigabytes, and without these every index
    // probe is a read() system call copying a page.
    session << "PRAGMA mmap_size=1073741824";
    session << "PRAGMA cache_size=-65536";
    // The log is copied back by the checkpointer's thread, not by the
    // commit that fills it (WalCheckpointer says why).
    if (checkpointer_ == nullptr) {
      checkpointer_ = std::make_unique<WalCheckpointer>(url_.connect_string, checkpoint_pages);
    }
    checkpointer_->watch(session);
  };
  for (size_t i = 0; i < pool_size_; ++i) {
    soci::session& session = pool_->at(i);
    if (url_.dialect == Dialect::kSqlite) {
      open_sqlite(session);
    } else {
      session.open(*soci::factory_postgresql(), url_.connect_string);
      PQsetNoticeProcessor(connection_of(session), log_postgres_notice, nullptr);
    }
  }
  if (url_.dialect == Dialect::kSqlite) {
    sqlite_writer_ = std::make_unique<soci::session>();
    open_sqlite(*sqlite_writer_);
    // The writer's commits write the log without the fsync (NORMAL, in WAL
    // mode); transact() syncs it after letting the writer mutex go. The
    // pool's connections, which write() never uses, keep FULL for any
    // autocommit statement run through read().
    *sqlite_writer_ << "PRAGMA synchronous=NORMAL";
  }
}

Database::~Database() {
  if (log_fd_ >= 0) ::close(log_fd_);
}

Database::Lease::Lease(Database& db) : db_(db), position_(db.pool_->lease()) {
  try {
    db_.revive(session());
  } catch (...) {
    db_.pool_->give_back(position_);
    throw;
  }
}

bool Database::connection_lost(soci::session& sql) const {
  return url_.dialect == Dialect::kPostgres && PQstatus(connection_of(sql)) != CONNECTION_OK;
}

void Database::revive(soci::session& sql) {
  if (url_.dialect != Dialect::kPostgres) return;
  PGconn* connection = connection_of(sql);
  // Reads what the server sent without waiting: a server that shut down or
  // ended this backend has closed the socket, which marks the connection
  // bad here instead of failing the caller's first statement.
  // (Twice: the first read may return the server's farewell message, the
  // second the end of the stream.)
  for (int i = 0; i < 2 && PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE;
       ++i) {
    PQconsumeInput(connection);
  }
  if (PQstatus(connection) == CONNECTION_OK) return;
  try {
    sql.reconnect();
  } catch (const soci::soci_error& error) {
    if (const auto outage = unreachable_.occurred(); outage.log && outage.began) {
      spdlog::warn("store unreachable at {}: {}; requests answer 503 until it is back", url_.redacted,
                   util::error_text(error));
    } else if (outage.log) {
      spdlog::warn("store still unreachable at {} after {} s ({} attempts): {}", url_.redacted,
                   outage.lasted.count(), outage.occurrences, util::error_text(error));
    }
    throw StoreUnavailable();
  }
  PQsetNoticeProcessor(connection_of(sql), log_postgres_notice, nullptr);
  ++reconnections_;
  if (const auto outage = unreachable_.ended(); outage.log) {
    spdlog::info("store reachable again at {} after {} s ({} failed attempts)", url_.redacted, outage.lasted.count(),
                 outage.occurrences);
  } else {
    spdlog::warn("store connection was lost; reconnected to {}", url_.redacted);
  }
}

void Database::report_full(const soci::soci_error& error) {
  // Never ended: a write that succeeds does not check in with it (the hot
  // path), so a later full store logs again once 30 s have passed.
  if (full_.occurred().log) {
    spdlog::error("store full at {}: {}; writes answer 503 until space is freed", url_.redacted,
                  util::error_text(error));
  }
  throw StoreFull();
}

bool is_unavailable(const std::exception& error) { return dynamic_cast<const StoreUnavailable*>(&error) != nullptr; }

void Database::begin(soci::session& sql, Durability durability) {
  if (url_.dialect == Dialect::kSqlite) {
    sql << "BEGIN IMMEDIATE";
    return;
  }
  try {
    sql << "BEGIN";
  } catch (const soci::soci_error&) {
    // Nothing was done yet: a connection found lost here is reopened and
    // the transaction begun on the new one.
    if (!connection_lost(sql)) throw;
    revive(sql);
    sql << "BEGIN";
  }
  // Ends with the transaction.
  if (durability == Durability::kDeferred) sql << "SET LOCAL synchronous_commit TO OFF";
}

void Database::commit(soci::session& sql) { sql << "COMMIT"; }

void Database::rollback(soci::session& sql) noexcept {
  try {
    sql << "ROLLBACK";
  } catch (...) {
    // The transaction is gone already (connection lost); nothing to undo.
  }
}

void Database::sync(uint64_t position) {
  if (url_.dialect != Dialect::kSqlite) return;
  std::lock_guard lock(log_sync_);
  if (log_sync_failed_) throw LogSyncFailed();
  if (log_synced_ >= position) return;  // a sync that began after this commit covered it
  // Every commit numbered up to here has written its frames (numbers are
  // taken after COMMIT returns): the sync below covers them all.
  const uint64_t upto = log_commits_.load();
  if (const int error = sync_log_file(); error != 0) {
    log_sync_failed_ = true;
    spdlog::critical("store: syncing the write-ahead log of {} failed ({}); no write is acknowledged from now on, "
                     "restart the process once the disk is sound",
                     url_.redacted, std::strerror(error));
    throw LogSyncFailed();
  }
  log_synced_ = upto;
  log_syncs_.fetch_add(1, std::memory_order_relaxed);
}

int Database::sync_log_file() {
  // The log is SQLite's "-wal" file beside the database. It lives as long
  // as any connection is open (the pool's are, for the process's life),
  // but is checked by inode each time: should it have been made anew, the
  // old descriptor would sync a file nobody writes.
  const std::string path = url_.sqlite_path + "-wal";
  struct stat named {};
  if (::stat(path.c_str(), &named) != 0) return errno;
  if (log_fd_ >= 0) {
    struct stat held {};
    if (::fstat(log_fd_, &held) != 0 || held.st_ino != named.st_ino || held.st_dev != named.st_dev) {
      ::close(log_fd_);
      log_fd_ = -1;
    }
  }
  if (log_fd_ < 0) {
    log_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (log_fd_ < 0) return errno;
    // The file's name too: a log created since the last sync of its
    // directory would otherwise not be found after a power loss.
    auto directory = std::filesystem::path(path).parent_path();
    if (directory.empty()) directory = ".";
    const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return errno;
    const int synced = ::fsync(dir_fd);
    const int dir_error = errno;
    ::close(dir_fd);
    if (synced != 0) return dir_error;
  }
  return ::fdatasync(log_fd_) == 0 ? 0 : errno;
}

bool Database::ping() {
  try {
    int one = 0;
    read([&](soci::session& sql) { sql << "SELECT 1", soci::into(one); });
    return one == 1;
  } catch (const std::exception&) {
    return false;
  }
}

bool is_storage_full(const soci::soci_error& error) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    return pg->sqlstate() == "53100";  // disk_full
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    return lite->result() == 13;  // SQLITE_FULL
  }
  return false;
}

bool is_unique_violation(const soci::soci_error& error) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    return pg->sqlstate() == "23505";
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    return lite->result() == 19;  // SQLITE_CONSTRAINT
  }
  std::string_view message = error.what();
  return message.find("UNIQUE constraint") != std::string_view::npos ||
         message.find("duplicate key") != std::string_view::npos;
}

}  // namespace hafnium::store
