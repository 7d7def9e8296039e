#include "platform/http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <list>
#include <optional>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "platform/telemetry/episode.h"
#include "platform/util/percent.h"

namespace hafnium::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// RFC 9110 requires a Date header; formatting it once per second per thread
// keeps it off the profile.
const std::string& http_date() {
  thread_local std::string cached;
  thread_local std::time_t cached_second = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buffer;
  }
  return cached;
}

Request to_request(bhttp::request<bhttp::string_body>&& message, const std::string& remote) {
  Request request;
  request.method = parse_method(message.method_string());
  std::string_view target = message.target();
  size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.path = util::percent_decode(raw_path, false, true);
  request.headers.reserve(16);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

}  // namespace

struct Server::Impl {
  struct Connection {
    beast::tcp_stream* stream = nullptr;
    bool idle = true;
  };
  struct Worker {
    asio::io_context context{1};
    std::unique_ptr<tcp::acceptor> acceptor;
    std::list<Connection> connections;  // touched only from this context's thread
  };

  ServerOptions options;
  Dispatcher& dispatcher;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::atomic<int64_t> open{0};
  std::atomic<int64_t> in_flight{0};
  uint16_t bound_port = 0;

  Impl(ServerOptions o, Dispatcher& d) : options(std::move(o)), dispatcher(d) {}

  asio::awaitable<void> accept_loop(Worker& worker) {
    // Out of file descriptors, accept fails every 50 ms until connections
    // close: logged when it starts, every 30 s while it lasts, and when
    // accepting works again, not 20 times a second.
    telemetry::Episode failing;
    for (;;) {
      auto [ec, socket] = co_await worker.acceptor->async_accept(kTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || draining) co_return;
        if (const auto failure = failing.occurred(); failure.log && failure.began) {
          spdlog::warn("accept failed: {}; new connections wait", ec.message());
        } else if (failure.log) {
          spdlog::warn("accept still failing: {} ({} failures)", ec.message(), failure.occurrences);
        }
        asio::steady_timer pause(worker.context, std::chrono::milliseconds(50));
        co_await pause.async_wait(kTuple);
        continue;
      }
      if (const auto failure = failing.ended(); failure.log) {
        spdlog::info("accepting connections again after {} s ({} failures)", failure.lasted.count(),
                     failure.occurrences);
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(worker.context, session(worker, std::move(socket)), asio::detached);
    }
  }

  // GCC 12 mishandles non-trivial temporaries inside co_await expressions
  // (it may destroy them twice), so every awaited call below takes named
  // locals only.
  asio::awaitable<void> session(Worker& worker, tcp::socket socket) {
    std::string remote;
    {
      boost::system::error_code ec;
      auto endpoint = socket.remote_endpoint(ec);
      if (!ec) remote = endpoint.address().to_string();
    }
    beast::tcp_stream stream(std::move(socket));
    worker.connections.push_back({&stream, true});
    auto self = std::prev(worker.connections.end());
    ++open;
    beast::flat_buffer buffer;
    std::optional<ApiError> refusal;  // the transport's own 400/413/431
    Request partial;
    for (;;) {
      if (draining) break;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(options.header_limit));
      parser.body_limit(options.body_limit);
      self->idle = true;
      stream.expires_after(options.idle_timeout);
      // Wait for the first byte of the next request under the idle timeout,
      // then give the whole header the (shorter) header timeout.
      if (buffer.size() == 0) {
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
        if (ec) break;
        buffer.commit(n);
      }
      self->idle = false;
      stream.expires_after(options.header_timeout);
      auto [header_ec, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser,
                                                                         kTuple);
      (void)header_bytes;
      if (header_ec) {
        refusal = classify(header_ec, parser, partial);
        break;
      }
      const auto& header = parser.get();
      if (auto expect = header.find(bhttp::field::expect);
          expect != header.end() && beast::iequals(expect->value(), "100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
        co_await bhttp::async_write(stream, cont, kTuple);
      }
      stream.expires_after(options.body_timeout);
      auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      (void)body_bytes;
      if (body_ec) {
        refusal = classify(body_ec, parser, partial);
        break;
      }
      auto message = parser.release();
      bool keep_alive = message.keep_alive();
      unsigned version = message.version();
      Request request = to_request(std::move(message), remote);
      stream.expires_never();
      ++in_flight;
      Response response = co_await dispatcher.dispatch(request);
      --in_flight;
      keep_alive = keep_alive && !draining;

      bhttp::response<bhttp::string_body> reply{static_cast<bhttp::status>(response.status),
                                                version};
      reply.set(bhttp::field::server, "hafnium");
      reply.set(bhttp::field::date, http_date());
      if (!response.content_type.empty()) {
        reply.set(bhttp::field::content_type, response.content_type);
      }
      for (const auto& [name, value] : response.headers) reply.set(name, value);
      reply.body() = std::move(response.body);
      reply.keep_alive(keep_alive);
      reply.prepare_payload();
      stream.expires_after(options.body_timeout);
      auto [write_ec, written] = co_await bhttp::async_write(stream, reply, kTuple);
      (void)written;
      if (write_ec || !keep_alive) break;
    }
    if (refusal) {
      Response response = dispatcher.transport_error(*refusal, partial);
      bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), 11};
      message.set(bhttp::field::server, "hafnium");
      message.set(bhttp::field::date, http_date());
      message.set(bhttp::field::content_type, response.content_type);
      message.set(bhttp::field::connection, "close");
      for (const auto& [name, value] : response.headers) message.set(name, value);
      message.body() = std::move(response.body);
      message.prepare_payload();
      stream.expires_after(std::chrono::seconds(5));
      co_await bhttp::async_write(stream, message, kTuple);
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
    worker.connections.erase(self);
    --open;
  }

  // Maps a read error to the problem the client gets, or nothing when the
  // client went away or timed out (there is nobody to answer).
  std::optional<ApiError> classify(const boost::system::error_code& ec,
                                   bhttp::request_parser<bhttp::string_body>& parser,
                                   Request& partial) {
    if (parser.is_header_done()) partial.path = std::string(parser.get().target());
    if (ec == bhttp::error::header_limit) {
      return problems::headers_too_large("request header exceeds " +
                                         std::to_string(options.header_limit) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      return problems::payload_too_large("request body exceeds " +
                                         std::to_string(options.body_limit) + " bytes");
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::eof || ec == asio::error::connection_reset) {
      return std::nullopt;
    }
    return problems::bad_request("malformed HTTP request: " + ec.message());
  }
};

Server::Server(ServerOptions options, Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher)) {}

Server::~Server() {
  if (!impl_->threads.empty()) drain_and_stop();
}

uint16_t Server::start() {
  auto& impl = *impl_;
  size_t count = impl.options.io_threads;
  if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
  auto address = asio::ip::make_address(impl.options.host);
  uint16_t port = impl.options.port;
  if (port != 0) {
    // The listeners below share the port (SO_REUSEPORT, one per I/O
    // thread), which would as well let this server listen beside another
    // one already there (an old instance not stopped, say), each taking
    // part of the connections with its own store and keys. A plain bind
    // first finds a port any other socket listens on.
    asio::io_context probe_context;
    tcp::acceptor probe(probe_context);
    const tcp::endpoint endpoint(address, port);
    probe.open(endpoint.protocol());
    probe.set_option(asio::socket_base::reuse_address(true));  // a closed connection's TIME_WAIT is no owner
    boost::system::error_code ec;
    probe.bind(endpoint, ec);
    if (ec == asio::error::address_in_use) {
      throw std::runtime_error(impl.options.host + ":" + std::to_string(port) +
                               " is in use by another process (is another hafnium serve running?)");
    }
  }
  for (size_t i = 0; i < count; ++i) {
    auto worker = std::make_unique<Impl::Worker>();
    auto acceptor = std::make_unique<tcp::acceptor>(worker->context);
    tcp::endpoint endpoint(address, port);
    acceptor->open(endpoint.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    int one = 1;
    ::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    port = acceptor->local_endpoint().port();  // the first bind fixes a port-0 choice
    worker->acceptor = std::move(acceptor);
    impl.workers.push_back(std::move(worker));
  }
  impl.bound_port = port;
  for (auto& worker : impl.workers) {
    asio::co_spawn(worker->context, impl.accept_loop(*worker), asio::detached);
    impl.threads.emplace_back([w = worker.get()] {
      auto guard = asio::make_work_guard(w->context);
      w->context.run();
    });
  }
  return port;
}

void Server::drain_and_stop() {
  auto& impl = *impl_;
  if (impl.threads.empty()) return;
  impl.draining = true;
  for (auto& worker : impl.workers) {
    asio::post(worker->context, [w = worker.get()] {
      boost::system::error_code ignored;
      w->acceptor->close(ignored);
      for (auto& connection : w->connections) {
        if (connection.idle) connection.stream->socket().cancel(ignored);
      }
    });
  }
  auto deadline = std::chrono::steady_clock::now() + impl.options.drain_timeout;
  while (impl.open.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    // Connections that became idle after the first sweep are closed too.
    for (auto& worker : impl.workers) {
      asio::post(worker->context, [w = worker.get()] {
        boost::system::error_code ignored;
        for (auto& connection : w->connections) {
          if (connection.idle) connection.stream->socket().cancel(ignored);
        }
      });
    }
  }
  if (impl.open.load() > 0) {
    spdlog::warn("drain timeout: closing {} connections", impl.open.load());
  }
  for (auto& worker : impl.workers) worker->context.stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
}

int64_t Server::open_connections() const { return impl_->open.load(); }
uint16_t Server::port() const { return impl_->bound_port; }

}  // namespace hafnium::http
