#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace hafnium::services::monitoring {

// Holds new transactions back while the detector is behind.
//
// Ingestion and the detector share the machine: accepting transactions is
// cheaper than evaluating them, and with enough clients sending batches at
// once the detector fell minutes behind (45,000 transactions a second
// acknowledged, 2,000 evaluated) while every client saw success. An
// acknowledged payment is then stored but not monitored, and alerts come
// late by as long as the backlog lasts. The gate turns that into
// backpressure: while the detector's delay (a transaction's commit to its
// evaluation) is over `max_delay`, ingestion waits, up to `max_wait`; then
// it answers 503 with Retry-After, having stored nothing. A waiting request
// holds a worker thread, which reads, screening and /readyz share: at most
// `max_waiting` wait at a time, and the ones beyond are refused at once.
class EvaluationGate {
 public:
  using DelaySource = std::function<std::chrono::microseconds()>;
  struct Limits {
    std::chrono::milliseconds max_delay{2000};  // 0: never hold back
    std::chrono::milliseconds max_wait{5000};   // then refuse
    size_t max_waiting = 4;                     // requests waiting at once
  };

  EvaluationGate(DelaySource delay, Limits limits) : delay_(std::move(delay)), limits_(limits) {}

  // Returns once the detector is within max_delay: at once, unless it is
  // behind. Throws http::ApiError 503 (evaluation-behind) otherwise.
  // Blocking: call it on a worker thread.
  void admit();

  uint64_t held() const { return held_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  DelaySource delay_;
  Limits limits_;
  std::atomic<uint64_t> held_{0}, refused_{0};
  std::atomic<size_t> waiting_{0};
};

}  // namespace hafnium::services::monitoring
