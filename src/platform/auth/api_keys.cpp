#include "platform/auth/api_keys.h"

#include <stdexcept>

#include "platform/store/row.h"
#include "platform/util/crypto.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"

namespace hafnium::auth {

std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& role : roles) out += (out.empty() ? "" : ",") + role;
  return out;
}

std::vector<std::string> split_roles(const std::string& text) {
  std::vector<std::string> roles;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) roles.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return roles;
}

std::string ApiKeyStore::hash_key(std::string_view key) { return util::sha256_hex(key); }

bool ApiKeyStore::looks_like_api_key(std::string_view credential) {
  return credential.starts_with(kPrefix) && credential.size() == kPrefix.size() + 32;
}

CreatedApiKey ApiKeyStore::create_in(soci::session& sql, const std::string& tenant_id,
                                     const std::string& name,
                                     const std::vector<std::string>& roles) {
  if (roles.empty()) throw std::invalid_argument("an API key needs at least one role");
  CreatedApiKey created;
  created.secret = std::string(kPrefix) + util::base64url_encode(util::random_bytes(24));
  auto& record = created.record;
  record.id = util::uuid_v7();
  record.tenant_id = tenant_id;
  record.name = name;
  record.roles = roles;
  record.key_hash = hash_key(created.secret);
  record.prefix = created.secret.substr(0, 10);
  record.created_at = util::now_micros();
  int tenants = 0;
  sql << "SELECT COUNT(*) FROM tenants WHERE id = :id", soci::use(tenant_id), soci::into(tenants);
  if (tenants == 0) throw std::invalid_argument("no tenant with id " + tenant_id);
  std::string role_text = join_roles(roles);
  long long at = record.created_at;
  sql << "INSERT INTO api_keys (id, tenant_id, name, roles, key_hash, prefix, created_at, version)"
         " VALUES (:id, :tenant, :name, :roles, :hash, :prefix, :at, 1)",
      soci::use(record.id), soci::use(tenant_id), soci::use(name), soci::use(role_text),
      soci::use(record.key_hash), soci::use(record.prefix), soci::use(at);
  return created;
}

CreatedApiKey ApiKeyStore::create(const std::string& tenant_id, const std::string& name,
                                  const std::vector<std::string>& roles) {
  return db_.write([&](soci::session& sql) { return create_in(sql, tenant_id, name, roles); });
}

bool ApiKeyStore::revoke_in(soci::session& sql, const std::string& id,
                            const std::string& tenant_id) {
  long long at = util::now_micros();
  soci::statement st = tenant_id.empty()
      ? (sql.prepare << "UPDATE api_keys SET revoked_at = :at, version = version + 1"
                        " WHERE id = :id AND revoked_at IS NULL",
         soci::use(at), soci::use(id))
      : (sql.prepare << "UPDATE api_keys SET revoked_at = :at, version = version + 1"
                        " WHERE id = :id AND tenant_id = :tenant AND revoked_at IS NULL",
         soci::use(at), soci::use(id), soci::use(tenant_id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::optional<int64_t> ApiKeyStore::rename_in(soci::session& sql, const std::string& id,
                                              const std::string& tenant_id,
                                              const std::string& name, int64_t expected_version) {
  long long expected = expected_version;
  soci::statement st =
      (sql.prepare << "UPDATE api_keys SET name = :name, version = version + 1"
                      " WHERE id = :id AND tenant_id = :tenant AND version = :version",
       soci::use(name), soci::use(id), soci::use(tenant_id), soci::use(expected));
  st.execute(true);
  if (st.get_affected_rows() == 0) return std::nullopt;
  return expected_version + 1;
}

bool ApiKeyStore::revoke(const std::string& id, const std::string& tenant_id) {
  return db_.write([&](soci::session& sql) { return revoke_in(sql, id, tenant_id); });
}

namespace {
constexpr const char* kSelect =
    "SELECT k.id, k.tenant_id, t.name, k.name, k.roles, k.key_hash, k.prefix, k.created_at,"
    " k.revoked_at, k.last_used_at, k.version FROM api_keys k JOIN tenants t ON t.id = k.tenant_id";

ApiKeyRecord from_row(const soci::row& row) {
  ApiKeyRecord r;
  r.id = store::get_string(row, 0);
  r.tenant_id = store::get_string(row, 1);
  r.tenant_name = store::get_string(row, 2);
  r.name = store::get_string(row, 3);
  r.roles = split_roles(store::get_string(row, 4));
  r.key_hash = store::get_string(row, 5);
  r.prefix = store::get_string(row, 6);
  r.created_at = store::get_int64(row, 7);
  r.revoked_at = store::get_optional_int64(row, 8);
  r.last_used_at = store::get_optional_int64(row, 9);
  r.version = store::get_int64(row, 10);
  return r;
}
}  // namespace

std::vector<ApiKeyRecord> ApiKeyStore::list(const std::string& tenant_id) {
  return db_.read([&](soci::session& sql) {
    std::vector<ApiKeyRecord> out;
    if (tenant_id.empty()) {
      soci::rowset<soci::row> rows = sql.prepare << std::string(kSelect) + " ORDER BY k.id";
      for (const auto& row : rows) out.push_back(from_row(row));
    } else {
      soci::rowset<soci::row> rows =
          (sql.prepare << std::string(kSelect) + " WHERE k.tenant_id = :tenant ORDER BY k.id",
           soci::use(tenant_id));
      for (const auto& row : rows) out.push_back(from_row(row));
    }
    return out;
  });
}

std::vector<ApiKeyRecord> ApiKeyStore::list_page(const std::string& tenant_id,
                                                 const std::string& after_id, size_t limit) {
  return db_.read([&](soci::session& sql) {
    std::vector<ApiKeyRecord> out;
    long long n = static_cast<long long>(limit);
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kSelect) +
                            " WHERE k.tenant_id = :tenant AND k.id > :after ORDER BY k.id LIMIT :n",
         soci::use(tenant_id), soci::use(after_id), soci::use(n));
    for (const auto& row : rows) out.push_back(from_row(row));
    return out;
  });
}

std::optional<ApiKeyRecord> ApiKeyStore::find_in(soci::session& sql, const std::string& id,
                                                 const std::string& tenant_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kSelect) + " WHERE k.id = :id AND k.tenant_id = :tenant",
       soci::use(id), soci::use(tenant_id));
  for (const auto& row : rows) return from_row(row);
  return std::nullopt;
}

std::optional<ApiKeyRecord> ApiKeyStore::find(const std::string& id, const std::string& tenant_id) {
  return db_.read([&](soci::session& sql) { return find_in(sql, id, tenant_id); });
}

std::optional<ApiKeyRecord> ApiKeyStore::find_active_by_hash(const std::string& key_hash) {
  return db_.read([&](soci::session& sql) -> std::optional<ApiKeyRecord> {
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kSelect) + " WHERE k.key_hash = :hash AND k.revoked_at IS NULL",
         soci::use(key_hash));
    for (const auto& row : rows) return from_row(row);
    return std::nullopt;
  });
}

std::vector<ApiKeyRecord> ApiKeyStore::load_active() {
  return db_.read([&](soci::session& sql) {
    std::vector<ApiKeyRecord> out;
    soci::rowset<soci::row> rows =
        sql.prepare << std::string(kSelect) + " WHERE k.revoked_at IS NULL";
    for (const auto& row : rows) out.push_back(from_row(row));
    return out;
  });
}

void ApiKeyStore::record_last_used(const std::string& id, int64_t at) {
  db_.write([&](soci::session& sql) {
    long long when = at;
    // last_used_at is bookkeeping, not a change of the key: no version bump.
    sql << "UPDATE api_keys SET last_used_at = :at WHERE id = :id"
           " AND (last_used_at IS NULL OR last_used_at < :at2)",
        soci::use(when), soci::use(id), soci::use(when);
  });
}

}  // namespace hafnium::auth
