#pragma once

#include "platform/http/router.h"
#include "platform/runtime/runtime.h"

namespace hafnium::services::facade {

// GET /api/v1/whoami and GET /api/v1/openapi.json.
void register_meta_routes(http::Router& router, runtime::Runtime& runtime);

// The OpenAPI document compiled into the binary.
std::string_view openapi_document();

}  // namespace hafnium::services::facade
