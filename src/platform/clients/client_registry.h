#pragma once

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include "platform/clients/http_client.h"

namespace hafnium::clients {

// Hands out the client of a target. A target running in this process
// registers its in-process implementation; for a target that runs elsewhere
// the registry builds the HTTP implementation against the configured peer
// URL. Callers ask for the interface and never learn which one they got.
class ClientRegistry {
 public:
  void set_peer(const std::string& target, const std::string& base_url);

  template <class Interface>
  void provide_local(const std::string& target, std::shared_ptr<Interface> client) {
    std::lock_guard lock(mutex_);
    local_[target] = std::any(std::shared_ptr<Interface>(std::move(client)));
  }

  template <class Interface>
  void provide_remote(const std::string& target,
                      std::function<std::shared_ptr<Interface>(std::shared_ptr<HttpClient>)> make) {
    std::lock_guard lock(mutex_);
    remote_factories_[target] = std::any(std::move(make));
  }

  template <class Interface>
  std::shared_ptr<Interface> get(const std::string& target) {
    std::lock_guard lock(mutex_);
    if (auto it = local_.find(target); it != local_.end()) {
      return std::any_cast<std::shared_ptr<Interface>>(it->second);
    }
    auto factory = remote_factories_.find(target);
    if (factory == remote_factories_.end()) {
      throw std::logic_error("no client registered for target " + target);
    }
    auto url = peers_.find(target);
    if (url == peers_.end()) {
      throw std::runtime_error("target " + target +
                               " does not run here and has no peer URL (set peers: " + target +
                               "=http://host:port)");
    }
    auto& http = http_[target];
    if (!http) http = std::make_shared<HttpClient>(url->second);
    using Factory = std::function<std::shared_ptr<Interface>(std::shared_ptr<HttpClient>)>;
    return std::any_cast<Factory>(factory->second)(http);
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::any> local_;
  std::map<std::string, std::any> remote_factories_;
  std::map<std::string, std::string> peers_;
  std::map<std::string, std::shared_ptr<HttpClient>> http_;
};

}  // namespace hafnium::clients
