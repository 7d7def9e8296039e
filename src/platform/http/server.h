#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "platform/http/problem.h"
#include "platform/http/request.h"
#include "platform/http/response.h"

namespace hafnium::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port
  size_t io_threads = 0;  // 0: one per core
  size_t header_limit = 16 * 1024;
  size_t body_limit = 16 * 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // whole header, slow clients included
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive between requests
  std::chrono::milliseconds drain_timeout{15'000};
};

// What the server calls for each parsed request. The request pipeline
// (middleware and router) implements it.
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  virtual boost::asio::awaitable<Response> dispatch(Request& request) = 0;
  // A request the transport refused before it was complete (413, 431, 400):
  // the dispatcher logs and counts it and returns the problem response.
  virtual Response transport_error(const ApiError& error, const Request& partial) = 0;
};

// HTTP/1.1 server: one io_context per thread, each with its own acceptor on
// the same port (SO_REUSEPORT), so connections spread over cores without a
// shared accept queue. Each connection is one C++20 coroutine.
class Server {
 public:
  Server(ServerOptions options, Dispatcher& dispatcher);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O threads; returns the bound port.
  uint16_t start();
  // Stops accepting, closes idle keep-alive connections, lets in-flight
  // requests finish (up to drain_timeout), then stops the I/O threads.
  void drain_and_stop();
  int64_t open_connections() const;
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hafnium::http
