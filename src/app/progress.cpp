#include "app/progress.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace hafnium::app {

void draw_progress(size_t done, size_t total, double seconds, const char* things) {
  constexpr int kWidth = 30;
  int filled = total ? static_cast<int>(kWidth * std::min(done, total) / total) : kWidth;
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kWidth) bar += '>' + std::string(static_cast<size_t>(kWidth - filled - 1), ' ');
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  std::fprintf(stderr, "\r[%s] %zu/%zu %s  %.0f/s", bar.c_str(), done, total, things, rate);
  std::fflush(stderr);
}

}  // namespace hafnium::app
