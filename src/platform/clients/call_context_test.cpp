#include "platform/clients/call_context.h"

#include <gtest/gtest.h>

namespace hafnium::clients {
namespace {

TEST(CallContext, CarriesTheCredentialAndContinuesTheTrace) {
  http::Request request;
  request.headers.emplace_back("authorization", "Bearer hfk_x");
  http::RequestContext context;
  context.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  context.span_id = "00f067aa0ba902b7";
  auto call = call_context(request, context);
  EXPECT_EQ(call.authorization, "Bearer hfk_x");
  EXPECT_EQ(call.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

  http::Request header_key;
  header_key.headers.emplace_back("x-api-key", "hfk_y");
  EXPECT_EQ(call_context(header_key, context).authorization, "Bearer hfk_y");
}

}  // namespace
}  // namespace hafnium::clients
