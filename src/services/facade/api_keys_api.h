#pragma once

#include "platform/http/router.h"
#include "platform/runtime/runtime.h"

namespace hafnium::services::facade {

// A tenant's API keys over HTTP, for its admins:
//   GET    /api/v1/tenants/{tenant}/api-keys          list (cursor pages)
//   POST   /api/v1/tenants/{tenant}/api-keys          create; the key is in the response, once
//   GET    /api/v1/tenants/{tenant}/api-keys/{id}     one key, with its ETag
//   PATCH  /api/v1/tenants/{tenant}/api-keys/{id}     rename (If-Match)
//   DELETE /api/v1/tenants/{tenant}/api-keys/{id}     revoke
// {tenant} is the caller's tenant name or id; any other tenant is 404, so a
// caller cannot even learn whether another tenant exists.
void register_api_key_routes(http::Router& router, runtime::Runtime& runtime);

}  // namespace hafnium::services::facade
