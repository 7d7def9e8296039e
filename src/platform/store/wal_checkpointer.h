#pragma once

#include <soci/soci.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "platform/telemetry/episode.h"

namespace hafnium::store {

// Copies SQLite's write-ahead log back into the database file on a thread
// of its own, instead of inside the COMMIT that crosses the limit.
//
// Why: SQLite's automatic checkpoint runs in the committing connection,
// and this process's writers queue on one mutex (Database::write), so
// every writer waited while 32 MiB of pages were copied and the database
// file synced: 40-110 ms every 0.6 s under the monitoring batch load
// (measured 2026-11-27). Here the bulk of the copy runs beside the
// writers. What they appended meanwhile (hundreds of pages; 19 ms on
// average that day) is copied by the next commit, still holding the writer mutex, so
// that the checkpoint reaches the end of the log and the writer after it
// starts the log from its beginning again; a checkpoint always overtaken
// by writers would let the log grow without bound. (Taking the writer
// mutex from the checkpointer's thread instead starved it: writers took
// the mutex back as soon as they released it, and the log grew to 23 MB in
// a test whose threshold is 256 KB.)
//
// Durability is unchanged: a commit is durable once its frames are synced
// to the log (Database's group commit), whether or not they were copied
// back yet. A checkpoint syncs the log before it copies, and the database
// file before the log may start over.
class WalCheckpointer {
 public:
  // A checkpoint starts once the log holds `threshold_pages` frames.
  WalCheckpointer(const std::string& connect_string, int threshold_pages);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Turns off the connection's own automatic checkpoint and has its
  // commits report the log's size here.
  void watch(soci::session& session);

  // Checkpoints completed (the log copied back up to its end).
  uint64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }
  // Frames in the log after the latest commit: it falls back after a
  // checkpoint, so a value that keeps rising means checkpoints cannot keep up
  // or a reader holds an old snapshot.
  int64_t log_pages() const { return log_pages_.load(std::memory_order_relaxed); }

 private:
  struct Hook;  // SQLite's callback (its types stay out of this header)
  // A commit left `pages` frames in the log: true when the committing
  // connection is to finish a checkpoint that this thread began.
  bool committed(int pages);
  void run();
  void copy_back_most();
  void record_failure(const std::string& what);

  const int threshold_;
  soci::session session_;  // the checkpointer's own connection

  // Guards what follows: commits report from any connection, those
  // outside Database::write included.
  std::mutex mutex_;
  int last_pages_ = 0;
  int armed_at_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stop_ = false;
  std::atomic<bool> finish_wanted_{false};

  telemetry::Episode failing_;  // checkpoints that throw, logged as episodes
  std::atomic<uint64_t> checkpoints_{0};
  std::atomic<int64_t> log_pages_{0};
  std::thread thread_;
};

}  // namespace hafnium::store
