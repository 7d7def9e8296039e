#include "platform/telemetry/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

#include "platform/telemetry/access_log.h"
#include "platform/util/json_text.h"
#include "platform/util/time.h"

namespace hafnium::telemetry {
namespace {

thread_local std::string t_trace_id;
thread_local std::string t_tenant_id;

// %j: the message, JSON-escaped, plus the request's trace and tenant.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string text = "\"" + json_escape(std::string_view(msg.payload.data(), msg.payload.size())) + "\"";
    if (!t_trace_id.empty()) text += ",\"trace_id\":\"" + t_trace_id + "\"";
    if (!t_tenant_id.empty()) text += ",\"tenant_id\":\"" + t_tenant_id + "\"";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  util::append_json_escaped(out, text);
  return out;
}

void init_logging(const std::string& level) {
  static std::once_flag once;
  std::call_once(once, [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto formatter = std::make_unique<spdlog::pattern_formatter>(
        spdlog::pattern_time_type::utc, std::string("\n"));
    formatter->add_flag<JsonMessageFlag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","msg":%j})");
    auto app = std::make_shared<spdlog::logger>("hafnium", sink);
    app->set_formatter(std::move(formatter));
    spdlog::set_default_logger(app);
    AccessLog::start_flusher();
  });
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::warn);
}

LogContextScope::LogContextScope(const std::string& trace_id, const std::string& tenant_id)
    : previous_trace_(std::move(t_trace_id)), previous_tenant_(std::move(t_tenant_id)) {
  t_trace_id = trace_id;
  t_tenant_id = tenant_id;
}

LogContextScope::~LogContextScope() {
  t_trace_id = std::move(previous_trace_);
  t_tenant_id = std::move(previous_tenant_);
}

void set_access_log_enabled(bool enabled) { AccessLog::set_enabled(enabled); }

void flush_logs() {
  AccessLog::flush_all();
  spdlog::default_logger()->flush();
}

}  // namespace hafnium::telemetry
