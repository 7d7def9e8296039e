#pragma once

#include <map>
#include <optional>
#include <soci/soci.h>
#include <string>
#include <vector>

#include "platform/store/migrations.h"
#include "services/monitoring/domain/detection/alert.h"

namespace hafnium::services::monitoring {

struct StoredAlert {
  detection::Alert alert;
  boost::json::object document;  // as raised, with its conditions
  std::string status = "open";  // open, closed
  std::string status_reason;
  int64_t updated_at = 0;
  std::string status_changed_by;  // empty until an analyst changes the status
  int64_t status_changed_at = 0;
  std::string resolution;  // how a closed alert was resolved; empty while open
};

// Alerts per tenant, and the record of which transactions the detector has
// evaluated and in what order (how a restart rebuilds its state).
class AlertsStore {
 public:
  static std::vector<store::Migration> migrations();
  // Writes alerts as raised or joined by later hits, many in one
  // transaction: the statement is prepared once, and each alert's document
  // is rendered (document_of) before the transaction, outside the store's
  // write lock.
  static std::string document_of(const detection::Alert& alert);
  class Upserter {
   public:
    explicit Upserter(soci::session& sql);
    // The document by value: a caller done with it moves it in.
    void upsert(const std::string& tenant_id, const detection::Alert& alert, std::string document, int64_t now);

   private:
    std::string tenant_, id_, rule_, subject_, severity_, document_;
    std::string open_ = "open", no_reason_;  // a new alert is open, with no reason yet
    long long raised_ = 0, until_ = 0, at_ = 0;
    soci::statement statement_;
  };
  static std::optional<StoredAlert> find(soci::session& sql, const std::string& tenant_id, const std::string& id);
  // Filters left empty match everything; raised_at within [raised_from,
  // raised_to) when given (event time of the payment that raised it).
  struct Filter {
    std::string status, rule_id, subject_id, severity;
    std::optional<int64_t> raised_from, raised_to;
    std::string resolution;
  };
  // Where a page ends: alerts are listed newest first (by raised_at, then
  // id), the order an analyst works a queue in.
  struct Position {
    int64_t raised_at = 0;
    std::string id;
    std::string encode() const;
    static std::optional<Position> decode(const std::string& text);
  };
  static std::vector<StoredAlert> list(soci::session& sql, const std::string& tenant_id, const Filter& filter,
                                       const std::optional<Position>& after, size_t limit);
  // How an analyst closes an alert: the pattern was innocent
  // (false_positive), it goes on to an investigation or a report
  // (escalated), another alert covers it (duplicate), or other. What the
  // rules' false-positive rates are computed from.
  static constexpr const char* kResolutions[] = {"false_positive", "escalated", "duplicate", "other"};
  static bool is_resolution(const std::string& text);
  // An analyst's change of status: closed with a reason and a resolution,
  // or reopened (the resolution cleared).
  struct StatusChange {
    std::string status, reason, resolution, actor;
  };
  static void set_status(soci::session& sql, const std::string& tenant_id, const std::string& id,
                         const StatusChange& change, int64_t now);
  // Per rule, the alerts raised in [from, to) and what became of them.
  struct RuleOutcomes {
    std::string rule_id;
    int64_t raised = 0, open = 0, closed = 0;
    std::map<std::string, int64_t> resolutions;  // of the closed ones
    int64_t oldest_open_raised_at = 0;            // 0: none open
  };
  static std::vector<RuleOutcomes> outcomes_by_rule(soci::session& sql, const std::string& tenant_id, int64_t from,
                                                    int64_t to);
  // Alerts still collecting hits at `newest` event time, and whether an
  // analyst closed each.
  struct Window {
    detection::Alert alert;
    bool closed = false;
  };
  static std::vector<Window> open_windows(soci::session& sql, const std::string& tenant_id, int64_t since);
};

boost::json::object stored_alert_to_json(const StoredAlert& alert);

}  // namespace hafnium::services::monitoring
