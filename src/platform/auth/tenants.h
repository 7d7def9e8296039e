#pragma once

#include <optional>
#include <string>
#include <vector>

#include "platform/store/database.h"

namespace hafnium::auth {

struct Tenant {
  std::string id;
  std::string name;
  int64_t created_at = 0;
};

// Tenants are the unit of isolation: every row of every target carries the
// tenant's id, and every query filters by the caller's tenant.
class TenantStore {
 public:
  explicit TenantStore(store::Database& db) : db_(db) {}

  // Throws std::invalid_argument for a bad name, std::runtime_error when the
  // name is taken.
  Tenant create(const std::string& name);
  std::optional<Tenant> find_by_name(const std::string& name);
  std::optional<Tenant> find_by_id(const std::string& id);
  std::vector<Tenant> list();

  // Tenant names: 1-63 characters of [a-z0-9-], starting with a letter.
  static bool valid_name(const std::string& name);

 private:
  store::Database& db_;
};

}  // namespace hafnium::auth
