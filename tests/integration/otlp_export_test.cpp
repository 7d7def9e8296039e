// Server spans reach an OTLP/HTTP collector as JSON, with the caller's trace.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "platform/http/server.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

using namespace std::chrono_literals;

// A stand-in collector: records every POSTed body.
class Collector : public http::Dispatcher {
 public:
  boost::asio::awaitable<http::Response> dispatch(http::Request& request) override {
    std::lock_guard lock(mutex);
    bodies.push_back(request.body);
    paths.push_back(request.path);
    co_return http::Response::json(200, boost::json::object{});
  }
  http::Response transport_error(const http::ApiError& error, const http::Request&) override {
    return http::render_problem(error, "", "");
  }
  std::mutex mutex;
  std::vector<std::string> bodies, paths;
};

TEST(OtlpExport, ServerSpansArePostedAsOtlpJson) {
  Collector collector;
  http::ServerOptions options;
  options.port = 0;
  options.io_threads = 1;
  http::Server receiver(options, collector);
  uint16_t port = receiver.start();

  InProcessServer::Options server_options;
  server_options.configure = [port](config::Config& c) {
    c.otlp_endpoint = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces";
  };
  InProcessServer server(std::move(server_options));
  auto res = server.client().request("GET", "/api/v1/whoami",
                                     {{"Authorization", "Bearer " + server.admin_key()},
                                      {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  ASSERT_EQ(res.status, 200);
  server.runtime().stop();  // flushes the exporter

  std::lock_guard lock(collector.mutex);
  ASSERT_FALSE(collector.bodies.empty());
  EXPECT_EQ(collector.paths[0], "/v1/traces");
  bool found = false;
  for (const auto& body : collector.bodies) {
    auto doc = boost::json::parse(body);
    const auto& resource = doc.at("resourceSpans").at(0);
    EXPECT_EQ(resource.at("resource").at("attributes").at(0).at("value").at("stringValue").as_string(), "hafnium");
    for (const auto& span : resource.at("scopeSpans").at(0).at("spans").as_array()) {
      if (span.at("name").as_string() != "GET /api/v1/whoami") continue;
      found = true;
      EXPECT_EQ(span.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
      EXPECT_EQ(span.at("parentSpanId").as_string(), "00f067aa0ba902b7");
      EXPECT_EQ(span.at("kind").as_int64(), 2);
      EXPECT_EQ(res.header("traceparent").substr(36, 16), span.at("spanId").as_string());
    }
  }
  EXPECT_TRUE(found);
  receiver.drain_and_stop();
}

}  // namespace
}  // namespace hafnium::testing
