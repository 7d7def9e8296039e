#include "services/monitoring/evaluation_gate.h"

#include <thread>

#include "platform/http/problem.h"

namespace hafnium::services::monitoring {

void EvaluationGate::admit() {
  if (limits_.max_delay.count() <= 0) return;
  std::chrono::microseconds seen{0};  // the delay last read, for the refusal's detail
  auto behind = [&] {
    seen = delay_();
    return seen > limits_.max_delay;
  };
  if (!behind()) return;
  if (waiting_.fetch_add(1, std::memory_order_acq_rel) < limits_.max_waiting) {
    held_.fetch_add(1, std::memory_order_relaxed);
    // Polled: a handful of requests wait at a time, and the delay is the
    // detector's, read from two atomics.
    constexpr auto kPoll = std::chrono::milliseconds(10);
    const auto deadline = std::chrono::steady_clock::now() + limits_.max_wait;
    bool caught_up = false;
    while (!caught_up && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kPoll);
      caught_up = !behind();
    }
    waiting_.fetch_sub(1, std::memory_order_acq_rel);
    if (caught_up) return;
  } else {
    waiting_.fetch_sub(1, std::memory_order_acq_rel);
  }
  refused_.fetch_add(1, std::memory_order_relaxed);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(seen).count();
  http::ApiError error(503, "evaluation-behind", "Monitoring is behind",
                       "transactions accepted earlier wait " + std::to_string(seconds) +
                           " s or more for their evaluation; nothing was stored; retry after 1 s");
  error.with_header("Retry-After", "1");
  throw error;
}

}  // namespace hafnium::services::monitoring
