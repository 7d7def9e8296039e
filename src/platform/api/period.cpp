#include "platform/api/period.h"

#include <limits>
#include <string>

#include "platform/util/time.h"

namespace hafnium::api {

int64_t Period::from_or_min() const { return from.value_or(std::numeric_limits<int64_t>::min()); }
int64_t Period::to_or_max() const { return to.value_or(std::numeric_limits<int64_t>::max()); }

Period read_period(const http::Request& request, const char* from_name, const char* to_name,
                   std::vector<http::FieldError>& errors) {
  Period period;
  for (auto [name, bound] : {std::pair{from_name, &period.from}, std::pair{to_name, &period.to}}) {
    if (auto text = request.query_param(name)) {
      *bound = util::parse_rfc3339(*text);
      if (!*bound) errors.push_back({name, "must be an RFC 3339 time (2026-11-01T00:00:00Z)"});
    }
  }
  if (period.from && period.to && *period.from >= *period.to) {
    errors.push_back({to_name, std::string("must be later than ") + from_name});
  }
  return period;
}

boost::json::value period_bound(const std::optional<int64_t>& at) {
  return at ? boost::json::value(util::format_rfc3339(*at)) : boost::json::value(nullptr);
}

boost::json::value time_or_null(int64_t at) { return period_bound(at == 0 ? std::nullopt : std::optional<int64_t>(at)); }

}  // namespace hafnium::api
