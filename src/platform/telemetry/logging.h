#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace hafnium::telemetry {

// Logs are one JSON object per line on stderr: time (UTC), level, logger,
// message, and the trace id and tenant of the request being served when
// there is one. Messages never carry secrets or personal data: log ids, not
// names, keys or payloads.
void init_logging(const std::string& level);

// Sets the trace id and tenant that log lines written on this thread carry,
// for the duration of a handler.
class LogContextScope {
 public:
  LogContextScope(const std::string& trace_id, const std::string& tenant_id);
  ~LogContextScope();
  LogContextScope(const LogContextScope&) = delete;
  LogContextScope& operator=(const LogContextScope&) = delete;

 private:
  std::string previous_trace_;
  std::string previous_tenant_;
};

void set_access_log_enabled(bool enabled);
void flush_logs();

std::string json_escape(std::string_view text);

}  // namespace hafnium::telemetry
