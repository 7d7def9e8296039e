#pragma once

#include "platform/clients/http_client.h"
#include "platform/http/context.h"
#include "platform/http/request.h"

namespace hafnium::clients {

// What a handler passes to another target's client: the caller's
// credential, so the peer authorises the same principal, and the trace
// continued from this request's span, so one trace covers both processes.
inline CallContext call_context(const http::Request& request, const http::RequestContext& context) {
  CallContext call;
  if (const auto* authorization = request.header("authorization")) {
    call.authorization = *authorization;
  } else if (const auto* key = request.header("x-api-key")) {
    call.authorization = "Bearer " + *key;
  }
  if (!context.trace_id.empty()) {
    call.traceparent = "00-" + context.trace_id + "-" + context.span_id + "-01";
  }
  return call;
}

}  // namespace hafnium::clients
