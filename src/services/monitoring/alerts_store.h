#pragma once

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
};

// Alerts per tenant, and the record of which transactions the detector has
// evaluated and in what order (how a restart rebuilds its state).
class AlertsStore {
 public:
  static std::vector<store::Migration> migrations();
  static void upsert(soci::session& sql, const std::string& tenant_id, const detection::Alert& alert, int64_t now);
  static std::optional<StoredAlert> find(soci::session& sql, const std::string& tenant_id, const std::string& id);
  // Filters left empty match everything; raised_at within [raised_from,
  // raised_to) when given (event time of the payment that raised it).
  struct Filter {
    std::string status, rule_id, subject_id, severity;
    std::optional<int64_t> raised_from, raised_to;
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
  // An analyst's change of status (`actor` is who).
  static void set_status(soci::session& sql, const std::string& tenant_id, const std::string& id,
                         const std::string& status, const std::string& reason, const std::string& actor,
                         int64_t now);
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
