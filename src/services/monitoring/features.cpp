#include "services/monitoring/features.h"

#include <boost/json.hpp>
#include <cstdio>

#include "platform/events/envelope.h"
#include "platform/store/row.h"
#include "platform/util/time.h"
#include "services/monitoring/domain/money.h"

namespace hafnium::services::monitoring {

namespace {
constexpr int64_t kMinute = 60'000'000LL, kHour = 60 * kMinute, kDay = 24 * kHour;

uint64_t key_hash(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string encode_distinct(const std::vector<uint64_t>& keys) {
  std::string out;
  char buffer[24];
  for (uint64_t k : keys) {
    std::snprintf(buffer, sizeof buffer, "%s%llx", out.empty() ? "" : ",", static_cast<unsigned long long>(k));
    out += buffer;
  }
  return out;
}

std::vector<uint64_t> decode_distinct(const std::string& text) {
  std::vector<uint64_t> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(std::stoull(text.substr(start, comma - start), nullptr, 16));
    start = comma + 1;
  }
  return out;
}
}  // namespace

const std::vector<WindowSpec>& standard_windows() {
  static const std::vector<WindowSpec> specs = {{"1h", kHour, kMinute},
                                                {"24h", kDay, kHour},
                                                {"7d", 7 * kDay, kHour},
                                                {"30d", 30 * kDay, kDay},
                                                {"90d", 90 * kDay, kDay}};
  return specs;
}

FeatureStore::FeatureStore(std::shared_ptr<store::Database> db, int64_t lateness_micros)
    : db_(std::move(db)), lateness_(lateness_micros) {}

std::vector<store::Migration> FeatureStore::migrations() {
  std::vector<std::string> ddl = {
      "CREATE TABLE monitoring_window_buckets (tenant_id TEXT NOT NULL, group_key TEXT NOT NULL,"
      " window_name TEXT NOT NULL, bucket_index BIGINT NOT NULL, event_count BIGINT NOT NULL,"
      " amount_sum BIGINT NOT NULL, amount_squares DOUBLE PRECISION NOT NULL, amount_min BIGINT NOT NULL,"
      " amount_max BIGINT NOT NULL, distinct_keys TEXT NOT NULL, newest BIGINT NOT NULL,"
      " PRIMARY KEY (tenant_id, group_key, window_name, bucket_index))"};
  return {{3, "sliding-window feature buckets", ddl, ddl}};
}

FeatureStore::Windows FeatureStore::fresh() const {
  Windows windows;
  for (const auto& spec : standard_windows()) windows.emplace_back(spec.length, spec.bucket, lateness_);
  return windows;
}

void FeatureStore::load() {
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<std::deque<SlidingWindow::Bucket>, int64_t>>> loaded;
  db_->read([&](soci::session& sql) {
    soci::rowset<soci::row> rows = sql.prepare
        << "SELECT tenant_id, group_key, window_name, bucket_index, event_count, amount_sum, amount_squares,"
           " amount_min, amount_max, distinct_keys, newest FROM monitoring_window_buckets"
           " ORDER BY tenant_id, group_key, window_name, bucket_index";
    const auto& specs = standard_windows();
    for (const auto& row : rows) {
      auto key = std::make_pair(store::get_string(row, 0), store::get_string(row, 1));
      auto& slots = loaded[key];
      if (slots.empty()) slots.resize(specs.size(), {{}, INT64_MIN});
      std::string window = store::get_string(row, 2);
      size_t w = 0;
      while (w < specs.size() && specs[w].name != window) ++w;
      if (w == specs.size()) continue;
      SlidingWindow::Bucket b;
      b.index = store::get_int64(row, 3);
      b.count = store::get_int64(row, 4);
      b.sum = store::get_int64(row, 5);
      b.sum_squares = row.get<double>(6);
      b.min = store::get_int64(row, 7);
      b.max = store::get_int64(row, 8);
      b.distinct = decode_distinct(store::get_string(row, 9));
      slots[w].first.push_back(std::move(b));
      slots[w].second = std::max(slots[w].second, store::get_int64(row, 10));
    }
  });
  std::lock_guard lock(mutex_);
  state_.clear();
  for (auto& [key, slots] : loaded) {
    auto windows = fresh();
    for (size_t w = 0; w < windows.size(); ++w) windows[w].restore(std::move(slots[w].first), slots[w].second);
    state_[key] = std::move(windows);
  }
}

void FeatureStore::persist(soci::session& sql, const std::string& tenant_id, const std::string& key,
                           const Windows& windows, int64_t event_time) {
  const auto& specs = standard_windows();
  for (size_t w = 0; w < windows.size(); ++w) {
    const auto& buckets = windows[w].buckets();
    int64_t index = event_time >= 0 ? event_time / specs[w].bucket : (event_time - specs[w].bucket + 1) / specs[w].bucket;
    long long newest = windows[w].newest();
    for (const auto& b : buckets) {
      if (b.index != index) continue;
      long long bi = b.index, count = b.count, sum = b.sum, min = b.min, max = b.max;
      double squares = b.sum_squares;
      std::string distinct = encode_distinct(b.distinct);
      sql << "INSERT INTO monitoring_window_buckets (tenant_id, group_key, window_name, bucket_index, event_count,"
             " amount_sum, amount_squares, amount_min, amount_max, distinct_keys, newest)"
             " VALUES (:t, :k, :w, :i, :c, :s, :q, :mn, :mx, :d, :n)"
             " ON CONFLICT (tenant_id, group_key, window_name, bucket_index) DO UPDATE SET"
             " event_count = excluded.event_count, amount_sum = excluded.amount_sum,"
             " amount_squares = excluded.amount_squares, amount_min = excluded.amount_min,"
             " amount_max = excluded.amount_max, distinct_keys = excluded.distinct_keys, newest = excluded.newest",
          soci::use(tenant_id), soci::use(key), soci::use(specs[w].name), soci::use(bi), soci::use(count),
          soci::use(sum), soci::use(squares), soci::use(min), soci::use(max), soci::use(distinct), soci::use(newest);
    }
    // Buckets the window no longer holds.
    if (!buckets.empty()) {
      long long oldest = buckets.front().index;
      sql << "DELETE FROM monitoring_window_buckets WHERE tenant_id = :t AND group_key = :k AND window_name = :w"
             " AND bucket_index < :i",
          soci::use(tenant_id), soci::use(key), soci::use(specs[w].name), soci::use(oldest);
    }
  }
}

void FeatureStore::handle(const events::Message& message) {
  auto envelope = events::Envelope::from_json(boost::json::parse(message.payload));
  if (envelope.type != "transaction.ingested") return;
  const auto& data = envelope.data.as_object();
  std::string debtor(data.at("debtor_account").as_string());
  std::string creditor(data.at("creditor_account").as_string());
  auto occurred = util::parse_rfc3339(std::string(data.at("occurred_at").as_string()));
  std::string currency(data.at("currency").as_string());
  auto exponent = currency_exponent(currency).value_or(2);
  int64_t minor = 0;
  if (!occurred || parse_amount(std::string(data.at("amount").as_string()), exponent, minor) != AmountError::kNone) {
    throw std::invalid_argument("transaction.ingested event with an unreadable time or amount");
  }
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::pair<std::string, std::string>, Windows>> updated;
  bool late = false;
  bool fresh_event = db_->write([&](soci::session& sql) {
    int seen = 0;
    std::string group = kConsumerGroup;
    sql << "SELECT COUNT(*) FROM processed_events WHERE consumer_group = :g AND event_id = :id", soci::use(group),
        soci::use(envelope.id), soci::into(seen);
    if (seen > 0) return false;
    for (const auto& [key, counterparty] : {std::make_pair("out:" + debtor, creditor), std::make_pair("in:" + creditor, debtor)}) {
      auto id = std::make_pair(envelope.tenant_id, key);
      auto it = state_.find(id);
      Windows windows = it == state_.end() ? fresh() : it->second;
      for (auto& w : windows) {
        if (!w.add(*occurred, minor, key_hash(counterparty))) late = true;
      }
      persist(sql, envelope.tenant_id, key, windows, *occurred);
      updated.emplace_back(std::move(id), std::move(windows));
    }
    long long at = util::now_micros();
    sql << "INSERT INTO processed_events (consumer_group, event_id, tenant_id, processed_at) VALUES (:g, :id, :t, :at)",
        soci::use(group), soci::use(envelope.id), soci::use(envelope.tenant_id), soci::use(at);
    return true;
  });
  if (!fresh_event) return;
  // Committed: now the memory may show it.
  for (auto& [id, windows] : updated) state_[id] = std::move(windows);
  if (late) ++late_;
}

void FeatureStore::subscribe(events::EventBus& bus) {
  bus.subscribe(kConsumerGroup, {"transactions"}, [this](const events::Message& message) { handle(message); });
}

std::optional<std::vector<WindowStats>> FeatureStore::stats(const std::string& tenant_id, const std::string& key,
                                                            int64_t at) const {
  std::lock_guard lock(mutex_);
  auto it = state_.find({tenant_id, key});
  if (it == state_.end()) return std::nullopt;
  std::vector<WindowStats> out;
  for (const auto& w : it->second) out.push_back(w.stats(at));
  return out;
}

size_t FeatureStore::keys() const {
  std::lock_guard lock(mutex_);
  return state_.size();
}

}  // namespace hafnium::services::monitoring
