#include "services/screening/domain/similarity.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace hafnium::services::screening {

double jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  // Names are short; fixed buffers avoid allocation on the hot path.
  constexpr size_t kMax = 64;
  if (a.size() > kMax) a = a.substr(0, kMax);
  if (b.size() > kMax) b = b.substr(0, kMax);
  size_t window = std::max(a.size(), b.size()) / 2;
  window = window > 0 ? window - 1 : 0;
  std::array<bool, kMax> a_match{}, b_match{};
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = std::min(i + window + 1, b.size());
    for (size_t j = lo; j < hi; ++j) {
      if (b_match[j] || a[i] != b[j]) continue;
      a_match[i] = b_match[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!a_match[i]) continue;
    while (!b_match[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  double m = static_cast<double>(matches);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - static_cast<double>(transpositions) / 2.0) / m) /
         3.0;
}

double jaro_winkler(std::string_view a, std::string_view b) {
  double j = jaro(a, b);
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return j + static_cast<double>(prefix) * 0.1 * (1.0 - j);
}

int bounded_levenshtein(std::string_view a, std::string_view b, int max_distance) {
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_distance) return max_distance + 1;
  // Two rows on the stack for the usual name lengths; longer input falls
  // back to the heap.
  constexpr int kStack = 65;
  std::array<int, kStack> row_a{}, row_b{};
  std::vector<int> heap_a, heap_b;
  int* previous = row_a.data();
  int* current = row_b.data();
  if (m + 1 > kStack) {
    heap_a.resize(static_cast<size_t>(m + 1));
    heap_b.resize(static_cast<size_t>(m + 1));
    previous = heap_a.data();
    current = heap_b.data();
  }
  for (int j = 0; j <= m; ++j) previous[j] = j;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int row_min = current[0];
    for (int j = 1; j <= m; ++j) {
      int cost = a[static_cast<size_t>(i - 1)] == b[static_cast<size_t>(j - 1)] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > max_distance) return max_distance + 1;
    std::swap(previous, current);
  }
  return std::min(previous[m], max_distance + 1);
}

}  // namespace hafnium::services::screening
