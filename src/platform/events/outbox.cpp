#include "platform/events/outbox.h"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "platform/store/database.h"
#include "platform/store/row.h"
#include "platform/util/error_text.h"
#include "platform/util/json_text.h"
#include "platform/util/time.h"

namespace hafnium::events {

void Outbox::enqueue(soci::session& sql, const std::string& topic, const Envelope& envelope) {
  OutboxWriter(sql).enqueue(topic, envelope);
}

OutboxWriter::OutboxWriter(soci::session& sql)
    : statement_((sql.prepare << "INSERT INTO outbox (id, tenant_id, topic, event_key, event_type, payload, created_at)"
                                 " VALUES (:id, :tenant, :topic, :key, :type, :payload, :at)",
                  soci::use(id_), soci::use(tenant_), soci::use(topic_), soci::use(key_), soci::use(type_),
                  soci::use(payload_), soci::use(at_))) {}

OutboxWriter::Rendered::Rendered(std::string topic, const Envelope& envelope)
    : topic(std::move(topic)),
      id(envelope.id),
      tenant_id(envelope.tenant_id),
      key(envelope.key),
      type(envelope.type),
      payload(util::to_json_text(envelope.to_json())) {}

void OutboxWriter::enqueue(const std::string& topic, const Envelope& envelope) { enqueue(Rendered(topic, envelope)); }

// By value: an event rendered here (the overload above) moves in without
// a copy of its payload.
void OutboxWriter::enqueue(Rendered event) {
  id_ = std::move(event.id);
  tenant_ = std::move(event.tenant_id);
  topic_ = std::move(event.topic);
  key_ = std::move(event.key);
  type_ = std::move(event.type);
  payload_ = std::move(event.payload);
  at_ = util::now_micros();
  statement_.execute(true);
}

OutboxRelay::OutboxRelay(std::shared_ptr<store::Database> db, EventBus& bus,
                         std::chrono::milliseconds poll_interval)
    : db_(std::move(db)), bus_(bus), poll_interval_(poll_interval) {}

OutboxRelay::~OutboxRelay() {
  if (thread_.joinable()) flush_and_stop(std::chrono::milliseconds(0));
}

void OutboxRelay::start() {
  stopping_ = false;
  running_ = true;
  thread_ = std::thread([this] { loop(); });
  marker_ = std::thread([this] { marker_loop(); });
}

void OutboxRelay::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_one();
}

void OutboxRelay::loop() {
  while (!stopping_) {
    size_t published = 0;
    try {
      published = publish_batch();
    } catch (const std::exception& error) {
      if (!store::is_unavailable(error)) spdlog::warn("outbox relay: {}", util::error_text(error));
    }
    if (published > 0) continue;  // more may be waiting
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, poll_interval_, [this] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

void OutboxRelay::marker_loop() {
  // Each mark is a write transaction (a sync to disk): confirmations are
  // gathered for up to kMarkInterval, or until kMarkBatch of them wait.
  constexpr size_t kMarkBatch = 5000;
  constexpr auto kMarkInterval = std::chrono::milliseconds(100);
  while (!stopping_) {
    {
      std::unique_lock lock(mutex_);
      marker_cv_.wait(lock, [this] { return !confirmed_.empty() || stopping_.load(); });
      marker_cv_.wait_for(lock, kMarkInterval, [this] { return confirmed_.size() >= kMarkBatch || stopping_.load(); });
    }
    try {
      mark_confirmed();
    } catch (const std::exception& error) {
      if (!store::is_unavailable(error)) spdlog::warn("outbox relay: marking published: {}", util::error_text(error));
      std::this_thread::sleep_for(poll_interval_);
    }
  }
}

void OutboxRelay::forget_marked() {
  std::lock_guard lock(mutex_);
  for (int64_t seq : marked_) in_flight_.erase(seq);
  marked_.clear();
}

size_t OutboxRelay::publish_batch() {
  struct Row {
    int64_t seq;
    std::string topic, key, type, payload, id;
  };
  std::vector<Row> rows;
  // Rows in flight are still unpublished in the table: read past them, so
  // that up to kMaxInFlight events are in the bus while earlier ones wait
  // to be marked published.
  constexpr size_t kPass = 1000, kMaxInFlight = 20'000;
  constexpr auto kSweepInterval = std::chrono::seconds(1);
  forget_marked();
  long long limit;
  {
    std::lock_guard lock(mutex_);
    if (in_flight_.size() >= kMaxInFlight) return 0;
    limit = static_cast<long long>(kPass + in_flight_.size());
  }
  // Most passes read only rows after the newest one read before: every row
  // in flight is at or below it, so nothing needs skipping. A sweep from
  // the start, once a second, finds the rest: on PostgreSQL sequence
  // numbers can commit out of order (a row may appear below the newest
  // read), and a delivery that failed waits there for its retry. Sweeping
  // on every pass read every row in flight (up to kMaxInFlight) to find
  // kPass new ones; under load that walk was most of the relay's work.
  const auto now = std::chrono::steady_clock::now();
  const bool sweep = now - last_sweep_ >= kSweepInterval;
  if (sweep) last_sweep_ = now;
  db_->read([&](soci::session& sql) {
    std::vector<long long> fresh;
    if (sweep) {
      // Unpublished rows in commit-sequence order, sequence numbers first
      // (the partial index answers alone), then the payloads of the rows
      // not in flight only. Read first, then look at the in-flight set
      // under the lock: the bus's threads confirm deliveries under that
      // lock, and must not wait while the store is read. Both lists
      // ascend, so one walk through each sorts out the rows in flight.
      std::vector<long long> seqs;
      seqs.reserve(static_cast<size_t>(limit));
      soci::rowset<long long> rows =
          (sql.prepare << "SELECT seq FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT :n", soci::use(limit));
      for (long long seq : rows) seqs.push_back(seq);
      std::lock_guard lock(mutex_);
      auto flying = in_flight_.begin();
      for (long long seq : seqs) {
        while (flying != in_flight_.end() && *flying < seq) ++flying;
        if (flying == in_flight_.end() || *flying != seq) fresh.push_back(seq);
        if (fresh.size() >= kPass) break;
      }
    } else {
      long long after = read_up_to_, pass = static_cast<long long>(kPass);
      soci::rowset<long long> rows = (sql.prepare << "SELECT seq FROM outbox WHERE published_at IS NULL AND seq > :a"
                                                     " ORDER BY seq LIMIT :n",
                                      soci::use(after), soci::use(pass));
      for (long long seq : rows) fresh.push_back(seq);
    }
    if (fresh.empty()) return;
    long long lo = fresh.front(), hi = fresh.back();
    read_up_to_ = std::max<int64_t>(read_up_to_, hi);
    soci::rowset<soci::row> result = (sql.prepare
        << "SELECT seq, topic, event_key, event_type, payload, id FROM outbox"
           " WHERE published_at IS NULL AND seq >= :lo AND seq <= :hi ORDER BY seq", soci::use(lo), soci::use(hi));
    size_t next = 0;
    for (const auto& row : result) {
      long long seq = store::get_int64(row, 0);
      while (next < fresh.size() && fresh[next] < seq) ++next;
      if (next == fresh.size() || fresh[next] != seq) continue;  // in flight
      rows.push_back({seq, store::get_string(row, 1), store::get_string(row, 2), store::get_string(row, 3),
                      store::get_string(row, 4), store::get_string(row, 5)});
    }
  });
  size_t sent = 0;
  for (auto& row : rows) {
    {
      std::lock_guard lock(mutex_);
      if (!in_flight_.insert(row.seq).second) continue;
    }
    Message message;
    message.topic = row.topic;
    message.key = row.key;
    message.headers = {{"event-id", row.id}, {"event-type", row.type}};
    message.payload = std::move(row.payload);
    int64_t seq = row.seq;
    bus_.publish(std::move(message), [this, seq](bool delivered) {
      if (delivered) {
        confirm(seq);
      } else {
        std::lock_guard lock(mutex_);
        in_flight_.erase(seq);  // try again on a later pass
      }
    });
    ++sent;
  }
  return sent;
}

void OutboxRelay::confirm(int64_t seq) {
  {
    std::lock_guard lock(mutex_);
    confirmed_.push_back(seq);
  }
  ++published_;
  marker_cv_.notify_one();
}

void OutboxRelay::mark_confirmed() {
  std::vector<int64_t> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(confirmed_);
  }
  if (batch.empty()) return;
  // A failed write hands the confirmations back for the next attempt.
  struct Restore {
    OutboxRelay& relay;
    std::vector<int64_t>& batch;
    bool done = false;
    ~Restore() {
      if (done) return;
      std::lock_guard lock(relay.mutex_);
      relay.confirmed_.insert(relay.confirmed_.end(), batch.begin(), batch.end());
    }
  } restore{*this, batch};
  long long at = util::now_micros();
  // Not synced: a mark lost to a power loss publishes its event again,
  // which delivery is allowed to do (at least once; consumers skip the
  // event ids they processed).
  // Confirmations arrive mostly in sequence: one statement per run of
  // consecutive sequence numbers instead of one per row.
  std::sort(batch.begin(), batch.end());
  db_->write([&](soci::session& sql) {
    for (size_t i = 0; i < batch.size();) {
      size_t j = i;
      while (j + 1 < batch.size() && batch[j + 1] == batch[j] + 1) ++j;
      long long lo = batch[i], hi = batch[j];
      sql << "UPDATE outbox SET published_at = :at WHERE seq >= :lo AND seq <= :hi", soci::use(at), soci::use(lo),
          soci::use(hi);
      i = j + 1;
    }
  }, store::Durability::kDeferred);
  restore.done = true;
  {
    std::lock_guard lock(mutex_);
    marked_.insert(marked_.end(), batch.begin(), batch.end());
  }
  wake();  // the relay may be waiting for room in flight
}

bool OutboxRelay::flush_and_stop(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool drained = false;
  // Only the marker marks rows published, and only the relay thread takes
  // them out of flight (see marked_): this waits for both.
  while (running_) {
    try {
      if (backlog() == 0) {
        drained = true;
        break;
      }
    } catch (const std::exception& error) {
      if (store::is_unavailable(error)) {
        // Nothing can be published or marked now; the events stay in the
        // outbox and go out after the next start. Waiting would only hold
        // the shutdown up.
        spdlog::warn("outbox flush: the store is unreachable; unpublished events stay in the outbox for the next start");
        break;
      }
      spdlog::warn("outbox flush: {}", util::error_text(error));
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    // Under the lock the marker checks its condition with: set between its
    // check and its wait, the flag would be missed, and the marker's first
    // wait has no timeout.
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
  marker_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (marker_.joinable()) marker_.join();
  // Confirmations that arrived after the marker's last write.
  try {
    mark_confirmed();
  } catch (const std::exception& error) {
    if (!store::is_unavailable(error)) spdlog::warn("outbox relay: {}", util::error_text(error));
  }
  forget_marked();
  running_ = false;
  return drained;
}

int64_t OutboxRelay::backlog() {
  return db_->read([&](soci::session& sql) {
    long long count = 0;
    sql << "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL", soci::into(count);
    return static_cast<int64_t>(count);
  });
}

RelayStats OutboxRelay::stats() const {
  RelayStats stats;
  stats.published = published_.load();
  std::lock_guard lock(mutex_);
  stats.in_flight = static_cast<int64_t>(in_flight_.size());
  return stats;
}

}  // namespace hafnium::events
