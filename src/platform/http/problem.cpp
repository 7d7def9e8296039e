#include "platform/http/problem.h"

#include "platform/util/utf8.h"

#include <boost/json.hpp>

namespace hafnium::http {

ApiError::ApiError(int status, std::string slug, std::string title, std::string detail,
                   std::vector<FieldError> fields)
    : std::runtime_error(detail),
      status_(status),
      slug_(std::move(slug)),
      title_(std::move(title)),
      detail_(std::move(detail)),
      fields_(std::move(fields)) {}

ApiError& ApiError::with_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

namespace problems {
ApiError bad_request(std::string detail) {
  return ApiError(400, "bad-request", "Bad request", std::move(detail));
}
ApiError malformed_json(std::string detail) {
  return ApiError(400, "malformed-json", "Malformed JSON", std::move(detail));
}
ApiError validation(std::vector<FieldError> fields, std::string detail) {
  if (detail.empty()) {
    detail = fields.size() == 1 ? fields.front().field + ": " + fields.front().reason
                                : std::to_string(fields.size()) + " fields are invalid";
  }
  return ApiError(400, "validation-error", "Invalid request", std::move(detail),
                  std::move(fields));
}
ApiError unauthorized(std::string detail) {
  ApiError error(401, "unauthenticated", "Authentication required", std::move(detail));
  error.with_header("WWW-Authenticate", "Bearer");
  return error;
}
ApiError forbidden(std::string detail) {
  return ApiError(403, "forbidden", "Permission denied", std::move(detail));
}
ApiError not_found(std::string detail) {
  return ApiError(404, "not-found", "Not found", std::move(detail));
}
ApiError method_not_allowed(std::string allow) {
  ApiError error(405, "method-not-allowed", "Method not allowed",
                 "this resource supports " + allow);
  error.with_header("Allow", std::move(allow));
  return error;
}
ApiError conflict(std::string detail) {
  return ApiError(409, "conflict", "Conflict", std::move(detail));
}
ApiError precondition_failed(std::string detail) {
  return ApiError(412, "precondition-failed", "Precondition failed", std::move(detail));
}
ApiError precondition_required(std::string detail) {
  return ApiError(428, "precondition-required", "Precondition required", std::move(detail));
}
ApiError payload_too_large(std::string detail) {
  return ApiError(413, "payload-too-large", "Payload too large", std::move(detail));
}
ApiError unsupported_media_type(std::string detail) {
  return ApiError(415, "unsupported-media-type", "Unsupported media type", std::move(detail));
}
ApiError unprocessable(std::string slug, std::string detail) {
  return ApiError(422, std::move(slug), "Unprocessable request", std::move(detail));
}
ApiError headers_too_large(std::string detail) {
  return ApiError(431, "headers-too-large", "Request header fields too large",
                  std::move(detail));
}
ApiError too_many_requests(int retry_after_seconds) {
  ApiError error(429, "rate-limited", "Too many requests",
                 "rate limit exceeded; retry after " + std::to_string(retry_after_seconds) + " s");
  error.with_header("Retry-After", std::to_string(retry_after_seconds));
  return error;
}
ApiError internal(std::string detail) {
  return ApiError(500, "internal-error", "Internal error", std::move(detail));
}
ApiError unavailable(std::string detail) {
  return ApiError(503, "unavailable", "Service unavailable", std::move(detail));
}
}  // namespace problems

namespace {
// The request's path as the problem names it: as decoded when that is
// UTF-8, else with every byte above ASCII percent-encoded again (a JSON
// document cannot carry the raw bytes of "/parties/M%FCller").
std::string printable_instance(std::string_view path) {
  if (util::is_valid_utf8(path)) return std::string(path);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}
}  // namespace

Response render_problem(const ApiError& error, std::string_view instance,
                        std::string_view trace_id) {
  boost::json::object body;
  body["type"] = std::string(kProblemTypePrefix) + error.slug();
  body["title"] = error.title();
  body["status"] = error.status();
  body["detail"] = error.detail();
  if (!instance.empty()) body["instance"] = printable_instance(instance);
  if (!trace_id.empty()) body["trace_id"] = trace_id;
  if (!error.fields().empty()) {
    boost::json::array errors;
    for (const auto& field : error.fields()) {
      errors.push_back(boost::json::object{{"field", field.field}, {"reason", field.reason}});
    }
    body["errors"] = std::move(errors);
  }
  Response response = Response::json(error.status(), body);
  response.content_type = "application/problem+json";
  for (const auto& [name, value] : error.headers()) response.set_header(name, value);
  return response;
}

}  // namespace hafnium::http
