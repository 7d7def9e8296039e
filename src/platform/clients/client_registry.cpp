#include "platform/clients/client_registry.h"

namespace hafnium::clients {

void ClientRegistry::set_peer(const std::string& target, const std::string& base_url) {
  std::lock_guard lock(mutex_);
  peers_[target] = base_url;
  http_.erase(target);
}

std::string ClientRegistry::peer_url(const std::string& target) const {
  std::lock_guard lock(mutex_);
  auto it = peers_.find(target);
  return it == peers_.end() ? std::string() : it->second;
}

}  // namespace hafnium::clients
