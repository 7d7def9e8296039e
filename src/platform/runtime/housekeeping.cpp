#include "platform/runtime/housekeeping.h"

#include <spdlog/spdlog.h>

#include "platform/store/database.h"
#include "platform/util/error_text.h"
#include "platform/util/time.h"

namespace hafnium::runtime {

namespace {
size_t delete_older(soci::session& sql, const std::string& statement, long long cutoff) {
  soci::statement st = (sql.prepare << statement, soci::use(cutoff));
  st.execute(true);
  return static_cast<size_t>(st.get_affected_rows());
}
}  // namespace

SweepResult Housekeeping::sweep_once() {
  SweepResult result;
  long long now = util::now_micros();
  long long outbox_cutoff =
      now - std::chrono::duration_cast<std::chrono::microseconds>(policy_.published_outbox).count();
  long long processed_cutoff =
      now - std::chrono::duration_cast<std::chrono::microseconds>(policy_.processed_events).count();
  db_->write([&](soci::session& sql) {
    result.idempotency_keys =
        delete_older(sql, "DELETE FROM idempotency_keys WHERE expires_at < :cutoff", now);
    result.outbox_rows = delete_older(
        sql, "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < :cutoff",
        outbox_cutoff);
    result.processed_events = delete_older(
        sql, "DELETE FROM processed_events WHERE processed_at < :cutoff", processed_cutoff);
  });
  return result;
}

void Housekeeping::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      cv_.wait_for(lock, policy_.interval, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      try {
        auto swept = sweep_once();
        if (swept.idempotency_keys + swept.outbox_rows + swept.processed_events > 0) {
          spdlog::info("housekeeping removed {} idempotency keys, {} outbox rows, {} consumer records",
                       swept.idempotency_keys, swept.outbox_rows, swept.processed_events);
        }
      } catch (const std::exception& error) {
        if (!store::is_unavailable(error)) spdlog::warn("housekeeping failed: {}", util::error_text(error));
      }
      lock.lock();
    }
  });
}

void Housekeeping::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace hafnium::runtime
