#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "platform/http/response.h"

namespace hafnium::http {

// One offending input field of a validation error: a JSON pointer-like path
// ("parties/3/name") and the reason in plain words.
struct FieldError {
  std::string field;
  std::string reason;
};

// Every API failure is an ApiError, thrown by handlers or the runtime and
// rendered exactly once, as RFC 7807 application/problem+json, by the request
// pipeline. `slug` is the stable part of the problem `type`
// (urn:hafnium:problem:<slug>); clients switch on it, never on `detail`.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string slug, std::string title, std::string detail,
           std::vector<FieldError> fields = {});

  int status() const { return status_; }
  const std::string& slug() const { return slug_; }
  const std::string& title() const { return title_; }
  const std::string& detail() const { return detail_; }
  const std::vector<FieldError>& fields() const { return fields_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  ApiError& with_header(std::string name, std::string value);

 private:
  int status_;
  std::string slug_;
  std::string title_;
  std::string detail_;
  std::vector<FieldError> fields_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

namespace problems {
ApiError bad_request(std::string detail);
ApiError malformed_json(std::string detail);
ApiError validation(std::vector<FieldError> fields, std::string detail = "");
ApiError unauthorized(std::string detail);
ApiError forbidden(std::string detail);
ApiError not_found(std::string detail);
ApiError method_not_allowed(std::string allow);
ApiError conflict(std::string detail);
ApiError precondition_failed(std::string detail);
ApiError precondition_required(std::string detail);
ApiError payload_too_large(std::string detail);
ApiError unsupported_media_type(std::string detail);
ApiError unprocessable(std::string slug, std::string detail);
ApiError headers_too_large(std::string detail);
ApiError too_many_requests(int retry_after_seconds);
ApiError internal(std::string detail);
ApiError unavailable(std::string detail);
}  // namespace problems

constexpr std::string_view kProblemTypePrefix = "urn:hafnium:problem:";

// Renders the problem document; `instance` is the request path, `trace_id`
// lets an operator find the log lines of the failure.
Response render_problem(const ApiError& error, std::string_view instance,
                        std::string_view trace_id);

}  // namespace hafnium::http
