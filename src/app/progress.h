#pragma once

#include <cstddef>

namespace hafnium::app {

// Draws a progress bar on standard error, over itself ("\r"): how many of
// `total` `things` (parties, transactions) are done and at what rate. The
// callers draw it only when standard error is a terminal.
void draw_progress(size_t done, size_t total, double seconds, const char* things);

}  // namespace hafnium::app
