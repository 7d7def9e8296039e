#include <gtest/gtest.h>

#include "platform/api/etag.h"
#include "platform/api/pagination.h"
#include "platform/util/crypto.h"
#include "platform/api/rate_limiter.h"
#include "platform/http/problem.h"

namespace hafnium::api {
namespace {

TEST(Pagination, ParsesLimitAndOpaqueCursor) {
  http::Request request;
  request.query = "limit=10&cursor=" + encode_cursor("0193-abc");
  auto page = parse_page(request);
  EXPECT_EQ(page.limit, 10u);
  EXPECT_EQ(page.after.value(), "0193-abc");
  http::Request first;
  EXPECT_EQ(parse_page(first).limit, kDefaultPageSize);
  EXPECT_FALSE(parse_page(first).after);
}

TEST(Pagination, RejectsBadLimitsAndForeignCursors) {
  for (const char* query : {"limit=0", "limit=501", "limit=abc", "limit=5x", "cursor=not-a-cursor"}) {
    http::Request request;
    request.query = query;
    EXPECT_THROW(parse_page(request), http::ApiError) << query;
  }
}

TEST(Pagination, AListRefusesParametersItDoesNotTakeNamingEach) {
  http::Request request;
  request.query = "limit=5&status=open&cursor=x";
  EXPECT_NO_THROW(require_known_parameters(request, {"status"}));
  request.query = "staus=open&limit=5&severity=high&staus=closed&%FF=1";
  try {
    require_known_parameters(request, {"status"});
    FAIL() << "unknown parameters were taken";
  } catch (const http::ApiError& error) {
    EXPECT_EQ(error.status(), 400);
    ASSERT_EQ(error.fields().size(), 3u);  // staus once, severity, and a name that is not text
    EXPECT_EQ(error.fields()[0].field, "staus");
    EXPECT_EQ(error.fields()[0].reason, "is not a parameter of this list (it takes limit, cursor, status)");
    EXPECT_EQ(error.fields()[1].field, "severity");
    EXPECT_EQ(error.fields()[2].field, "query");
  }
}

TEST(Pagination, BodyHasItemsAndNullCursorOnLastPage) {
  auto body = page_body({}, std::nullopt);
  EXPECT_TRUE(body.at("next_cursor").is_null());
  auto more = page_body({}, std::string("x"));
  EXPECT_EQ(decode_cursor(std::string(more.at("next_cursor").as_string())).value(), "x");
  // Forged: our prefix, then bytes no position holds.
  EXPECT_EQ(decode_cursor(util::base64url_encode("c1:\xff\xfe")), std::nullopt);
  EXPECT_EQ(decode_cursor(util::base64url_encode(std::string("c1:a\0b", 6))), std::nullopt);
  EXPECT_EQ(decode_cursor(util::base64url_encode("c1:2026/\xc3\xa9")).value(), "2026/\xc3\xa9");
}

TEST(ETag, RequiresAMatchingIfMatch) {
  http::Request request;
  try {
    require_if_match(request, 3);
    FAIL();
  } catch (const http::ApiError& error) {
    EXPECT_EQ(error.status(), 428);
  }
  request.headers.emplace_back("if-match", "\"2\"");
  try {
    require_if_match(request, 3);
    FAIL();
  } catch (const http::ApiError& error) {
    EXPECT_EQ(error.status(), 412);
  }
  request.headers.back().second = etag_for(3);
  EXPECT_NO_THROW(require_if_match(request, 3));
}

TEST(RateLimiter, TokenBucketAllowsBurstThenAsksToWait) {
  InMemoryRateLimiter limiter;
  config::RateLimit limit{1, 3};
  EXPECT_FALSE(limiter.acquire("k", limit));
  EXPECT_FALSE(limiter.acquire("k", limit));
  EXPECT_FALSE(limiter.acquire("k", limit));
  auto wait = limiter.acquire("k", limit);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 1);
  // Buckets are per key.
  EXPECT_FALSE(limiter.acquire("other", limit));
  // A zero rate disables the limit.
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.acquire("k", {0, 0}));
}

}  // namespace
}  // namespace hafnium::api
