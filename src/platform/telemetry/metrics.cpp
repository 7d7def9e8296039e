#include "platform/telemetry/metrics.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace hafnium::telemetry {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (value > 0) {
    sum_nanos_.fetch_add(static_cast<uint64_t>(value * 1e9), std::memory_order_relaxed);
  }
}

std::vector<uint64_t> Histogram::bucket_counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const {
  return static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
}

std::vector<double> default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry::Series& Registry::series(const std::string& name, Type type, const std::string& help,
                                   const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = families_.try_emplace(name);
  Family& family = it->second;
  if (inserted) {
    family.type = type;
    family.help = help;
  } else if (family.type != type) {
    throw std::logic_error("metric " + name + " registered with two types");
  }
  for (auto& s : family.series) {
    if (s->labels == labels) return *s;
  }
  family.series.push_back(std::make_unique<Series>());
  family.series.back()->labels = labels;
  return *family.series.back();
}

Counter& Registry::counter(const std::string& name, const std::string& help,
                           const Labels& labels) {
  auto& s = series(name, Type::kCounter, help, labels);
  std::lock_guard lock(mutex_);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  auto& s = series(name, Type::kGauge, help, labels);
  std::lock_guard lock(mutex_);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, std::vector<double> bounds) {
  auto& s = series(name, Type::kHistogram, help, labels);
  std::lock_guard lock(mutex_);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *s.histogram;
}

void Registry::callback_gauge(const std::string& name, const std::string& help,
                              std::function<double()> read, const Labels& labels) {
  auto& s = series(name, Type::kGauge, help, labels);
  std::lock_guard lock(mutex_);
  s.callback = std::move(read);
}

void Registry::callback_counter(const std::string& name, const std::string& help,
                                std::function<double()> read, const Labels& labels) {
  auto& s = series(name, Type::kCounter, help, labels);
  std::lock_guard lock(mutex_);
  s.callback = std::move(read);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

namespace {
std::string label_text(const Labels& labels, const std::string& extra_name = "",
                       const std::string& extra_value = "") {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ",";
    out += k + "=\"" + escape_label_value(v) + "\"";
    first = false;
  }
  if (!extra_name.empty()) {
    if (!first) out += ",";
    out += extra_name + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  // Shortest text that reads back as the same double: 0.0005, not
  // 0.00050000000000000001.
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed);
  return std::string(buffer, result.ptr);
}
}  // namespace

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(16384);
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::kCounter ? "counter"
                       : family.type == Type::kGauge ? "gauge"
                                                     : "histogram";
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& s : family.series) {
      if (s->callback) {
        out += name + label_text(s->labels) + " " + number(s->callback()) + "\n";
      } else if (s->counter) {
        out += name + label_text(s->labels) + " " + std::to_string(s->counter->value()) + "\n";
      } else if (s->gauge) {
        out += name + label_text(s->labels) + " " + number(s->gauge->value()) + "\n";
      } else if (s->histogram) {
        auto counts = s->histogram->bucket_counts();
        uint64_t cumulative = 0;
        const auto& bounds = s->histogram->bounds();
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          std::string le = i < bounds.size() ? number(bounds[i]) : "+Inf";
          out += name + "_bucket" + label_text(s->labels, "le", le) + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += name + "_sum" + label_text(s->labels) + " " + number(s->histogram->sum()) + "\n";
        out += name + "_count" + label_text(s->labels) + " " + std::to_string(cumulative) + "\n";
      }
    }
  }
  return out;
}

double process_resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace hafnium::telemetry
