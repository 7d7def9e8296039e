#pragma once

#include <memory>
#include <string>
#include <vector>

#include "platform/clients/client_registry.h"
#include "platform/runtime/module.h"

namespace hafnium::services {

// The eight targets of the architecture, in start order.
const std::vector<std::string>& target_names();

// Expands "all" and checks names; throws std::invalid_argument naming an
// unknown target.
std::vector<std::string> resolve_targets(const std::vector<std::string>& requested);

std::unique_ptr<runtime::Module> make_target(const std::string& name);

// Registers the HTTP implementation of every target client, used when that
// target does not run in this process.
void register_remote_clients(clients::ClientRegistry& registry);

}  // namespace hafnium::services
