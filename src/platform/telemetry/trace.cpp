#include "platform/telemetry/trace.h"

#include <random>

#include "platform/util/crypto.h"

namespace hafnium::telemetry {
namespace {
bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}
bool all_zero(std::string_view text) { return text.find_first_not_of('0') == std::string_view::npos; }

// Trace ids need to be unique, not secret: a per-thread PRNG seeded from the
// system RNG is enough and far cheaper than RAND_bytes per request.
std::string random_hex(size_t bytes) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  while (out.size() < bytes * 2) {
    uint64_t v = engine();
    for (int i = 0; i < 16 && out.size() < bytes * 2; ++i) {
      out.push_back(kHex[v & 0xf]);
      v >>= 4;
    }
  }
  return out;
}
}  // namespace

std::string TraceContext::traceparent() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

std::optional<TraceContext> parse_traceparent(std::string_view header) {
  // version(2)-trace(32)-parent(16)-flags(2)
  if (header.size() < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') {
    return std::nullopt;
  }
  std::string_view version = header.substr(0, 2);
  std::string_view trace = header.substr(3, 32);
  std::string_view parent = header.substr(36, 16);
  std::string_view flags = header.substr(53, 2);
  if (!is_lower_hex(version) || version == "ff" || !is_lower_hex(trace) || all_zero(trace) ||
      !is_lower_hex(parent) || all_zero(parent) || !is_lower_hex(flags)) {
    return std::nullopt;
  }
  if (version == "00" && header.size() != 55) return std::nullopt;
  TraceContext context;
  context.trace_id = std::string(trace);
  context.parent_span_id = std::string(parent);
  context.sampled = (std::stoi(std::string(flags), nullptr, 16) & 1) != 0;
  return context;
}

std::string new_span_id() { return random_hex(8); }
std::string new_trace_id() { return random_hex(16); }

TraceContext continue_or_start(const std::optional<TraceContext>& parent) {
  TraceContext context;
  if (parent) {
    context = *parent;
  } else {
    context.trace_id = new_trace_id();
  }
  context.span_id = new_span_id();
  return context;
}

}  // namespace hafnium::telemetry
