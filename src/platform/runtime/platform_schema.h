#pragma once

#include <vector>

#include "platform/store/migrations.h"

namespace hafnium::runtime {

// The platform's own tables: tenants, API keys, the outbox, consumer
// bookkeeping, dead letters, the audit chain and idempotency keys.
std::vector<store::Migration> platform_migrations();

}  // namespace hafnium::runtime
