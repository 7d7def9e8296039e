#include <gtest/gtest.h>

#include "platform/http/problem.h"
#include "platform/http/router.h"

namespace hafnium::http {
namespace {

Handler ok() {
  return [](const Request&, RequestContext&) { return Response::text(200, "ok"); };
}

TEST(Router, MatchesStaticAndParameterisedRoutes) {
  Router router;
  router.add({.method = Method::kGet, .pattern = "/api/v1/things", .action = "things.read", .handler = ok()});
  router.add({.method = Method::kGet, .pattern = "/api/v1/things/{id}", .action = "things.read", .handler = ok()});
  router.add({.method = Method::kPost, .pattern = "/api/v1/things/{id}:archive", .action = "things.write", .handler = ok()});
  router.add({.method = Method::kPost, .pattern = "/api/v1/things:batch", .action = "things.write", .handler = ok()});

  EXPECT_EQ(router.match(Method::kGet, "/api/v1/things").route->pattern, "/api/v1/things");
  auto one = router.match(Method::kGet, "/api/v1/things/abc");
  EXPECT_EQ(one.route->pattern, "/api/v1/things/{id}");
  ASSERT_EQ(one.params.size(), 1u);
  EXPECT_EQ(one.params[0], (std::pair<std::string, std::string>{"id", "abc"}));

  // The ':verb' route wins over the plain parameter route.
  router.add({.method = Method::kPost, .pattern = "/api/v1/things/{id}", .action = "x", .handler = ok()});
  auto verb = router.match(Method::kPost, "/api/v1/things/abc:archive");
  EXPECT_EQ(verb.route->pattern, "/api/v1/things/{id}:archive");
  EXPECT_EQ(verb.params[0].second, "abc");
  EXPECT_EQ(router.match(Method::kPost, "/api/v1/things:batch").route->pattern, "/api/v1/things:batch");
}

TEST(Router, UnknownPathIs404) {
  Router router;
  router.add({.method = Method::kGet, .pattern = "/a/{id}", .action = "a.read", .handler = ok()});
  try {
    router.match(Method::kGet, "/a/1/b");
    FAIL() << "expected 404";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 404);
    EXPECT_EQ(error.slug(), "not-found");
  }
  // Parameter values may contain ':' (custom:<name>), and a '/' sent as
  // %2F (the server leaves it encoded so that it cannot split the path).
  EXPECT_EQ(router.match(Method::kGet, "/a/custom:peps").params[0].second, "custom:peps");
  EXPECT_EQ(router.match(Method::kGet, "/a/2026%2F11%2f000123").params[0].second, "2026/11/000123");
}

TEST(Router, KnownPathWithOtherMethodIs405WithAllow) {
  Router router;
  router.add({.method = Method::kGet, .pattern = "/a/{id}", .action = "a.read", .handler = ok()});
  router.add({.method = Method::kDelete, .pattern = "/a/{id}", .action = "a.delete", .handler = ok()});
  try {
    router.match(Method::kPost, "/a/1");
    FAIL() << "expected 405";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 405);
    ASSERT_EQ(error.headers().size(), 1u);
    EXPECT_EQ(error.headers()[0].first, "Allow");
    EXPECT_EQ(error.headers()[0].second, "DELETE, GET");
  }
}

TEST(Router, RefusesRoutesWithoutAnAction) {
  Router router;
  EXPECT_THROW(router.add({.method = Method::kGet, .pattern = "/secret", .handler = ok()}),
               std::logic_error);
  // Public routes are declared as such and need no action.
  EXPECT_NO_THROW(router.add({.method = Method::kGet, .pattern = "/healthz", .handler = ok(),
                              .access = Access::kPublic}));
}

TEST(Router, RefusesDuplicatesAndMalformedPatterns) {
  Router router;
  router.add({.method = Method::kGet, .pattern = "/a", .action = "a", .handler = ok()});
  EXPECT_THROW(router.add({.method = Method::kGet, .pattern = "/a", .action = "a", .handler = ok()}),
               std::logic_error);
  EXPECT_THROW(router.add({.method = Method::kGet, .pattern = "a", .action = "a", .handler = ok()}),
               std::logic_error);
  EXPECT_THROW(router.add({.method = Method::kGet, .pattern = "/a/{", .action = "a", .handler = ok()}),
               std::logic_error);
}

TEST(Request, DecodesQueryParameters) {
  Request request;
  request.query = "name=J%C3%BCrgen+M&limit=10&empty=&flag";
  EXPECT_EQ(request.query_param("name").value(), "J\xC3\xBCrgen M");
  EXPECT_EQ(request.query_param("limit").value(), "10");
  EXPECT_EQ(request.query_param("empty").value(), "");
  EXPECT_EQ(request.query_param("flag").value(), "");
  EXPECT_FALSE(request.query_param("missing"));
}

TEST(Problem, RendersRfc7807WithFieldErrors) {
  auto error = problems::validation({{"name", "is required"}, {"roles/0", "is not a known role"}});
  auto response = render_problem(error, "/api/v1/x", "abc");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_NE(response.body.find(R"("type":"urn:hafnium:problem:validation-error")"), std::string::npos);
  EXPECT_NE(response.body.find(R"({"field":"roles/0","reason":"is not a known role"})"), std::string::npos);
  EXPECT_NE(response.body.find(R"("trace_id":"abc")"), std::string::npos);
}

}  // namespace
}  // namespace hafnium::http
