#include "platform/auth/tenants.h"

#include <stdexcept>

#include "platform/store/row.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"

namespace hafnium::auth {

bool TenantStore::valid_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Tenant TenantStore::create(const std::string& name) {
  if (!valid_name(name)) {
    throw std::invalid_argument(
        "tenant name must be 1-63 characters of a-z, 0-9 and '-', starting with a letter");
  }
  Tenant tenant{util::uuid_v7(), name, util::now_micros()};
  try {
    db_.write([&](soci::session& sql) {
      long long at = tenant.created_at;
      sql << "INSERT INTO tenants (id, name, created_at) VALUES (:id, :name, :at)",
          soci::use(tenant.id), soci::use(tenant.name), soci::use(at);
    });
  } catch (const soci::soci_error& error) {
    if (store::is_unique_violation(error)) {
      throw std::runtime_error("tenant '" + name + "' already exists");
    }
    throw;
  }
  return tenant;
}

namespace {
std::optional<Tenant> find_one(store::Database& db, const std::string& column,
                               const std::string& value) {
  return db.read([&](soci::session& sql) -> std::optional<Tenant> {
    Tenant tenant;
    long long at = 0;
    soci::indicator ind;
    sql << "SELECT id, name, created_at FROM tenants WHERE " + column + " = :v",
        soci::into(tenant.id, ind), soci::into(tenant.name), soci::into(at), soci::use(value);
    if (!sql.got_data()) return std::nullopt;
    tenant.created_at = at;
    return tenant;
  });
}
}  // namespace

std::optional<Tenant> TenantStore::find_by_name(const std::string& name) {
  return find_one(db_, "name", name);
}

std::optional<Tenant> TenantStore::find_by_id(const std::string& id) {
  return find_one(db_, "id", id);
}

std::vector<Tenant> TenantStore::list() {
  return db_.read([&](soci::session& sql) {
    std::vector<Tenant> tenants;
    soci::rowset<soci::row> rows = sql.prepare << "SELECT id, name, created_at FROM tenants ORDER BY name";
    for (const auto& row : rows) {
      tenants.push_back({store::get_string(row, 0), store::get_string(row, 1),
                         store::get_int64(row, 2)});
    }
    return tenants;
  });
}

}  // namespace hafnium::auth
