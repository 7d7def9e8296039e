#pragma once

#include <string>

namespace hafnium::testing {

// The value of one series in a /metrics body (Prometheus text format), as
// written: "" when the series is absent.
inline std::string metric_sample(const std::string& text, const std::string& series) {
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return "";
  at += series.size() + 2;
  return text.substr(at, text.find('\n', at) - at);
}

}  // namespace hafnium::testing
