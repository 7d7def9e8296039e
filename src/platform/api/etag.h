#pragma once

#include <cstdint>
#include <string>

#include "platform/http/request.h"
#include "platform/http/response.h"

namespace hafnium::api {

// Optimistic concurrency: every updatable resource has an integer version,
// exposed as a strong ETag ("\"<version>\""). Updates must send If-Match
// with the version they read: none gets 428, a stale one 412.
std::string etag_for(int64_t version);
void set_etag(http::Response& response, int64_t version);
// Returns the version the client named in If-Match (throws 428/412 as above
// when it is absent, malformed, or differs from `current_version`).
void require_if_match(const http::Request& request, int64_t current_version);

}  // namespace hafnium::api
