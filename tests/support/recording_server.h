#pragma once

#include <boost/json.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "platform/http/server.h"

namespace hafnium::testing {

// A stand-in peer on a loopback port (an OTLP collector, an identity
// provider's JWKS endpoint): records every request and answers with
// `respond`, which may change while the test runs.
class RecordingServer : public http::Dispatcher {
 public:
  using Responder = std::function<http::Response(const http::Request&)>;

  explicit RecordingServer(Responder respond) : respond_(std::move(respond)) {
    http::ServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    server_ = std::make_unique<http::Server>(options, *this);
    port_ = server_->start();
  }
  ~RecordingServer() override { server_->drain_and_stop(); }

  uint16_t port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  void set_responder(Responder respond) {
    std::lock_guard lock(mutex_);
    respond_ = std::move(respond);
  }
  std::vector<http::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  boost::asio::awaitable<http::Response> dispatch(http::Request& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    co_return respond_(request);
  }
  http::Response transport_error(const http::ApiError& error, const http::Request&) override {
    return http::render_problem(error, "", "");
  }

 private:
  mutable std::mutex mutex_;
  Responder respond_;
  std::vector<http::Request> requests_;
  std::unique_ptr<http::Server> server_;
  uint16_t port_ = 0;
};

}  // namespace hafnium::testing
