#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "platform/http/json_body.h"

namespace hafnium::http {
namespace {

Request json_request(std::string body, std::string content_type = "application/json") {
  Request request;
  request.method = Method::kPost;
  request.headers.emplace_back("content-type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& error) {
    return error.status();
  }
  return 0;
}

TEST(JsonBody, RejectsWrongMediaTypeWith415) {
  EXPECT_EQ(status_of([] { parse_json_object(json_request("{}", "text/plain")); }), 415);
  Request no_type;
  no_type.body = "{}";
  EXPECT_EQ(status_of([&] { parse_json_object(no_type); }), 415);
  EXPECT_EQ(status_of([] { parse_json_object(json_request("{}", "application/json; charset=utf-8")); }), 0);
}

TEST(JsonBody, RejectsMalformedJsonWithPosition) {
  try {
    parse_json_object(json_request("{\"a\": 1,}"));
    FAIL();
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(error.slug(), "malformed-json");
    EXPECT_NE(error.detail().find("at byte"), std::string::npos);
  }
  EXPECT_EQ(status_of([] { parse_json_object(json_request("")); }), 400);
  EXPECT_EQ(status_of([] { parse_json_object(json_request("[1,2]")); }), 400);
  EXPECT_EQ(status_of([] { parse_json_object(json_request("{\"a\":\"\xFF\"}")); }), 400);
  std::string deep(100, '[');
  EXPECT_EQ(status_of([&] { parse_json_object(json_request("{\"a\":" + deep)); }), 400);
}

TEST(JsonBody, RefusesNumbersBeyondADoubleWithTheirPlace) {
  // 1e999 parses as infinity, which JSON cannot write back: a stored
  // document holding one could never be read again.
  try {
    parse_json_object(json_request(R"({"amount":"1.00","metadata":{"fees":[1.5,-1e999]}})"));
    FAIL() << "an infinite number was taken";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 400);
    ASSERT_EQ(error.fields().size(), 1u);
    EXPECT_EQ(error.fields()[0].field, "metadata/fees/1");
    EXPECT_EQ(error.fields()[0].reason, "is a number beyond the range of a double");
  }
  EXPECT_EQ(status_of([] { parse_json_text("1e400"); }), 400);
  EXPECT_NO_THROW(parse_json_text(R"({"big":1.7976931348623157e308,"tiny":1e-400})"));
}

// Boost.JSON can read a double one unit in the last place off, and writes
// the shortest text that reads back exactly: what is stored must read back
// as what was taken (found by the transaction fuzz target).
TEST(JsonBody, TakesEachDoubleAsItWillReadBackOnceStored) {
  const auto body = parse_json_object(json_request(
      R"({"metadata":{"a":[1,111111111111111111111111111111111111111111111111111111111111111111111111111111111111112.5]}})"));
  const auto& taken = body.at("metadata").at("a").as_array();
  const auto back = boost::json::parse(boost::json::serialize(body));
  const auto& read = back.at("metadata").at("a").as_array();
  ASSERT_TRUE(taken[1].is_double());
  EXPECT_EQ(read[1].as_double(), taken[1].as_double());
  EXPECT_EQ(read[0].as_int64(), 1);
  EXPECT_EQ(parse_json_text("0.1").as_double(), 0.1);
}

TEST(JsonBody, RefusesTheNulCharacterWhereverItIs) {
  // PostgreSQL's text cannot hold U+0000 and its client ends a text there:
  // a reference "ref\u0000z" was stored as "ref", another party's.
  try {
    parse_json_object(json_request(R"({"name":"Acme","party":{"ids":["ok","ref\u0000z"]}})"));
    FAIL() << "a NUL character was taken";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 400);
    ASSERT_EQ(error.fields().size(), 1u);
    EXPECT_EQ(error.fields()[0].field, "party/ids/1");
    EXPECT_EQ(error.fields()[0].reason, "must not contain the NUL character (U+0000)");
  }
  EXPECT_EQ(status_of([] { parse_json_object(json_request(R"({"a\u0000b":1})")); }), 400);
  EXPECT_EQ(status_of([] { parse_json_text(R"("\u0000")"); }), 400);
  EXPECT_NO_THROW(parse_json_text(R"({"text":"tab\tnew line\nbell\u0007"})"));
}

TEST(ObjectReader, CollectsEveryFieldErrorIncludingUnknownFields) {
  auto body = boost::json::parse(R"({"name":"  ","roles":[1,"ok"],"extra":true,"count":"x"})").as_object();
  ObjectReader reader(body);
  reader.required_string("name");
  reader.string_array("roles", 5);
  reader.optional_integer("count", 0, 10);
  reader.required_string("missing");
  try {
    reader.finish();
    FAIL();
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 400);
    std::vector<std::string> fields;
    for (const auto& f : error.fields()) fields.push_back(f.field + ": " + f.reason);
    EXPECT_EQ(fields, (std::vector<std::string>{"name: must not be empty", "roles/0: must be a string",
                                                "count: must be an integer", "missing: is required",
                                                "extra: is not a known field"}));
  }
}

TEST(ObjectReader, AMemberWithAnEmptyNameIsNamedByItsObject) {
  // Reported under the field "" it named nothing a client could find.
  auto body = boost::json::parse(R"({"":1,"party":{"":2,"name":"x"}})").as_object();
  ObjectReader reader(body);
  const auto* party = reader.optional_object("party");
  ASSERT_NE(party, nullptr);
  ObjectReader nested(*party, "party");
  nested.optional_string("name", 10);
  try {
    nested.finish();
    FAIL();
  } catch (const ApiError& error) {
    ASSERT_EQ(error.fields().size(), 1u);
    EXPECT_EQ(error.fields()[0].field, "party");
    EXPECT_EQ(error.fields()[0].reason, "has a member with an empty name, which is not a known field");
  }
  try {
    reader.finish();
    FAIL();
  } catch (const ApiError& error) {
    ASSERT_EQ(error.fields().size(), 1u);
    EXPECT_EQ(error.fields()[0].field, "body");
  }
}

TEST(ObjectReader, EnforcesLengthAndRanges) {
  auto body = boost::json::parse(R"({"name":"abcdef","n":11})").as_object();
  ObjectReader reader(body, "party");
  reader.required_string("name", 5);
  reader.optional_integer("n", 0, 10);
  ASSERT_EQ(reader.errors().size(), 2u);
  EXPECT_EQ(reader.errors()[0].field, "party/name");
  EXPECT_EQ(reader.errors()[1].reason, "must be between 0 and 10");
}

}  // namespace
}  // namespace hafnium::http
