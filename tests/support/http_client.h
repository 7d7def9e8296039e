#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hafnium::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& lower_name) const;
};

// A blocking HTTP/1.1 test client over a real loopback socket (Beast), one
// connection per request unless keep-alive is asked for.
class TestHttpClient {
 public:
  TestHttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       const std::string& body = "");
  HttpResponse get(const std::string& target, const std::string& bearer = "");
  HttpResponse post_json(const std::string& target, const std::string& json,
                         const std::string& bearer,
                         std::vector<std::pair<std::string, std::string>> headers = {});

  // Sends raw bytes and returns whatever the server answers before it closes
  // the connection (or `timeout_ms` passes).
  std::string raw(const std::string& bytes, int timeout_ms = 3000);

  uint16_t port() const { return port_; }

 private:
  std::string host_;
  uint16_t port_;
};

}  // namespace hafnium::testing
