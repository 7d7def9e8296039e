#include "platform/http/router.h"

#include <algorithm>
#include <stdexcept>

#include "platform/http/problem.h"

namespace hafnium::http {
namespace {
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;
  if (path.empty() || path[0] != '/') return parts;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// The server decodes a path but keeps an encoded '/' (%2F) as it came, so
// that it cannot split the path into more segments; within one parameter
// it is the '/' the client meant (an institution's id "2026/11/000123").
std::string decode_slashes(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() && value[i + 1] == '2' && (value[i + 2] == 'F' || value[i + 2] == 'f')) {
      out.push_back('/');
      i += 2;
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}
}  // namespace

std::vector<Router::Segment> Router::compile(const std::string& pattern) {
  if (pattern.empty() || pattern[0] != '/') {
    throw std::logic_error("route pattern must start with '/': " + pattern);
  }
  std::vector<Segment> segments;
  for (auto part : split_path(pattern)) {
    Segment segment;
    size_t open = part.find('{');
    if (open == std::string_view::npos) {
      segment.prefix = std::string(part);
    } else {
      size_t close = part.find('}', open);
      if (close == std::string_view::npos || close == open + 1) {
        throw std::logic_error("malformed parameter in route pattern: " + pattern);
      }
      segment.prefix = std::string(part.substr(0, open));
      segment.param = std::string(part.substr(open + 1, close - open - 1));
      segment.suffix = std::string(part.substr(close + 1));
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

void Router::add(Route route) {
  if (route.access == Access::kProtected && route.action.empty()) {
    throw std::logic_error("route " + std::string(method_name(route.method)) + " " +
                           route.pattern + " declares no action");
  }
  if (!route.handler) throw std::logic_error("route " + route.pattern + " has no handler");
  for (const auto& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern) {
      throw std::logic_error("route registered twice: " + route.pattern);
    }
  }
  auto segments = compile(route.pattern);
  size_t index = routes_.size();
  bool dynamic = std::any_of(segments.begin(), segments.end(),
                             [](const Segment& s) { return !s.param.empty(); });
  routes_.push_back(std::move(route));
  if (!dynamic) {
    static_[routes_.back().pattern].push_back(index);
    return;
  }
  int weight = 0;
  for (const auto& s : segments) weight += static_cast<int>(s.prefix.size() + s.suffix.size());
  dynamic_.push_back({index, std::move(segments), weight});
  // More literal text first: "/checks/{id}:retry" wins over "/checks/{id}".
  std::stable_sort(dynamic_.begin(), dynamic_.end(),
                   [](const Compiled& a, const Compiled& b) {
                     return a.literal_weight > b.literal_weight;
                   });
}

bool Router::match_segments(const Compiled& compiled, const std::vector<std::string_view>& parts,
                            std::vector<std::pair<std::string, std::string>>* params) {
  if (compiled.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& segment = compiled.segments[i];
    std::string_view part = parts[i];
    if (segment.param.empty()) {
      if (part != segment.prefix) return false;
      continue;
    }
    if (part.size() <= segment.prefix.size() + segment.suffix.size() ||
        !part.starts_with(segment.prefix) || !part.ends_with(segment.suffix)) {
      return false;
    }
    std::string_view value = part.substr(
        segment.prefix.size(), part.size() - segment.prefix.size() - segment.suffix.size());
    // Parameters may contain ':' (list sources are "custom:<name>"); a
    // ':verb' route still wins because routes with more literal text are
    // tried first.
    if (params) params->emplace_back(segment.param, decode_slashes(value));
  }
  return true;
}

Router::Match Router::match(Method method, std::string_view path) const {
  std::vector<const Route*> candidates;
  Match found;
  if (auto it = static_.find(path); it != static_.end()) {
    for (size_t index : it->second) {
      if (routes_[index].method == method) {
        found.route = &routes_[index];
        return found;
      }
      candidates.push_back(&routes_[index]);
    }
  }
  auto parts = split_path(path);
  for (const auto& compiled : dynamic_) {
    const Route& route = routes_[compiled.route_index];
    if (route.method == method) {
      std::vector<std::pair<std::string, std::string>> params;
      if (match_segments(compiled, parts, &params)) {
        found.route = &route;
        found.params = std::move(params);
        return found;
      }
    } else if (match_segments(compiled, parts, nullptr)) {
      candidates.push_back(&route);
    }
  }
  if (candidates.empty()) throw problems::not_found("no route for " + std::string(path));
  std::vector<std::string> methods;
  for (const auto* route : candidates) methods.emplace_back(method_name(route->method));
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  std::string allow;
  for (const auto& m : methods) allow += (allow.empty() ? "" : ", ") + m;
  throw problems::method_not_allowed(allow);
}

}  // namespace hafnium::http
