#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace hafnium::telemetry {

// A condition that begins, lasts and ends, and that many callers run into
// at once (the store unreachable or full, accept failing for want of file
// descriptors). Each occurrence says whether it is the one to log, so that
// the condition is logged when it begins, every `interval` while it lasts
// and when it ends, not at every occurrence (every request, every
// background loop's retry). Thread-safe.
class Episode {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Episode(Clock::duration interval = std::chrono::seconds(30)) : interval_(interval) {}

  struct Report {
    bool log = false;            // this call is the one to log
    bool began = false;          // ...as the episode's beginning (else as lasting, or its end)
    uint64_t occurrences = 0;    // in the episode, this one included (at the end: all of them)
    std::chrono::seconds lasted{0};  // since the episode began
  };
  // One more occurrence: it begins the episode if none is going on.
  Report occurred();
  // The condition is over: `log` is true when an episode was going on.
  Report ended();
  bool ongoing() const { return began_.load() != 0; }

 private:
  static int64_t now_ticks() { return Clock::now().time_since_epoch().count() + 1; }  // never 0
  static std::chrono::seconds since(int64_t ticks, int64_t now) {
    return std::chrono::duration_cast<std::chrono::seconds>(Clock::duration(now - ticks));
  }

  Clock::duration interval_;
  std::atomic<int64_t> began_{0};   // clock ticks; 0: no episode
  std::atomic<int64_t> logged_{0};  // when it was last logged
  std::atomic<uint64_t> occurrences_{0};
};

}  // namespace hafnium::telemetry
