#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "platform/http/context.h"
#include "platform/http/request.h"
#include "platform/http/response.h"

namespace hafnium::http {

using Handler = std::function<Response(const Request&, RequestContext&)>;

// Public routes skip authentication and authorization; everything else is
// denied unless the caller's roles grant the route's action.
enum class Access { kProtected, kPublic };

// Where the handler runs. Handlers that touch the store, files or other
// services block, so they run on the worker pool; the few that only read
// memory run inline on the I/O thread and save two thread hops.
enum class Execution { kBlocking, kInline };

struct Route {
  Method method = Method::kGet;
  std::string pattern;  // "/api/v1/tenants/{tenant}/api-keys/{id}", "/api/v1/x/{id}:verb"
  std::string action;   // permission name the caller needs, e.g. "audit.read"
  Handler handler;
  Access access = Access::kProtected;
  Execution execution = Execution::kBlocking;
  std::string target;   // owning target, for docs and metrics
  // POST routes honour Idempotency-Key unless they opt out.
  bool idempotent_post = true;
};

class Router {
 public:
  // Throws std::logic_error when a protected route has no action, when the
  // pattern is malformed, or when it duplicates a registered route: a route
  // without a declared action cannot be registered.
  void add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
  };
  // Throws 404 for an unknown path, 405 (with Allow) for a known path and
  // another method.
  Match match(Method method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string prefix;  // literal text before the parameter, or the whole literal
    std::string param;   // empty for a literal segment
    std::string suffix;  // literal text after the parameter (":verb")
  };
  struct Compiled {
    size_t route_index;
    std::vector<Segment> segments;
    int literal_weight;
  };
  static std::vector<Segment> compile(const std::string& pattern);
  static bool match_segments(const Compiled& compiled, const std::vector<std::string_view>& parts,
                             std::vector<std::pair<std::string, std::string>>* params);

  std::vector<Route> routes_;
  std::vector<Compiled> dynamic_;
  // Exact paths without parameters: the hot path is a single hash lookup,
  // without copying the path (transparent hashing).
  struct PathHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::vector<size_t>, PathHash, std::equal_to<>> static_;
};

}  // namespace hafnium::http
