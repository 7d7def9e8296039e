#pragma once

#include <string>

#include "platform/auth/principal.h"

namespace hafnium::http {

// Per-request facts the pipeline establishes before a handler runs.
struct RequestContext {
  auth::Principal principal;
  std::string trace_id;   // W3C trace id (32 hex), from traceparent or new
  std::string span_id;    // this server's span (16 hex)
  std::string request_id;
  std::string route;      // the matched route pattern, for metrics and logs
};

}  // namespace hafnium::http
