#include "platform/clients/client_registry.h"

namespace hafnium::clients {

void ClientRegistry::set_peer(const std::string& target, const std::string& base_url) {
  std::lock_guard lock(mutex_);
  peers_[target] = base_url;
  http_.erase(target);
}

}  // namespace hafnium::clients
