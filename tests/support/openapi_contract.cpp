#include "support/openapi_contract.h"

#include <algorithm>

namespace hafnium::testing {

namespace {
bool has_type(const boost::json::value& value, std::string_view type) {
  if (type == "null") return value.is_null();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_bool();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "integer") return value.is_int64() || value.is_uint64();
  if (type == "number") return value.is_number();
  return false;
}

double number_of(const boost::json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  return value.get_double();
}
}  // namespace

const boost::json::value& OpenApiContract::resolve(const boost::json::value& schema) const {
  const boost::json::value* current = &schema;
  while (current->is_object() && current->as_object().contains("$ref")) {
    std::string ref(current->as_object().at("$ref").as_string());
    const std::string prefix = "#/components/schemas/";
    if (!ref.starts_with(prefix)) throw std::runtime_error("unsupported $ref " + ref);
    current = &document_.at("components").at("schemas").at(ref.substr(prefix.size()));
  }
  return *current;
}

void OpenApiContract::walk(const boost::json::value& raw, const boost::json::value& value, const std::string& path,
                           std::vector<std::string>& out) const {
  const auto& schema = resolve(raw);
  if (!schema.is_object()) return;
  const auto& s = schema.as_object();
  const std::string at = path.empty() ? "(body)" : path;
  if (const auto* all = s.if_contains("allOf")) {
    for (const auto& part : all->as_array()) walk(part, value, path, out);
  }
  if (const auto* type = s.if_contains("type")) {
    bool ok = false;
    if (type->is_string()) {
      ok = has_type(value, type->as_string());
    } else {
      for (const auto& t : type->as_array()) ok = ok || has_type(value, t.as_string());
    }
    if (!ok) {
      out.push_back(at + ": " + boost::json::serialize(value).substr(0, 80) + " is not of type " +
                    boost::json::serialize(*type));
      return;
    }
  }
  if (const auto* choices = s.if_contains("enum")) {
    const auto& options = choices->as_array();
    if (std::find(options.begin(), options.end(), value) == options.end()) {
      out.push_back(at + ": " + boost::json::serialize(value).substr(0, 80) + " is not one of " +
                    boost::json::serialize(*choices));
    }
  }
  if (value.is_number()) {
    if (const auto* low = s.if_contains("minimum"); low && number_of(value) < number_of(*low)) {
      out.push_back(at + ": below the minimum " + boost::json::serialize(*low));
    }
    if (const auto* high = s.if_contains("maximum"); high && number_of(value) > number_of(*high)) {
      out.push_back(at + ": above the maximum " + boost::json::serialize(*high));
    }
  }
  if (value.is_object()) {
    const auto& object = value.as_object();
    const auto* properties = s.if_contains("properties");
    if (const auto* required = s.if_contains("required")) {
      for (const auto& name : required->as_array()) {
        if (!object.contains(name.as_string())) out.push_back(at + ": lacks required " + std::string(name.as_string()));
      }
    }
    const auto* additional = s.if_contains("additionalProperties");
    for (const auto& [key, item] : object) {
      const std::string below = path.empty() ? std::string(key) : path + "/" + std::string(key);
      if (properties && properties->as_object().contains(key)) {
        walk(properties->as_object().at(key), item, below, out);
      } else if (additional && additional->is_bool() && !additional->as_bool()) {
        out.push_back(at + ": has undeclared field " + std::string(key));
      } else if (additional && additional->is_object()) {
        walk(*additional, item, below, out);
      }
    }
  }
  if (value.is_array()) {
    if (const auto* items = s.if_contains("items")) {
      const auto& array = value.as_array();
      for (size_t i = 0; i < array.size(); ++i) walk(*items, array[i], path + "/" + std::to_string(i), out);
    }
  }
}

std::vector<std::string> OpenApiContract::check(const boost::json::value& schema,
                                                const boost::json::value& value) const {
  std::vector<std::string> out;
  walk(schema, value, "", out);
  return out;
}

std::vector<std::string> OpenApiContract::check_response(const std::string& pattern, const std::string& method,
                                                         int status, const std::string& content_type,
                                                         const std::string& body) const {
  const std::string where = method + " " + pattern + " " + std::to_string(status);
  const auto* route = document_.at("paths").as_object().if_contains(pattern);
  if (!route) return {where + ": the route is not documented"};
  std::string lower = method;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto* operation = route->as_object().if_contains(lower);
  if (!operation) return {where + ": the method is not documented"};
  const auto* response = operation->as_object().at("responses").as_object().if_contains(std::to_string(status));
  if (!response) return {where + ": the status is not documented"};
  const auto* content = response->as_object().if_contains("content");
  if (!content) {
    if (body.empty()) return {};
    return {where + ": a body where the document declares none"};
  }
  const std::string media = content_type.substr(0, content_type.find(';'));
  const auto* declared = content->as_object().if_contains(media);
  if (!declared) return {where + ": media type " + media + " is not documented"};
  const auto* schema = declared->as_object().if_contains("schema");
  if (!schema || (media != "application/json" && media != "application/problem+json")) return {};
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) return {where + ": the body is not JSON"};
  auto violations = check(*schema, value);
  for (auto& v : violations) v = where + ": " + v;
  return violations;
}

}  // namespace hafnium::testing
