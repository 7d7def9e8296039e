#include "platform/api/etag.h"

#include "platform/http/problem.h"

namespace hafnium::api {

std::string etag_for(int64_t version) { return "\"" + std::to_string(version) + "\""; }

void set_etag(http::Response& response, int64_t version) {
  response.set_header("ETag", etag_for(version));
}

void require_if_match(const http::Request& request, int64_t current_version) {
  const std::string* header = request.header("if-match");
  if (header == nullptr || header->empty()) {
    throw http::problems::precondition_required(
        "this update needs If-Match with the resource's ETag");
  }
  if (*header == "*") return;
  std::string_view value = *header;
  if (value.starts_with("W/")) value.remove_prefix(2);  // weak tags compare by value here
  if (value != etag_for(current_version)) {
    throw http::problems::precondition_failed("the resource changed since it was read (ETag " +
                                              etag_for(current_version) + ")");
  }
}

}  // namespace hafnium::api
