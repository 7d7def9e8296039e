#pragma once

#include <string>
#include <string_view>

namespace hafnium::telemetry {

// The access log, one JSON line per request on stderr. Request threads
// append to a buffer of their own and the buffer is written out in
// line-aligned chunks of at most PIPE_BUF bytes (so lines never interleave
// with other writers, even on a pipe) when it fills, and at least every
// `kFlushInterval` by a background flusher. No per-request thread handoff,
// no per-request syscall: that handoff was the largest cost of the request
// path when logging through a queue.
class AccessLog {
 public:
  static void set_enabled(bool enabled);
  static bool enabled();
  // Appends one complete line (a JSON object without the newline).
  static void append(std::string_view line);
  // Writes every thread's buffer now (shutdown, tests).
  static void flush_all();
  // Starts the periodic flusher (idempotent).
  static void start_flusher();
  static void stop_flusher();
};

}  // namespace hafnium::telemetry
