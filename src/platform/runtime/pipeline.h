#pragma once

#include <memory>
#include <vector>

#include "platform/http/server.h"

namespace hafnium::telemetry {
class Counter;
class Histogram;
}  // namespace hafnium::telemetry

namespace hafnium::runtime {

class Runtime;

// The request pipeline, in the architecture's order: request id and W3C
// traceparent -> access log -> metrics -> authentication -> authorization ->
// handler. Every error, whoever throws it, is rendered here once as
// problem+json.
class RequestPipeline : public http::Dispatcher {
 public:
  explicit RequestPipeline(Runtime& runtime);
  ~RequestPipeline() override;

  // Call after all routes are registered: builds per-route metric series.
  void prepare();

  boost::asio::awaitable<http::Response> dispatch(http::Request& request) override;
  http::Response transport_error(const http::ApiError& error,
                                 const http::Request& partial) override;

 private:
  struct RouteMetrics {
    telemetry::Counter* by_class[6] = {};  // 1xx..5xx
    telemetry::Counter* errors = nullptr;
    telemetry::Histogram* latency = nullptr;
  };
  RouteMetrics make_metrics(const std::string& route, const std::string& method);
  void observe(RouteMetrics& metrics, int status, double seconds);

  Runtime& runtime_;
  std::vector<RouteMetrics> route_metrics_;  // by route index
  RouteMetrics unmatched_;
};

}  // namespace hafnium::runtime
