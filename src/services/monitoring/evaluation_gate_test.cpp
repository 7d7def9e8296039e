#include "services/monitoring/evaluation_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "platform/http/problem.h"

namespace hafnium::services::monitoring {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(EvaluationGate, AdmitsAtOnceWhileTheDetectorKeepsUp) {
  int asked = 0;
  EvaluationGate gate([&] { return ++asked, microseconds(150'000); }, {milliseconds(200), milliseconds(5000)});
  gate.admit();
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(gate.held(), 0u);
  EXPECT_EQ(gate.refused(), 0u);
}

TEST(EvaluationGate, WaitsWhileTheDetectorIsBehindAndAdmitsOnceItCaughtUp) {
  int asked = 0;
  // Behind for the first three looks, then caught up.
  EvaluationGate gate([&] { return ++asked <= 3 ? microseconds(900'000) : microseconds(0); },
                      {milliseconds(200), milliseconds(10'000)});
  gate.admit();
  EXPECT_EQ(asked, 4);
  EXPECT_EQ(gate.held(), 1u);
  EXPECT_EQ(gate.refused(), 0u);
}

TEST(EvaluationGate, RefusesWith503AndRetryAfterWhenTheDetectorStaysBehind) {
  EvaluationGate gate([] { return microseconds(7'300'000); }, {milliseconds(200), milliseconds(30)});
  try {
    gate.admit();
    FAIL() << "admitted while 7.3 s behind";
  } catch (const http::ApiError& error) {
    EXPECT_EQ(error.status(), 503);
    EXPECT_EQ(error.slug(), "evaluation-behind");
    EXPECT_NE(error.detail().find("7 s"), std::string::npos) << error.detail();
    ASSERT_EQ(error.headers().size(), 1u);
    EXPECT_EQ(error.headers()[0].first, "Retry-After");
    EXPECT_EQ(error.headers()[0].second, "1");
  }
  EXPECT_EQ(gate.held(), 1u);
  EXPECT_EQ(gate.refused(), 1u);
}

// Waiting requests hold worker threads that other requests need: past
// max_waiting, the next one is refused without waiting.
TEST(EvaluationGate, RequestsBeyondTheWaitingLimitAreRefusedAtOnce) {
  std::atomic<bool> caught_up{false};
  EvaluationGate gate([&] { return caught_up ? microseconds(0) : microseconds(900'000); },
                      {milliseconds(200), milliseconds(60'000), 1});
  std::thread first([&] { gate.admit(); });
  while (gate.held() == 0) std::this_thread::yield();
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_THROW(gate.admit(), http::ApiError);
  // Refused at once, not after the minute the first one may wait.
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(30));
  EXPECT_EQ(gate.refused(), 1u);
  caught_up = true;
  first.join();  // admitted once the detector caught up
  EXPECT_EQ(gate.held(), 1u);
  EXPECT_EQ(gate.refused(), 1u);
}

TEST(EvaluationGate, AZeroDelayLimitNeverHoldsBack) {
  int asked = 0;
  EvaluationGate gate([&] { return ++asked, microseconds(3'600'000'000LL); }, {milliseconds(0), milliseconds(0)});
  gate.admit();
  EXPECT_EQ(asked, 0);
}

}  // namespace
}  // namespace hafnium::services::monitoring
