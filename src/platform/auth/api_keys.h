#pragma once

#include <optional>
#include <string>
#include <vector>

#include "platform/store/database.h"

namespace hafnium::auth {

struct ApiKeyRecord {
  std::string id;
  std::string tenant_id;
  std::string tenant_name;
  std::string name;
  std::vector<std::string> roles;
  std::string key_hash;  // SHA-256 hex of the whole key; the key itself is never stored
  std::string prefix;    // first characters of the key, to recognise it in listings
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
  std::optional<int64_t> last_used_at;
  int64_t version = 1;
};

struct CreatedApiKey {
  ApiKeyRecord record;
  std::string secret;  // shown once, to the creator
};

// API keys: random 192-bit secrets with a recognisable prefix
// ("hfk_" + 32 base64url characters). High entropy makes a plain SHA-256 the
// right storage hash: there is nothing to brute-force, and lookup by hash is
// one index probe.
class ApiKeyStore {
 public:
  explicit ApiKeyStore(store::Database& db) : db_(db) {}

  // Throws std::invalid_argument for an unknown role or a missing tenant.
  CreatedApiKey create(const std::string& tenant_id, const std::string& name,
                       const std::vector<std::string>& roles);
  // The same inside the caller's transaction (to audit in the same commit).
  static CreatedApiKey create_in(soci::session& sql, const std::string& tenant_id,
                                 const std::string& name, const std::vector<std::string>& roles);
  static bool revoke_in(soci::session& sql, const std::string& id, const std::string& tenant_id);
  // Renames a key of the tenant; returns the new version, or nullopt when the
  // key does not exist or `expected_version` is stale (the caller tells which).
  static std::optional<int64_t> rename_in(soci::session& sql, const std::string& id,
                                          const std::string& tenant_id, const std::string& name,
                                          int64_t expected_version);
  static std::optional<ApiKeyRecord> find_in(soci::session& sql, const std::string& id,
                                             const std::string& tenant_id);
  // Revokes within the tenant (empty tenant: any tenant, for the operator's
  // CLI). Returns false when no such active key exists.
  bool revoke(const std::string& id, const std::string& tenant_id = "");
  std::vector<ApiKeyRecord> list(const std::string& tenant_id = "");
  // One page of a tenant's keys in id (creation) order, after `after_id`.
  std::vector<ApiKeyRecord> list_page(const std::string& tenant_id, const std::string& after_id,
                                      size_t limit);
  std::optional<ApiKeyRecord> find(const std::string& id, const std::string& tenant_id);
  std::optional<ApiKeyRecord> find_active_by_hash(const std::string& key_hash);
  std::vector<ApiKeyRecord> load_active();
  void record_last_used(const std::string& id, int64_t at);

  static std::string hash_key(std::string_view key);
  static bool looks_like_api_key(std::string_view credential);
  static constexpr std::string_view kPrefix = "hfk_";

 private:
  store::Database& db_;
};

std::string join_roles(const std::vector<std::string>& roles);
std::vector<std::string> split_roles(const std::string& text);

}  // namespace hafnium::auth
