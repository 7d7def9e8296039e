#include "services/facade/module.h"

#include "services/facade/api_keys_api.h"
#include "services/facade/meta_api.h"

namespace hafnium::services::facade {

void FacadeModule::register_routes(http::Router& router, runtime::Runtime& runtime) {
  register_meta_routes(router, runtime);
  register_api_key_routes(router, runtime);
}

}  // namespace hafnium::services::facade
