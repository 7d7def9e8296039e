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

  // Who acts, as audit records and authored versions name them: the API
  // key's id, or "user:<subject>" for a bearer token.
  std::string actor() const {
    return principal.kind == auth::CredentialKind::kJwt ? "user:" + principal.subject : principal.subject;
  }
};

}  // namespace hafnium::http
