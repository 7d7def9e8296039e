#include "platform/auth/authenticator.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include "platform/store/database.h"
#include "platform/util/error_text.h"
#include "platform/util/time.h"

namespace hafnium::auth {

namespace {
Principal principal_of(const ApiKeyRecord& record) {
  Principal p;
  p.tenant_id = record.tenant_id;
  p.tenant_name = record.tenant_name;
  p.subject = "api-key:" + record.id;
  p.roles = record.roles;
  p.kind = CredentialKind::kApiKey;
  p.credential_id = record.id;
  return p;
}
}  // namespace

Authenticator::Authenticator(std::shared_ptr<store::Database> db,
                             std::unique_ptr<JwtVerifier> jwt, std::chrono::milliseconds refresh)
    : db_(std::move(db)),
      jwt_(std::move(jwt)),
      refresh_(refresh),
      keys_(std::make_shared<KeyMap>()),
      tenants_(std::make_shared<TenantMap>()) {}

Authenticator::~Authenticator() { stop(); }

void Authenticator::start() {
  refresh();
  if (jwt_) {
    try {
      jwt_->reload();
    } catch (const std::exception& error) {
      spdlog::warn("JWKS not loaded at start ({}); will retry on first token", util::error_text(error));
    }
  }
  refresher_ = std::thread([this] { refresher_loop(); });
}

void Authenticator::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  std::shared_ptr<const KeyMap> keys;
  {
    std::lock_guard lock(snapshot_mutex_);
    keys = keys_;
  }
  try {
    flush_last_used(*keys);
  } catch (const std::exception& error) {
    if (!store::is_unavailable(error)) spdlog::warn("could not record API key last-used times: {}", util::error_text(error));
  }
}

void Authenticator::refresher_loop() {
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, refresh_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      std::shared_ptr<const KeyMap> previous;
      {
        std::lock_guard snapshot(snapshot_mutex_);
        previous = keys_;
      }
      flush_last_used(*previous);
      refresh();
    } catch (const std::exception& error) {
      if (!store::is_unavailable(error)) spdlog::warn("API key refresh failed: {}", util::error_text(error));
    }
    lock.lock();
  }
}

void Authenticator::flush_last_used(const KeyMap& keys) {
  for (const auto& [hash, entry] : keys) {
    int64_t used = entry->last_used.load(std::memory_order_relaxed);
    if (used > entry->flushed_last_used.load(std::memory_order_relaxed)) {
      ApiKeyStore(*db_).record_last_used(entry->record.id, used);
      entry->flushed_last_used.store(used, std::memory_order_relaxed);
    }
  }
}

void Authenticator::refresh() {
  auto records = ApiKeyStore(*db_).load_active();
  auto tenants = std::make_shared<TenantMap>();
  db_->read([&](soci::session& sql) {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT name, id FROM tenants";
    for (const auto& row : rows) (*tenants)[row.get<std::string>(0)] = row.get<std::string>(1);
  });
  std::shared_ptr<const KeyMap> previous;
  {
    std::lock_guard lock(snapshot_mutex_);
    previous = keys_;
  }
  auto keys = std::make_shared<KeyMap>();
  for (auto& record : records) {
    auto entry = std::make_shared<KeyEntry>();
    if (auto old = previous->find(record.key_hash); old != previous->end()) {
      entry->last_used = old->second->last_used.load();
      entry->flushed_last_used = old->second->flushed_last_used.load();
    }
    std::string hash = record.key_hash;
    entry->principal = principal_of(record);
    entry->record = std::move(record);
    (*keys)[hash] = std::move(entry);
  }
  std::lock_guard lock(snapshot_mutex_);
  keys_ = std::move(keys);
  tenants_ = std::move(tenants);
  recent_.clear();
}

std::optional<std::string_view> Authenticator::extract_credential(const http::Request& request) {
  if (const auto* header = request.header("authorization")) {
    std::string_view value = *header;
    if (value.size() > 7 && strncasecmp(value.data(), "Bearer ", 7) == 0) {
      value.remove_prefix(7);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return value;
    }
    return std::string_view{};  // another scheme: presented but unusable
  }
  if (const auto* header = request.header("x-api-key")) return std::string_view(*header);
  return std::nullopt;
}


AuthOutcome Authenticator::from_key_entry(const KeyEntry& entry) {
  AuthOutcome outcome;
  outcome.kind = AuthOutcome::Kind::kAuthenticated;
  outcome.principal = entry.principal;
  entry.last_used.store(util::now_micros(), std::memory_order_relaxed);
  return outcome;
}

AuthOutcome Authenticator::from_jwt(std::string_view token, bool may_block) {
  AuthOutcome outcome;
  if (!jwt_) {
    outcome.kind = AuthOutcome::Kind::kRejected;
    outcome.reason = "bearer tokens are not enabled on this server";
    return outcome;
  }
  auto result = jwt_->verify(token, may_block);
  if (result.failure == JwtFailure::kUnknownKey && !may_block) {
    outcome.kind = AuthOutcome::Kind::kNeedsBlocking;
    return outcome;
  }
  if (!result.token) {
    outcome.kind = AuthOutcome::Kind::kRejected;
    outcome.reason = "invalid bearer token: " + result.reason;
    return outcome;
  }
  std::shared_ptr<const TenantMap> tenants;
  {
    std::lock_guard lock(snapshot_mutex_);
    tenants = tenants_;
  }
  auto tenant = tenants->find(result.token->tenant);
  if (tenant == tenants->end()) {
    outcome.kind = AuthOutcome::Kind::kRejected;
    outcome.reason = "token names a tenant that does not exist";
    return outcome;
  }
  outcome.kind = AuthOutcome::Kind::kAuthenticated;
  auto& p = outcome.principal;
  p.tenant_id = tenant->second;
  p.tenant_name = tenant->first;
  p.subject = result.token->subject;
  p.roles = std::move(result.token->roles);
  p.scopes = std::move(result.token->scopes);
  p.kind = CredentialKind::kJwt;
  p.credential_id = result.token->token_id.empty() ? p.subject : result.token->token_id;
  return outcome;
}

AuthOutcome Authenticator::authenticate(const http::Request& request) {
  auto credential = extract_credential(request);
  if (!credential) return {};
  if (credential->empty()) {
    return {AuthOutcome::Kind::kRejected, {}, "use 'Authorization: Bearer <credential>'"};
  }
  if (ApiKeyStore::looks_like_api_key(*credential)) {
    std::string hash = ApiKeyStore::hash_key(*credential);
    std::lock_guard lock(snapshot_mutex_);
    if (auto it = keys_->find(hash); it != keys_->end()) return from_key_entry(*it->second);
    if (auto it = recent_.find(hash); it != recent_.end()) return from_key_entry(*it->second);
    return {AuthOutcome::Kind::kNeedsBlocking, {}, {}};
  }
  if (JwtVerifier::looks_like_jwt(*credential)) return from_jwt(*credential, false);
  return {AuthOutcome::Kind::kRejected, {}, "credential is neither an API key nor a JWT"};
}

AuthOutcome Authenticator::authenticate_blocking(const http::Request& request) {
  auto credential = extract_credential(request);
  if (!credential) return {};
  if (ApiKeyStore::looks_like_api_key(*credential)) {
    std::string hash = ApiKeyStore::hash_key(*credential);
    auto record = ApiKeyStore(*db_).find_active_by_hash(hash);
    if (!record) return {AuthOutcome::Kind::kRejected, {}, "API key is not valid"};
    auto entry = std::make_shared<KeyEntry>();
    entry->principal = principal_of(*record);
    entry->record = std::move(*record);
    {
      std::lock_guard lock(snapshot_mutex_);
      recent_[hash] = entry;
    }
    return from_key_entry(*entry);
  }
  if (JwtVerifier::looks_like_jwt(*credential)) return from_jwt(*credential, true);
  return authenticate(request);
}

}  // namespace hafnium::auth
