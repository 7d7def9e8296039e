#include "platform/store/wal_checkpointer.h"

#include <soci/sqlite3/soci-sqlite3.h>

#include <spdlog/spdlog.h>

#include "platform/util/error_text.h"

namespace hafnium::store {

namespace {
// The unlocked passes repeat, a few times at most, while the writers keep
// appending more than this; the rest is left to the next commit.
constexpr int kLeftToTheCommit = 256;
constexpr int kUnlockedPasses = 4;

sqlite_api::sqlite3* connection_of(soci::session& session) {
  return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}
}  // namespace

struct WalCheckpointer::Hook {
  // Called by SQLite after each commit of a watched connection, once its
  // write lock is released; in Database::write still under the writer mutex.
  static int on_commit(void* self_pointer, sqlite_api::sqlite3* connection, const char* database, int pages) {
    auto* self = static_cast<WalCheckpointer*>(self_pointer);
    if (!self->committed(pages)) return SQLITE_OK;
    int frames = 0, copied = 0;
    int rc = sqlite_api::sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    if (rc == SQLITE_OK && frames == copied) {
      self->checkpoints_.fetch_add(1, std::memory_order_relaxed);
    } else if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      self->record_failure(sqlite_api::sqlite3_errstr(rc));
    }
    // An error here would fail the statement whose commit has happened.
    return SQLITE_OK;  // a macro: no namespace
  }
};

WalCheckpointer::WalCheckpointer(const std::string& connect_string, int threshold_pages)
    : threshold_(threshold_pages), armed_at_(threshold_pages) {
  session_.open(*soci::factory_sqlite3(), connect_string);
  // The checkpoint syncs the log before copying and the database file
  // after, as the writers' connections would have.
  session_ << "PRAGMA synchronous=FULL";
  session_ << "PRAGMA busy_timeout=10000";
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::watch(soci::session& session) {
  session << "PRAGMA wal_autocheckpoint=0";
  sqlite_api::sqlite3_wal_hook(connection_of(session), &Hook::on_commit, this);
}

bool WalCheckpointer::committed(int pages) {
  log_pages_.store(pages, std::memory_order_relaxed);
  if (finish_wanted_.exchange(false, std::memory_order_acq_rel)) return true;
  {
    std::lock_guard lock(mutex_);
    // A log that started again from its beginning (a checkpoint copied it
    // all) is checkpointed again at the threshold; one that could not (a
    // reader held an old snapshot) only after growing by another threshold,
    // so that a lingering reader does not set off a checkpoint per commit.
    if (pages < last_pages_) armed_at_ = threshold_;
    last_pages_ = pages;
    if (pages < armed_at_) return false;
    armed_at_ = pages + threshold_;
    wanted_ = true;
  }
  wake_.notify_one();
  return false;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    copy_back_most();
    lock.lock();
  }
}

void WalCheckpointer::copy_back_most() {
  try {
    // Each pass copies the frames there were when it began; the writers'
    // commits say how many there are now.
    for (int pass = 0; pass < kUnlockedPasses; ++pass) {
      int busy = 0, frames = 0, copied = 0;
      session_ << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(frames), soci::into(copied);
      if (log_pages_.load(std::memory_order_relaxed) - copied <= kLeftToTheCommit) break;
    }
    finish_wanted_.store(true, std::memory_order_release);
    if (auto report = failing_.ended(); report.log) {
      spdlog::info("store checkpoints succeed again after {} failures", report.occurrences);
    }
  } catch (const std::exception& error) {
    record_failure(util::error_text(error));
  }
}

void WalCheckpointer::record_failure(const std::string& what) {
  // The log keeps growing meanwhile; nothing committed is at risk.
  if (auto report = failing_.occurred(); report.log) {
    spdlog::warn("store checkpoint failed ({} so far): {}", report.occurrences, what);
  }
}

}  // namespace hafnium::store
