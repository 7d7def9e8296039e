#include "services/monitoring/detector.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "platform/events/envelope.h"
#include "platform/events/outbox.h"
#include "platform/store/row.h"
#include "platform/util/time.h"
#include "services/monitoring/alerts_store.h"
#include "services/monitoring/rules_store.h"
#include "services/monitoring/store.h"

namespace hafnium::services::monitoring {

Detector::Detector(std::shared_ptr<store::Database> db) : db_(std::move(db)) {}

std::shared_ptr<const detection::RuleSet> Detector::compile_rules(soci::session& sql, const std::string& tenant_id) {
  std::vector<detection::RuleDefinition> definitions = detection::default_pack();
  for (const auto& r : RulesStore::list(sql, tenant_id, "", 10'000)) {
    detection::RuleDefinition d;
    d.id = r.id;
    d.name = r.name;
    d.typology = "custom";
    d.condition = r.condition;
    d.severity = r.severity;
    d.score = r.score;
    d.explanation = r.explanation;
    d.enabled = r.enabled;
    d.version = r.version;
    definitions.push_back(std::move(d));
  }
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
  engine.reset();
  db_->read([&](soci::session& sql) {
    engine.set_rules(compile_rules(sql, tenant_id));
    soci::rowset<std::string> rows =
        (sql.prepare << "SELECT t.document FROM monitoring_evaluations e JOIN monitoring_transactions t"
                        " ON t.tenant_id = e.tenant_id AND t.id = e.transaction_id"
                        " WHERE e.tenant_id = :t ORDER BY e.position",
         soci::use(tenant_id));
    int64_t newest = INT64_MIN;
    size_t count = 0;
    for (const auto& document : rows) {
      auto t = read_stored_transaction(document);
      if (!t) continue;
      engine.process(*t, false);
      newest = std::max(newest, t->occurred_at);
      ++count;
    }
    for (const auto& alert : AlertsStore::open_windows(sql, tenant_id, newest == INT64_MIN ? 0 : newest - 3600LL * 1'000'000)) {
      engine.remember(alert);
    }
    spdlog::info("monitoring: tenant {} state rebuilt from {} evaluated transactions", tenant_id, count);
  });
}

void Detector::load() {
  std::vector<std::string> tenants;
  db_->read([&](soci::session& sql) {
    long long max_position = 0;
    soci::indicator ind;
    sql << "SELECT MAX(position) FROM monitoring_evaluations", soci::into(max_position, ind);
    position_ = ind == soci::i_ok ? max_position : 0;
    soci::rowset<std::string> rows = sql.prepare << "SELECT DISTINCT tenant_id FROM monitoring_evaluations";
    for (const auto& t : rows) tenants.push_back(t);
  });
  for (const auto& tenant : tenants) {
    engine_.with_tenant(tenant, [&](detection::TenantEngine& engine) {
      rebuild(engine, tenant);
      return 0;
    });
  }
}

void Detector::rules_changed(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  stale_rules_[tenant_id] = true;
}

void Detector::subscribe(events::EventBus& bus) {
  bus.subscribe(kConsumerGroup, {"transactions"}, [this](const events::Message& message) { handle(message); });
}

void Detector::handle(const events::Message& message) {
  auto envelope = events::Envelope::from_json(boost::json::parse(message.payload));
  if (envelope.type != "transaction.ingested") return;
  const std::string& tenant = envelope.tenant_id;
  std::string transaction_id(envelope.data.as_object().at("id").as_string());
  bool stale, broken;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = stale_rules_.try_emplace(tenant, true);
    stale = it->second;
    it->second = false;
    broken = stale_state_[tenant];
    stale_state_[tenant] = false;
  }
  engine_.with_tenant(tenant, [&](detection::TenantEngine& engine) {
    if (broken) rebuild(engine, tenant);
    if (stale || !engine.rules()) {
      engine.set_rules(db_->read([&](soci::session& sql) { return compile_rules(sql, tenant); }));
    }
    std::optional<Transaction> transaction;
    bool seen = db_->read([&](soci::session& sql) {
      int n = 0;
      sql << "SELECT COUNT(*) FROM monitoring_evaluations WHERE tenant_id = :t AND transaction_id = :id",
          soci::use(tenant), soci::use(transaction_id), soci::into(n);
      if (n > 0) return true;
      std::string document;
      soci::indicator ind;
      sql << "SELECT document FROM monitoring_transactions WHERE tenant_id = :t AND id = :id", soci::use(tenant),
          soci::use(transaction_id), soci::into(document, ind);
      if (ind == soci::i_ok) transaction = read_stored_transaction(document);
      return false;
    });
    if (seen) return 0;
    if (!transaction) throw std::runtime_error("transaction.ingested for a transaction that is not stored");
    auto changes = engine.process(*transaction);
    try {
      db_->write([&](soci::session& sql) {
        long long position = ++position_;
        sql << "INSERT INTO monitoring_evaluations (tenant_id, transaction_id, position) VALUES (:t, :id, :p)",
            soci::use(tenant), soci::use(transaction_id), soci::use(position);
        int64_t now = util::now_micros();
        for (const auto& change : changes) {
          AlertsStore::upsert(sql, tenant, change.alert, now);
          if (change.kind != detection::AlertChange::Kind::kRaised) continue;
          const auto& a = change.alert;
          events::Outbox::enqueue(
              sql, "alerts",
              events::make_envelope("alert.raised", tenant, a.subject_id,
                                    boost::json::object{{"id", a.id},
                                                        {"rule_id", a.rule_id},
                                                        {"rule_version", a.rule_version},
                                                        {"typology", a.typology},
                                                        {"subject", {{"type", a.subject_type}, {"id", a.subject_id}}},
                                                        {"severity", a.severity},
                                                        {"score", a.score},
                                                        {"transaction_id", change.transaction_id}},
                                    envelope.trace_id));
        }
      });
    } catch (...) {
      // The engine is ahead of the store: rebuild it from what committed
      // before the bus redelivers.
      std::lock_guard lock(mutex_);
      stale_state_[tenant] = true;
      throw;
    }
    for (const auto& change : changes) {
      if (change.kind == detection::AlertChange::Kind::kRaised) ++raised_;
    }
    return 0;
  });
}

}  // namespace hafnium::services::monitoring
