#include "platform/util/json_text.h"

#include <charconv>
#include <cmath>
#include <algorithm>
#include <cstring>

namespace hafnium::util {

namespace {

// Appends into the thread's scratch buffer, grown ahead by doubling and
// kept between calls, writing through a pointer; the text is copied out
// once at the end. Growing a fresh string for each call, a 10,000-item
// batch response (800 KB) went through a dozen reallocations, each a new
// mapping to fault in: six times slower than boost::json's serializer.
class Writer {
 public:
  explicit Writer(std::string& scratch) : out_(scratch) {
    if (out_.size() < 256) out_.resize(256);
  }
  void put(char c) {
    reserve(1);
    out_[size_++] = c;
  }
  void put(const char* text, size_t n) {
    reserve(n);
    std::memcpy(out_.data() + size_, text, n);
    size_ += n;
  }
  void put(std::string_view text) { put(text.data(), text.size()); }
  // Room for `n` more bytes at cursor(); commit() what was written.
  char* cursor(size_t n) {
    reserve(n);
    return out_.data() + size_;
  }
  void commit(char* end) { size_ = static_cast<size_t>(end - out_.data()); }
  std::string finish() const { return std::string(out_.data(), size_); }

 private:
  void reserve(size_t n) {
    if (size_ + n > out_.size()) out_.resize(std::max(out_.size() * 2, size_ + n));
  }
  std::string& out_;
  size_t size_ = 0;
};

void write_string(Writer& w, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  w.put('"');
  size_t plain = 0;  // start of the run copied as is
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    w.put(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': w.put("\\\"", 2); break;
      case '\\': w.put("\\\\", 2); break;
      case '\n': w.put("\\n", 2); break;
      case '\r': w.put("\\r", 2); break;
      case '\t': w.put("\\t", 2); break;
      case '\b': w.put("\\b", 2); break;
      case '\f': w.put("\\f", 2); break;
      default: {
        const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        w.put(escaped, 6);
      }
    }
  }
  w.put(text.data() + plain, text.size() - plain);
  w.put('"');
}

template <typename Number>
void write_number(Writer& w, Number n) {
  constexpr size_t kRoom = 32;  // the longest double or 64-bit integer, with room to spare
  char* at = w.cursor(kRoom);
  w.commit(std::to_chars(at, at + kRoom, n).ptr);
}

void write_double(Writer& w, double d) {
  if (!std::isfinite(d)) {
    w.put("null", 4);
    return;
  }
  constexpr size_t kRoom = 34;
  char* at = w.cursor(kRoom);
  char* end = std::to_chars(at, at + kRoom - 2, d).ptr;
  // A whole number keeps a ".0": it was a double, and parsers that tell
  // integers from reals (boost::json, Python) must read it back as one.
  if (std::find_if(at, end, [](char c) { return c == '.' || c == 'e'; }) == end) {
    *end++ = '.';
    *end++ = '0';
  }
  w.commit(end);
}

void write(Writer& w, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: w.put("null", 4); break;
    case boost::json::kind::bool_:
      if (value.get_bool()) {
        w.put("true", 4);
      } else {
        w.put("false", 5);
      }
      break;
    case boost::json::kind::int64: write_number(w, value.get_int64()); break;
    case boost::json::kind::uint64: write_number(w, value.get_uint64()); break;
    case boost::json::kind::double_: write_double(w, value.get_double()); break;
    case boost::json::kind::string: write_string(w, value.get_string()); break;
    case boost::json::kind::array: {
      w.put('[');
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) w.put(',');
        first = false;
        write(w, item);
      }
      w.put(']');
      break;
    }
    case boost::json::kind::object: {
      w.put('{');
      bool first = true;
      for (const auto& [key, item] : value.get_object()) {
        if (!first) w.put(',');
        first = false;
        write_string(w, key);
        w.put(':');
        write(w, item);
      }
      w.put('}');
      break;
    }
  }
}

}  // namespace

std::string to_json_text(const boost::json::value& value) {
  // Up to 2 MiB (a 10,000-item batch response) is kept per thread; a
  // larger text is written once in a buffer of its own.
  constexpr size_t kKept = 2 << 20;
  thread_local std::string scratch;
  if (scratch.size() > kKept) std::string().swap(scratch);
  Writer w(scratch);
  write(w, value);
  return w.finish();
}

}  // namespace hafnium::util
