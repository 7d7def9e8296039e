#include "platform/util/json_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace hafnium::util {

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t plain = 0;  // start of the run copied as is
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(text.data() + plain, text.size() - plain);
}

namespace {

void write_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

template <typename Number>
void write_number(std::string& out, Number n) {
  char buffer[32];  // the longest 64-bit integer, with room to spare
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, n).ptr);
}

void write_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buffer[40];
  char* end = std::to_chars(buffer, buffer + sizeof buffer - 2, d).ptr;
  // A whole number keeps a ".0": it was a double, and parsers that tell
  // integers from reals (boost::json, Python) must read it back as one.
  if (std::find_if(buffer, end, [](char c) { return c == '.' || c == 'e'; }) == end) {
    *end++ = '.';
    *end++ = '0';
  }
  out.append(buffer, end);
}

void write(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: write_number(out, value.get_int64()); break;
    case boost::json::kind::uint64: write_number(out, value.get_uint64()); break;
    case boost::json::kind::double_: write_double(out, value.get_double()); break;
    case boost::json::kind::string: write_string(out, value.get_string()); break;
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        write(out, item);
      }
      out.push_back(']');
      break;
    }
    case boost::json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        write_string(out, key);
        out.push_back(':');
        write(out, item);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

std::string to_json_text(const boost::json::value& value) {
  // Written into the thread's buffer, kept between calls (a fresh string
  // grown for a 10,000-item batch response went through a dozen
  // reallocations, each a new mapping to fault in), then copied out once.
  // Up to 2 MiB (such a response) is kept; a larger buffer is let go.
  constexpr size_t kKept = 2 << 20;
  thread_local std::string scratch;
  if (scratch.capacity() > kKept) std::string().swap(scratch);
  scratch.clear();
  write(scratch, value);
  return scratch;
}

}  // namespace hafnium::util
