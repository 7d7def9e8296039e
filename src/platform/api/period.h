#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "platform/http/problem.h"
#include "platform/http/request.h"

namespace hafnium::api {

// A time period a list or summary is restricted to: two optional query
// parameters, RFC 3339 each, `from` inclusive and `to` exclusive.
struct Period {
  std::optional<int64_t> from, to;  // micros since the epoch
  int64_t from_or_min() const;
  int64_t to_or_max() const;
};

// Reads `from_name` and `to_name` (raised_from/raised_to, ...); a
// malformed time or an empty period adds an error naming the parameter.
Period read_period(const http::Request& request, const char* from_name, const char* to_name,
                   std::vector<http::FieldError>& errors);

// A bound as a response echoes it: RFC 3339, or null when not given.
boost::json::value period_bound(const std::optional<int64_t>& at);
// A stored time where 0 means "not yet" or "none" (a job not finished, an
// alert whose status nobody changed): RFC 3339, or null.
boost::json::value time_or_null(int64_t at);

}  // namespace hafnium::api
