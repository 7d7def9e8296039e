#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace hafnium::util {

// Hands batches from one producer thread to one consumer thread, in order,
// with at most `capacity` batches between them: the producer waits while
// the consumer lags, so memory stays bounded whatever the volume.
//   producer: push() each batch, then close();
//   consumer: pop() until it returns nullopt; abandon() if it gives up,
//   which makes every later push() return false.
template <typename T>
class BatchPipe {
 public:
  explicit BatchPipe(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // False when the consumer abandoned the pipe: stop producing.
  bool push(std::vector<T> batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return abandoned_ || batches_.size() < capacity_; });
    if (abandoned_) return false;
    batches_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }

  // The next batch; nullopt once the producer closed and every batch was taken.
  std::optional<std::vector<T>> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !batches_.empty(); });
    if (batches_.empty()) return std::nullopt;
    std::vector<T> batch = std::move(batches_.front());
    batches_.pop_front();
    room_.notify_one();
    return batch;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }

  void abandon() {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
    batches_.clear();
    room_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<T>> batches_;
  bool closed_ = false;
  bool abandoned_ = false;
};

}  // namespace hafnium::util
