#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hafnium::telemetry {

// W3C Trace Context (https://www.w3.org/TR/trace-context/).
struct TraceContext {
  std::string trace_id;  // 32 lowercase hex, not all zero
  std::string span_id;   // 16 lowercase hex: this server's span
  std::string parent_span_id;
  bool sampled = false;

  std::string traceparent() const;  // 00-<trace>-<span>-<flags>
};

// Parses an incoming traceparent; nullopt when absent or invalid (then a new
// trace starts, as the spec requires).
std::optional<TraceContext> parse_traceparent(std::string_view header);
// Continues `parent` with a new span, or starts a new trace.
TraceContext continue_or_start(const std::optional<TraceContext>& parent);
std::string new_span_id();
std::string new_trace_id();

}  // namespace hafnium::telemetry
