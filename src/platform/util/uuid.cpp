#include "platform/util/uuid.h"

#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace hafnium::util {
namespace {

// Monotonic within a process: when two ids fall in the same millisecond the
// 12-bit rand_a field is used as a counter (RFC 9562, method 1), so ids made
// by one process are strictly increasing.
struct Clock {
  std::mutex mutex;
  uint64_t last_ms = 0;
  uint16_t counter = 0;
};

Clock& clock_state() {
  static Clock state;
  return state;
}

// Random bytes from OpenSSL's generator, drawn a few kilobytes at a time
// per thread: one RAND_bytes call costs about as much as the rest of an id
// several times over (it locks and reseeds), and every stored event needs
// an id. The bytes are only ever used once. A process that forks must not
// make ids in the child from the parent's buffer; Hafnium forks only to
// exec.
void random_bytes(uint8_t* out, size_t n) {
  struct Buffer {
    std::array<uint8_t, 4096> bytes;
    size_t used = 4096;
  };
  thread_local Buffer buffer;
  if (buffer.used + n > buffer.bytes.size()) {
    if (RAND_bytes(buffer.bytes.data(), static_cast<int>(buffer.bytes.size())) != 1) {
      throw std::runtime_error("random generator failure");
    }
    buffer.used = 0;
  }
  std::memcpy(out, buffer.bytes.data() + buffer.used, n);
  buffer.used += n;
}

}  // namespace

std::string uuid_v7() {
  std::array<uint8_t, 16> bytes{};
  random_bytes(bytes.data(), bytes.size());
  uint64_t now_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  uint16_t sequence;
  {
    auto& state = clock_state();
    std::lock_guard lock(state.mutex);
    if (now_ms <= state.last_ms) {
      now_ms = state.last_ms;
      if (++state.counter > 0x0fff) {  // counter exhausted: borrow the next millisecond
        ++now_ms;
        state.counter = 0;
      }
    } else {
      state.counter = static_cast<uint16_t>(((bytes[6] << 8) | bytes[7]) & 0x03ff);
    }
    state.last_ms = now_ms;
    sequence = state.counter;
  }
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(now_ms >> (40 - 8 * i));
  bytes[6] = static_cast<uint8_t>(0x70 | ((sequence >> 8) & 0x0f));
  bytes[7] = static_cast<uint8_t>(sequence & 0xff);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);

  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace hafnium::util
