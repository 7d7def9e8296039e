#include "support/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace hafnium::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpResponse TestHttpClient::request(const std::string& method, const std::string& target,
                                     const std::vector<std::pair<std::string, std::string>>& headers,
                                     const std::string& body) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host_), port_));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, host_);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(stream, buffer, parser);
  auto res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = res.body();
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

HttpResponse TestHttpClient::get(const std::string& target, const std::string& bearer) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return request("GET", target, headers);
}

HttpResponse TestHttpClient::post_json(const std::string& target, const std::string& json,
                                       const std::string& bearer,
                                       std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("Content-Type", "application/json");
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return request("POST", target, headers, json);
}

std::string TestHttpClient::raw(const std::string& bytes, int timeout_ms) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host_), port_));
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  beast::error_code ec;
  asio::write(stream.socket(), asio::buffer(bytes), ec);
  std::string out;
  char chunk[4096];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  stream.socket().non_blocking(false);
  while (std::chrono::steady_clock::now() < deadline) {
    // Poll with a short receive timeout so the deadline holds.
    struct timeval tv{0, 100000};
    setsockopt(stream.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = ::recv(stream.socket().native_handle(), chunk, sizeof chunk, 0);
    if (n > 0) {
      out.append(chunk, static_cast<size_t>(n));
    } else if (n == 0) {
      break;  // server closed
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      break;
    }
  }
  return out;
}

}  // namespace hafnium::testing
