#include "platform/telemetry/episode.h"

namespace hafnium::telemetry {

Episode::Report Episode::occurred() {
  const int64_t now = now_ticks();
  Report report;
  report.occurrences = ++occurrences_;
  int64_t began = 0;
  if (began_.compare_exchange_strong(began, now)) {
    logged_ = now;
    report.log = report.began = true;
    return report;
  }
  report.lasted = since(began, now);
  int64_t logged = logged_.load();
  report.log = now - logged >= interval_.count() && logged_.compare_exchange_strong(logged, now);
  return report;
}

Episode::Report Episode::ended() {
  Report report;
  const int64_t began = began_.exchange(0);
  if (began == 0) return report;
  report.log = true;
  report.occurrences = occurrences_.exchange(0);
  report.lasted = since(began, now_ticks());
  return report;
}

}  // namespace hafnium::telemetry
