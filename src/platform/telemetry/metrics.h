#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hafnium::telemetry {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double by) {
    double current = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
    }
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Cumulative histogram with fixed upper bounds (seconds for latencies).
// Observations are lock-free: one atomic add per bucket hit, plus count/sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative bucket counts; the last is +Inf.
  std::vector<uint64_t> bucket_counts() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_nanos_{0};
};

std::vector<double> default_latency_buckets();

// A hand-written Prometheus registry (text exposition format 0.0.4).
// Families are created once; the returned references stay valid for the
// registry's life, so hot paths keep pointers and never look names up.
class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = default_latency_buckets());
  // A gauge computed at scrape time (RSS, open connections, queue depth).
  void callback_gauge(const std::string& name, const std::string& help,
                      std::function<double()> read, const Labels& labels = {});

  // A counter read at scrape time from a component's own atomic.
  void callback_counter(const std::string& name, const std::string& help,
                        std::function<double()> read, const Labels& labels = {});

  std::string render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> callback;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<std::unique_ptr<Series>> series;
  };
  Series& series(const std::string& name, Type type, const std::string& help,
                 const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

std::string escape_label_value(std::string_view value);

// Resident set size of this process in bytes, from /proc/self/statm.
double process_resident_bytes();

}  // namespace hafnium::telemetry
