#include "platform/telemetry/access_log.h"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hafnium::telemetry {
namespace {

constexpr size_t kFlushAt = 32 * 1024;
constexpr auto kFlushInterval = std::chrono::milliseconds(250);

struct Buffer {
  std::mutex mutex;  // uncontended except when the flusher visits
  std::string data;
};

std::atomic<bool> g_enabled{true};

struct Registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<Buffer>> buffers;
  std::thread flusher;
  std::condition_variable cv;
  bool stopping = false;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: threads may log during exit
  return *r;
}

Buffer& local_buffer() {
  thread_local std::shared_ptr<Buffer> buffer = [] {
    auto b = std::make_shared<Buffer>();
    b->data.reserve(kFlushAt + 1024);
    std::lock_guard lock(registry().mutex);
    registry().buffers.push_back(b);
    return b;
  }();
  return *buffer;
}

// Writes whole lines, in chunks no larger than PIPE_BUF.
void write_out(std::string& data) {
  size_t offset = 0;
  while (offset < data.size()) {
    size_t limit = std::min(data.size() - offset, static_cast<size_t>(PIPE_BUF));
    size_t end = offset + limit;
    if (end < data.size()) {
      size_t newline = data.rfind('\n', end - 1);
      end = (newline != std::string::npos && newline >= offset) ? newline + 1 : end;
    }
    ssize_t written = ::write(STDERR_FILENO, data.data() + offset, end - offset);
    if (written <= 0) break;  // stderr gone: drop the rest rather than block
    offset += static_cast<size_t>(written);
  }
  data.clear();
}

}  // namespace

void AccessLog::set_enabled(bool enabled) { g_enabled = enabled; }
bool AccessLog::enabled() { return g_enabled.load(std::memory_order_relaxed); }

void AccessLog::append(std::string_view line) {
  Buffer& buffer = local_buffer();
  std::lock_guard lock(buffer.mutex);
  buffer.data.append(line);
  buffer.data.push_back('\n');
  if (buffer.data.size() >= kFlushAt) write_out(buffer.data);
}

void AccessLog::flush_all() {
  std::vector<std::shared_ptr<Buffer>> buffers;
  {
    std::lock_guard lock(registry().mutex);
    buffers = registry().buffers;
  }
  for (auto& buffer : buffers) {
    std::lock_guard lock(buffer->mutex);
    if (!buffer->data.empty()) write_out(buffer->data);
  }
}

void AccessLog::start_flusher() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (r.flusher.joinable()) return;
  r.stopping = false;
  r.flusher = std::thread([] {
    auto& reg = registry();
    std::unique_lock lock(reg.mutex);
    while (!reg.stopping) {
      reg.cv.wait_for(lock, kFlushInterval, [&] { return reg.stopping; });
      lock.unlock();
      flush_all();
      lock.lock();
    }
  });
}

void AccessLog::stop_flusher() {
  auto& r = registry();
  std::thread flusher;
  {
    std::lock_guard lock(r.mutex);
    r.stopping = true;
    flusher = std::move(r.flusher);
  }
  r.cv.notify_all();
  if (flusher.joinable()) flusher.join();
  flush_all();
}

}  // namespace hafnium::telemetry
