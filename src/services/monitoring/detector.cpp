#include "services/monitoring/detector.h"

#include <map>
#include <set>
#include <string_view>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "platform/events/envelope.h"
#include "platform/events/outbox.h"
#include "platform/store/database.h"
#include "platform/store/row.h"
#include "platform/util/batch_pipe.h"
#include "platform/util/error_text.h"
#include "platform/util/time.h"
#include "services/monitoring/alerts_store.h"
#include "services/monitoring/rules_store.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

namespace {
constexpr auto kCommitInterval = std::chrono::milliseconds(5);
constexpr size_t kCommitBatch = 5000;
constexpr int64_t kLatenessMicros = 3600LL * 1'000'000;

std::string text(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
}  // namespace

std::optional<Transaction> transaction_from_event(const boost::json::object& data) {
  const auto* debtor = data.if_contains("debtor");
  const auto* creditor = data.if_contains("creditor");
  if (!debtor || !creditor || !debtor->is_object() || !creditor->is_object()) return std::nullopt;
  Transaction t;
  t.id = text(data, "id");
  auto occurred = util::parse_rfc3339(text(data, "occurred_at"));
  auto exponent = currency_exponent(text(data, "currency"));
  if (t.id.empty() || !occurred || !exponent) return std::nullopt;
  t.occurred_at = *occurred;
  t.amount.currency = text(data, "currency");
  t.amount.exponent = *exponent;
  if (parse_amount(text(data, "amount"), *exponent, t.amount.minor) != AmountError::kNone) return std::nullopt;
  t.type = text(data, "type");
  t.channel = text(data, "channel");
  for (auto [json, party] : {std::make_pair(&debtor->as_object(), &t.debtor), std::make_pair(&creditor->as_object(), &t.creditor)}) {
    party->account_id = text(*json, "account_id");
    party->customer_id = text(*json, "customer_id");
    party->country = text(*json, "country");
    party->bank_id = text(*json, "bank_id");
  }
  if (t.debtor.account_id.empty() || t.creditor.account_id.empty()) return std::nullopt;
  return t;
}

Detector::Detector(std::shared_ptr<store::Database> db) : db_(std::move(db)) {
  committer_ = std::thread([this] { committer(); });
  repairer_ = std::thread([this] { repair_broken_tenants(); });
}

Detector::~Detector() { stop(); }

std::shared_ptr<const detection::RuleSet> Detector::compile_rules(soci::session& sql, const std::string& tenant_id) {
  std::vector<detection::RuleDefinition> definitions = active_rule_definitions(sql, tenant_id);
  auto compiled = detection::RuleSet::compile(definitions);
  if (auto* error = std::get_if<std::pair<std::string, detection::RuleError>>(&compiled)) {
    // Rules are compiled when written, so this means the language changed
    // under a stored rule: run without it rather than stop monitoring.
    spdlog::error("monitoring: rule {} of tenant {} no longer compiles ({}); it is skipped", error->first, tenant_id,
                  error->second.reason);
    std::erase_if(definitions, [&](const auto& d) { return d.id == error->first; });
    compiled = detection::RuleSet::compile(definitions);
  }
  return std::get<std::shared_ptr<const detection::RuleSet>>(compiled);
}

void Detector::rebuild(detection::TenantEngine& engine, const std::string& tenant_id) {
  // Evaluations still pending must be committed (or fail) first: otherwise
  // the catch-up below would find them unevaluated and evaluate them again.
  flush();
  engine.reset();
  std::vector<Transaction> missing;
  db_->read([&](soci::session& sql) {
    engine.set_rules(compile_rules(sql, tenant_id));
    soci::rowset<std::string> rows =
        (sql.prepare << "SELECT t.document FROM monitoring_evaluations e JOIN monitoring_transactions t"
                        " ON t.tenant_id = e.tenant_id AND t.id = e.transaction_id"
                        " WHERE e.tenant_id = :t ORDER BY e.position",
         soci::use(tenant_id));
    int64_t newest = INT64_MIN;
    size_t count = 0;
    // Stored documents that no longer read as transactions (written before
    // the API refused what JSON cannot hold back): left out of the state,
    // and said so, never silently.
    size_t unreadable = 0;
    {
      // Reading and parsing the stored transactions (this thread) take
      // about as long as feeding them to the engine (the feeder thread):
      // side by side, a restart is ready in little more than half the time.
      // Until the feeder is joined, only it touches the engine.
      constexpr size_t kBatch = 4096;
      util::BatchPipe<Transaction> pipe(4);
      std::exception_ptr feed_failure;
      std::thread feeder([&] {
        try {
          while (auto batch = pipe.pop()) {
            for (const auto& t : *batch) engine.process(t, false);
          }
        } catch (...) {
          feed_failure = std::current_exception();
          pipe.abandon();
        }
      });
      try {
        std::vector<Transaction> batch;
        batch.reserve(kBatch);
        for (const auto& document : rows) {
          auto t = read_stored_transaction(document);
          if (!t) {
            ++unreadable;
            continue;
          }
          newest = std::max(newest, t->occurred_at);
          ++count;
          batch.push_back(std::move(*t));
          if (batch.size() == kBatch) {
            if (!pipe.push(std::move(batch))) break;
            batch = {};
            batch.reserve(kBatch);
          }
        }
        if (!batch.empty()) pipe.push(std::move(batch));
      } catch (...) {
        pipe.close();
        feeder.join();
        throw;
      }
      pipe.close();
      feeder.join();
      if (feed_failure) std::rethrow_exception(feed_failure);
    }
    for (const auto& window :
         AlertsStore::open_windows(sql, tenant_id, newest == INT64_MIN ? 0 : newest - kLatenessMicros)) {
      engine.remember(window.alert, window.closed);
    }
    // Stored but never evaluated: acknowledged by the bus, not committed by
    // the detector before a crash (or not delivered yet).
    soci::rowset<std::string> gaps =
        (sql.prepare << "SELECT t.document FROM monitoring_transactions t WHERE t.tenant_id = :t AND NOT EXISTS"
                        " (SELECT 1 FROM monitoring_evaluations e WHERE e.tenant_id = t.tenant_id"
                        " AND e.transaction_id = t.id) ORDER BY t.ingested_at, t.id",
         soci::use(tenant_id));
    for (const auto& document : gaps) {
      if (auto t = read_stored_transaction(document)) {
        missing.push_back(std::move(*t));
      } else {
        ++unreadable;
      }
    }
    if (unreadable > 0) {
      spdlog::error("monitoring: tenant {}: {} stored transactions do not read back and are left out of the "
                    "rebuilt state (windows, graph, history)", tenant_id, unreadable);
    }
    spdlog::info("monitoring: tenant {} rebuilt from {} evaluated transactions; {} to evaluate", tenant_id, count,
                 missing.size());
  });
  for (const auto& t : missing) evaluate(engine, tenant_id, t, "");
  std::lock_guard lock(mutex_);
  rebuilt_at_[tenant_id] = util::now_micros();
}

void Detector::load() {
  std::vector<std::string> tenants;
  db_->read([&](soci::session& sql) {
    long long max_position = 0;
    soci::indicator ind;
    sql << "SELECT MAX(position) FROM monitoring_evaluations", soci::into(max_position, ind);
    position_ = ind == soci::i_ok ? max_position : 0;
    soci::rowset<std::string> rows = sql.prepare << "SELECT DISTINCT tenant_id FROM monitoring_transactions";
    for (const auto& t : rows) tenants.push_back(t);
  });
  for (const auto& tenant : tenants) {
    engine_.with_tenant(tenant, [&](detection::TenantEngine& engine) {
      rebuild(engine, tenant);
      return 0;
    });
  }
  flush();
  std::lock_guard lock(mutex_);
  loaded_at_ = util::now_micros();
}

void Detector::alert_status_changed(const std::string& tenant_id, const std::string& alert_id,
                                    const std::string& subject_id, bool closed) {
  // After the change committed: a rebuild from now on reads the new status,
  // and one that ran before is corrected here (both under the tenant's lock).
  // A tenant without an engine holds no alerts to correct (load() makes
  // one for every tenant with stored transactions, and a rebuild reads the
  // review status from the store): none is created here.
  engine_.with_existing_tenant(tenant_id, [&](detection::TenantEngine& engine) {
    engine.set_alert_closed(alert_id, subject_id, closed);
  });
}

void Detector::rules_changed(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  stale_rules_[tenant_id] = true;
}

void Detector::subscribe(events::EventBus& bus) {
  bus.subscribe(kConsumerGroup, {"transactions"}, [this](const events::Message& message) { handle(message); });
}

bool Detector::evaluated_or_pending(const std::string& tenant_id, const std::string& transaction_id,
                                    int64_t event_time) {
  {
    std::lock_guard lock(pending_mutex_);
    if (pending_ids_.contains({tenant_id, transaction_id})) return true;
  }
  {
    constexpr int64_t kClockMargin = 60LL * 1'000'000;
    std::lock_guard lock(mutex_);
    auto it = rebuilt_at_.find(tenant_id);
    int64_t since = it != rebuilt_at_.end() ? it->second : loaded_at_;
    if (since != INT64_MAX && event_time > since + kClockMargin) return false;
  }
  return db_->read([&](soci::session& sql) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM monitoring_evaluations WHERE tenant_id = :t AND transaction_id = :id",
        soci::use(tenant_id), soci::use(transaction_id), soci::into(n);
    return n > 0;
  });
}

void Detector::evaluate(detection::TenantEngine& engine, const std::string& tenant_id, const Transaction& transaction,
                        const std::string& trace_id) {
  auto changes = engine.process(transaction);
  evaluated_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(pending_mutex_);
  pending_ids_.insert({tenant_id, transaction.id});
  pending_.push_back({tenant_id, transaction.id, ++position_, std::move(changes), trace_id});
  if (pending_.size() >= kCommitBatch) pending_cv_.notify_one();
}

void Detector::handle(const events::Message& message) {
  auto envelope = events::Envelope::from_json(boost::json::parse(message.payload));
  if (envelope.type != "transaction.ingested") return;
  const std::string& tenant = envelope.tenant_id;
  const auto& data = envelope.data.as_object();
  std::string transaction_id = text(data, "id");
  bool stale;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = stale_rules_.try_emplace(tenant, true);
    stale = it->second;
    it->second = false;
  }
  engine_.with_tenant(tenant, [&](detection::TenantEngine& engine) {
    // A tenant waiting for its rebuild leaves the transaction stored and
    // unevaluated: that rebuild's catch-up evaluates it, in order.
    if (broken(tenant)) return 0;
    if (stale || !engine.rules()) {
      engine.set_rules(db_->read([&](soci::session& sql) { return compile_rules(sql, tenant); }));
    }
    if (evaluated_or_pending(tenant, transaction_id, envelope.occurred_at)) return 0;
    auto transaction = transaction_from_event(data);
    if (!transaction) {
      // An event of an older shape: read the stored transaction.
      db_->read([&](soci::session& sql) {
        if (auto stored = MonitoringStore::find(sql, tenant, transaction_id)) {
          transaction = read_stored_transaction(stored->document);
        }
      });
    }
    if (!transaction) throw std::runtime_error("transaction.ingested for a transaction that is not stored");
    // Only what this takes up counts: after a restart the events the
    // rebuild already evaluated arrive late too, and pass straight through.
    const int64_t now = util::now_micros();
    last_delay_.store(std::max<int64_t>(0, now - envelope.occurred_at), std::memory_order_relaxed);
    last_handled_at_.store(now, std::memory_order_relaxed);
    evaluate(engine, tenant, *transaction, envelope.trace_id);
    return 0;
  });
}

std::chrono::microseconds Detector::evaluation_delay() const {
  constexpr int64_t kIdleAfter = 1'000'000;
  if (util::now_micros() - last_handled_at_.load(std::memory_order_relaxed) > kIdleAfter) {
    return std::chrono::microseconds(0);
  }
  return std::chrono::microseconds(last_delay_.load(std::memory_order_relaxed));
}

bool Detector::broken(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  return repair_schedule_.broken(tenant_id);
}

void Detector::repair(detection::TenantEngine& engine, const std::string& tenant_id) {
  {
    std::lock_guard lock(mutex_);
    if (!repair_schedule_.due(tenant_id, util::now_micros())) return;
    repair_schedule_.rebuilding(tenant_id);
  }
  try {
    rebuild(engine, tenant_id);
  } catch (const std::exception& error) {
    // Half rebuilt (the store went away while it was read): still broken.
    // Evaluating on it would miss everything it had not read back yet.
    std::lock_guard lock(mutex_);
    repair_schedule_.failed(tenant_id);
    if (!store::is_unavailable(error)) repair_schedule_.rebuilt(tenant_id, util::now_micros());
    throw;
  }
  repairs_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  repair_schedule_.rebuilt(tenant_id, util::now_micros());
}

void Detector::repair_broken_tenants() {
  std::unique_lock lock(mutex_);
  while (true) {
    // Every second (a tenant's wait may have ended), or at once when a
    // commit fails.
    repair_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return repairer_stopping_ || repair_wanted_; });
    if (repairer_stopping_) return;
    repair_wanted_ = false;
    const std::vector<std::string> broken = repair_schedule_.broken_tenants();
    lock.unlock();
    for (const auto& tenant : broken) {
      try {
        engine_.with_existing_tenant(tenant, [&](detection::TenantEngine& engine) { repair(engine, tenant); });
      } catch (const std::exception& error) {
        if (!store::is_unavailable(error)) {
          spdlog::error("monitoring: rebuilding tenant {} failed ({}); tried again later", tenant,
                        util::error_text(error));
        }
      }
    }
    lock.lock();
  }
}

void Detector::committer() {
  std::unique_lock lock(pending_mutex_);
  while (true) {
    pending_cv_.wait_for(lock, kCommitInterval, [this] { return stopping_ || pending_.size() >= kCommitBatch; });
    if (pending_.empty()) {
      if (stopping_) return;
      continue;
    }
    commit_pending(lock);
  }
}

void Detector::commit_pending(std::unique_lock<std::mutex>& lock) {
  std::vector<Pending> batch;
  batch.swap(pending_);
  committing_ = true;
  lock.unlock();
  commit(std::move(batch));
  lock.lock();
  committing_ = false;
  pending_cv_.notify_all();
}

void Detector::commit(std::vector<Pending> batch) {
  // Tenants whose evaluations committed no longer wait to be rebuilt.
  auto committed = [this](const std::vector<Pending>& done) {
    std::lock_guard lock(mutex_);
    if (repair_schedule_.empty()) return;
    for (const auto& p : done) repair_schedule_.committed(p.tenant_id);
  };
  try {
    write(batch);
    committed(batch);
  } catch (const std::exception& error) {
    commit_failures_.fetch_add(1);
    std::set<std::string> tenants;
    for (const auto& p : batch) tenants.insert(p.tenant_id);
    std::set<std::string> failed = tenants;
    if (tenants.size() > 1 && !store::is_unavailable(error)) {
      // What the store refuses may be one tenant's evaluations, and refuse
      // them again after the rebuild: committed together, every batch
      // holding that tenant would fail, and with it every other tenant's
      // monitoring. Each tenant's are committed on their own instead.
      spdlog::error("monitoring: committing {} evaluations of {} tenants failed ({}); committing each tenant's alone",
                    batch.size(), tenants.size(), util::error_text(error));
      for (const auto& tenant : tenants) {
        std::vector<Pending> own;  // copies: a rare path, and the batch's ids are cleared below
        for (const auto& p : batch) {
          if (p.tenant_id == tenant) own.push_back(p);
        }
        try {
          write(own);
          committed(own);
          failed.erase(tenant);
        } catch (const std::exception& again) {
          commit_failures_.fetch_add(1);
          spdlog::error("monitoring: committing {} evaluations of tenant {} failed ({}); it is rebuilt", own.size(),
                        tenant, util::error_text(again));
        }
      }
    } else {
      spdlog::error("monitoring: committing {} evaluations failed ({}); the tenants concerned are rebuilt",
                    batch.size(), util::error_text(error));
    }
    // The engines are ahead of the store: each tenant whose evaluations did
    // not commit is rebuilt from what did, and the rest is evaluated again.
    {
      std::lock_guard lock(mutex_);
      for (const auto& t : failed) repair_schedule_.failed(t);
      repair_wanted_ = true;
    }
    repair_cv_.notify_one();
  }
  std::lock_guard lock(pending_mutex_);
  for (const auto& p : batch) pending_ids_.erase({p.tenant_id, p.transaction_id});
}

void Detector::write(const std::vector<Pending>& batch) {
  // Deferred durability: nobody is told these rows were kept. After a
  // power loss took the newest of them, the restart finds the synced
  // transactions they came from unevaluated and evaluates them again
  // (rebuild()), raising the same alerts under the same ids; the sync is
  // saved for ingestion, whose commits are acknowledgements.
  //
  // Every writer of the store waits for its one write lock (ingestion's
  // batches among them), so what can be done before the transaction is:
  // the alerts' documents and the events are rendered here, and the
  // transaction only executes prepared statements. Each table's rows keep
  // the batch's order.
  //
  // An alert that gathers several hits within one batch (a hub account
  // paid by many) changes several times: its row is written once, with
  // the state of its last change, which holds every earlier one.
  // Keys view the batch's own strings, which outlive the map.
  std::map<std::pair<std::string_view, std::string_view>, const detection::AlertChange*> latest;
  for (const auto& p : batch) {
    for (const auto& change : p.changes) latest[{p.tenant_id, change.alert.id}] = &change;
  }
  struct AlertRow {
    const std::string& tenant_id;
    const detection::Alert& alert;
    std::string document;
  };
  std::vector<AlertRow> alert_rows;
  std::vector<events::OutboxWriter::Rendered> raised;
  for (const auto& p : batch) {
    for (const auto& change : p.changes) {
      const auto& a = change.alert;
      if (latest.at({p.tenant_id, a.id}) == &change) {
        alert_rows.push_back({p.tenant_id, a, AlertsStore::document_of(a)});
      }
      if (change.kind != detection::AlertChange::Kind::kRaised) continue;
      boost::json::object data{{"id", a.id},
                               {"rule_id", a.rule_id},
                               {"rule_version", a.rule_version},
                               {"typology", a.typology},
                               {"subject", {{"type", a.subject_type}, {"id", a.subject_id}}},
                               {"severity", a.severity},
                               {"score", a.score},
                               {"transaction_id", change.transaction_id}};
      raised.emplace_back("alerts",
                          events::make_envelope("alert.raised", p.tenant_id, a.subject_id, std::move(data), p.trace_id));
    }
  }
  db_->write([&](soci::session& sql) {
    std::string tenant, transaction;
    long long position = 0;
    soci::statement record = (sql.prepare << "INSERT INTO monitoring_evaluations (tenant_id, transaction_id, position)"
                                             " VALUES (:t, :id, :p)",
                              soci::use(tenant), soci::use(transaction), soci::use(position));
    for (const auto& p : batch) {
      tenant = p.tenant_id;
      transaction = p.transaction_id;
      position = p.position;
      record.execute(true);
    }
    if (!alert_rows.empty()) {
      const int64_t now = util::now_micros();
      AlertsStore::Upserter alerts(sql);
      // Rendered for this transaction only (a failed one is rendered again
      // from the batch): moved into the statements' bound strings.
      for (auto& row : alert_rows) alerts.upsert(row.tenant_id, row.alert, std::move(row.document), now);
    }
    events::OutboxWriter outbox(sql);
    for (auto& event : raised) outbox.enqueue(std::move(event));
  }, store::Durability::kDeferred);
  raised_.fetch_add(raised.size(), std::memory_order_relaxed);
}

void Detector::flush() {
  std::unique_lock lock(pending_mutex_);
  pending_cv_.notify_all();
  // Wait until nothing is pending and no batch is being committed.
  while (!pending_.empty() || committing_) {
    if (!pending_.empty() && !committing_) {
      commit_pending(lock);
      continue;
    }
    pending_cv_.wait_for(lock, kCommitInterval);
  }
}

void Detector::stop() {
  {
    std::lock_guard lock(mutex_);
    repairer_stopping_ = true;
  }
  repair_cv_.notify_all();
  if (repairer_.joinable()) repairer_.join();
  flush();
  {
    std::lock_guard lock(pending_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  pending_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
}

}  // namespace hafnium::services::monitoring
