#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace hafnium::testing {

// What the project's OpenAPI document promises a response looks like,
// checked against what the server sends: the part of JSON Schema the
// document uses ($ref, type as a name or a list, enum, required,
// properties, additionalProperties false, items, allOf, minimum/maximum).
// An integrator generates a client from the document; a field it does
// not declare, or a null where it declares a string, breaks that client.
class OpenApiContract {
 public:
  explicit OpenApiContract(boost::json::object document) : document_(std::move(document)) {}

  // The violations of the response of `method` on route `pattern` (as
  // written in the document, "/api/v1/alerts/{id}") with `status` and
  // body `body`: empty when it conforms. A status the route does not
  // document is a violation too.
  std::vector<std::string> check_response(const std::string& pattern, const std::string& method, int status,
                                          const std::string& content_type, const std::string& body) const;

  // The violations of `value` against `schema` (which may be a $ref).
  std::vector<std::string> check(const boost::json::value& schema, const boost::json::value& value) const;

 private:
  void walk(const boost::json::value& schema, const boost::json::value& value, const std::string& path,
            std::vector<std::string>& out) const;
  const boost::json::value& resolve(const boost::json::value& schema) const;

  boost::json::object document_;
};

}  // namespace hafnium::testing
