#include <gtest/gtest.h>

#include "platform/auth/api_keys.h"
#include "platform/auth/authenticator.h"
#include "platform/auth/tenants.h"
#include "support/store_fixture.h"

namespace hafnium::auth {
namespace {

class AuthStoreTest : public testing::StoreTest {};

http::Request with_bearer(const std::string& credential) {
  http::Request request;
  request.headers.emplace_back("authorization", "Bearer " + credential);
  return request;
}

TEST_P(AuthStoreTest, TenantsHaveUniqueValidNames) {
  TenantStore tenants(*db_);
  auto acme = tenants.create("acme");
  EXPECT_EQ(tenants.find_by_name("acme")->id, acme.id);
  EXPECT_EQ(tenants.find_by_id(acme.id)->name, "acme");
  EXPECT_THROW(tenants.create("acme"), std::runtime_error);
  for (const char* bad : {"", "Acme", "1acme", "ac me", "acme_1"}) {
    EXPECT_THROW(tenants.create(bad), std::invalid_argument) << bad;
  }
  EXPECT_EQ(tenants.list().size(), 1u);
}

TEST_P(AuthStoreTest, ApiKeysAreStoredOnlyAsHashes) {
  auto tenant = TenantStore(*db_).create("acme");
  ApiKeyStore keys(*db_);
  auto created = keys.create(tenant.id, "ci", {"integration"});
  EXPECT_TRUE(ApiKeyStore::looks_like_api_key(created.secret));
  long long plain = 0;
  db_->read([&](soci::session& sql) {
    sql << "SELECT COUNT(*) FROM api_keys WHERE key_hash = :s OR prefix = :s2 OR name = :s3",
        soci::use(created.secret), soci::use(created.secret), soci::use(created.secret),
        soci::into(plain);
  });
  EXPECT_EQ(plain, 0);
  auto found = keys.find_active_by_hash(ApiKeyStore::hash_key(created.secret));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->roles, std::vector<std::string>{"integration"});
  EXPECT_EQ(found->tenant_name, "acme");
  EXPECT_THROW(keys.create("no-such-tenant", "x", {"admin"}), std::invalid_argument);
}

TEST_P(AuthStoreTest, RevocationIsScopedToTheTenant) {
  auto acme = TenantStore(*db_).create("acme");
  auto other = TenantStore(*db_).create("other");
  ApiKeyStore keys(*db_);
  auto key = keys.create(acme.id, "k", {"admin"});
  EXPECT_FALSE(keys.revoke(key.record.id, other.id));
  EXPECT_TRUE(keys.find_active_by_hash(key.record.key_hash));
  EXPECT_TRUE(keys.revoke(key.record.id, acme.id));
  EXPECT_FALSE(keys.revoke(key.record.id, acme.id));
  EXPECT_FALSE(keys.find_active_by_hash(key.record.key_hash));
  EXPECT_EQ(keys.list(acme.id).size(), 1u);
  EXPECT_TRUE(keys.list(other.id).empty());
}

TEST_P(AuthStoreTest, AuthenticatorFindsNewKeysAtOnceAndDropsRevokedOnesOnRefresh) {
  auto tenant = TenantStore(*db_).create("acme");
  ApiKeyStore keys(*db_);
  auto early = keys.create(tenant.id, "early", {"analyst"});
  Authenticator authenticator(db_, nullptr, std::chrono::milliseconds(50));
  authenticator.start();

  auto outcome = authenticator.authenticate(with_bearer(early.secret));
  ASSERT_EQ(outcome.kind, AuthOutcome::Kind::kAuthenticated);
  EXPECT_EQ(outcome.principal.tenant_name, "acme");
  EXPECT_EQ(outcome.principal.roles, std::vector<std::string>{"analyst"});

  // Created after the snapshot: the memory path defers to the store.
  auto late = keys.create(tenant.id, "late", {"auditor"});
  auto memory = authenticator.authenticate(with_bearer(late.secret));
  if (memory.kind == AuthOutcome::Kind::kNeedsBlocking) {
    memory = authenticator.authenticate_blocking(with_bearer(late.secret));
  }
  EXPECT_EQ(memory.kind, AuthOutcome::Kind::kAuthenticated);

  keys.revoke(early.record.id, tenant.id);
  authenticator.refresh();
  auto revoked = authenticator.authenticate(with_bearer(early.secret));
  if (revoked.kind == AuthOutcome::Kind::kNeedsBlocking) {
    revoked = authenticator.authenticate_blocking(with_bearer(early.secret));
  }
  EXPECT_EQ(revoked.kind, AuthOutcome::Kind::kRejected);

  // X-API-Key is accepted too; other schemes and junk are rejected.
  http::Request header_key;
  header_key.headers.emplace_back("x-api-key", late.secret);
  EXPECT_EQ(authenticator.authenticate(header_key).kind, AuthOutcome::Kind::kAuthenticated);
  http::Request basic;
  basic.headers.emplace_back("authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(authenticator.authenticate(basic).kind, AuthOutcome::Kind::kRejected);
  EXPECT_EQ(authenticator.authenticate(with_bearer("garbage")).kind, AuthOutcome::Kind::kRejected);
  EXPECT_EQ(authenticator.authenticate(http::Request{}).kind, AuthOutcome::Kind::kAnonymous);
  // Bearer tokens are refused when no JWKS is configured.
  EXPECT_EQ(authenticator.authenticate(with_bearer("a.b.c")).kind, AuthOutcome::Kind::kRejected);
  authenticator.stop();

  // Last-used times were written back.
  auto listed = keys.list(tenant.id);
  bool any_used = false;
  for (const auto& k : listed) any_used = any_used || k.last_used_at.has_value();
  EXPECT_TRUE(any_used);
}

HAFNIUM_STORE_TEST_SUITE(AuthStoreTest);

}  // namespace
}  // namespace hafnium::auth
