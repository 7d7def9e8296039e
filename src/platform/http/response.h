#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

namespace hafnium::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  Response& set_header(std::string name, std::string value);
  const std::string* header(std::string_view name) const;

  static Response json(int status, const boost::json::value& body);
  static Response text(int status, std::string body, std::string content_type = "text/plain");
  static Response no_content();
};

}  // namespace hafnium::http
