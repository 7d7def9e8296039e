#include "platform/api/idempotency.h"

#include <gtest/gtest.h>

#include "platform/http/problem.h"
#include "support/store_fixture.h"

namespace hafnium::api {
namespace {

class IdempotencyTest : public testing::StoreTest {};

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const http::ApiError& error) {
    return error.status();
  }
  return 0;
}

TEST_P(IdempotencyTest, ReplaysTheStoredResponseForTheSameRequest) {
  IdempotencyStore store(db_, 3600);
  auto first = store.begin("t1", "key-1", "hash-a");
  EXPECT_EQ(first.kind, IdempotencyStore::Begin::Kind::kNew);
  // While the first is running, a repeat is a conflict.
  EXPECT_EQ(status_of([&] { store.begin("t1", "key-1", "hash-a"); }), 409);
  http::Response response = http::Response::json(201, boost::json::object{{"id", "x"}});
  response.set_header("Location", "/things/x");
  store.complete("t1", "key-1", response);
  auto again = store.begin("t1", "key-1", "hash-a");
  ASSERT_EQ(again.kind, IdempotencyStore::Begin::Kind::kReplay);
  EXPECT_EQ(again.stored.status, 201);
  EXPECT_EQ(again.stored.body, response.body);
  EXPECT_EQ(*again.stored.header("Location"), "/things/x");
  EXPECT_EQ(*again.stored.header("Idempotent-Replayed"), "true");
}

TEST_P(IdempotencyTest, SameKeyForAnotherRequestIs422AndKeysArePerTenant) {
  IdempotencyStore store(db_, 3600);
  store.begin("t1", "key-1", "hash-a");
  store.complete("t1", "key-1", http::Response::json(200, boost::json::object{}));
  EXPECT_EQ(status_of([&] { store.begin("t1", "key-1", "hash-b"); }), 422);
  EXPECT_EQ(store.begin("t2", "key-1", "hash-b").kind, IdempotencyStore::Begin::Kind::kNew);
}

TEST_P(IdempotencyTest, ReleasedAndExpiredKeysStartOver) {
  IdempotencyStore store(db_, 3600);
  store.begin("t1", "k", "a");
  store.release("t1", "k");
  EXPECT_EQ(store.begin("t1", "k", "b").kind, IdempotencyStore::Begin::Kind::kNew);

  IdempotencyStore expiring(db_, -1);  // already expired when written
  expiring.begin("t1", "old", "a");
  expiring.complete("t1", "old", http::Response::json(200, boost::json::object{}));
  EXPECT_EQ(expiring.begin("t1", "old", "different").kind, IdempotencyStore::Begin::Kind::kNew);
  EXPECT_GE(expiring.purge_expired(), 1u);
}

TEST_P(IdempotencyTest, RejectsMalformedKeys) {
  IdempotencyStore store(db_, 3600);
  EXPECT_EQ(status_of([&] { store.begin("t1", "", "a"); }), 400);
  EXPECT_EQ(status_of([&] { store.begin("t1", std::string(256, 'k'), "a"); }), 400);
  EXPECT_EQ(status_of([&] { store.begin("t1", "has space", "a"); }), 400);
}

HAFNIUM_STORE_TEST_SUITE(IdempotencyTest);

}  // namespace
}  // namespace hafnium::api
