#include "platform/telemetry/logging.h"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>

#include "platform/util/time.h"

namespace hafnium::telemetry {
namespace {

thread_local std::string t_trace_id;
thread_local std::string t_tenant_id;
std::atomic<bool> g_access_enabled{true};
std::shared_ptr<spdlog::logger> g_access;

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
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

void init_logging(const std::string& level) {
  static std::once_flag once;
  std::call_once(once, [] {
    spdlog::init_thread_pool(32768, 1);
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto formatter = std::make_unique<spdlog::pattern_formatter>(
        spdlog::pattern_time_type::utc, std::string("\n"));
    formatter->add_flag<JsonMessageFlag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","msg":%j})");
    auto app = std::make_shared<spdlog::logger>("hafnium", sink);
    app->set_formatter(std::move(formatter));
    spdlog::set_default_logger(app);
    // A sink of its own: a sink has one formatter, and access lines are
    // already JSON.
    auto access_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    g_access = std::make_shared<spdlog::async_logger>(
        "access", access_sink, spdlog::thread_pool(), spdlog::async_overflow_policy::block);
    g_access->set_pattern("%v");
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

void set_access_log_enabled(bool enabled) { g_access_enabled = enabled; }

void write_access_log(boost::json::object record) {
  if (!g_access_enabled || !g_access) return;
  boost::json::object line;
  line["time"] = util::format_rfc3339(util::now_micros());
  line["level"] = "info";
  line["logger"] = "access";
  for (auto& [key, value] : record) line[key] = std::move(value);
  g_access->info(boost::json::serialize(line));
}

void flush_logs() {
  if (g_access) g_access->flush();
  spdlog::default_logger()->flush();
}

}  // namespace hafnium::telemetry
