#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <soci/soci.h>
#include <string>
#include <vector>

#include "platform/store/migrations.h"
#include "services/monitoring/domain/detection/rule_set.h"
#include "services/monitoring/domain/rules/rule_expression.h"

namespace hafnium::services::monitoring {

struct RuleRecord {
  std::string id, name, condition, severity, explanation, author;
  std::string typology = "custom";
  std::string subject = "debtor";   // whose alert: the debtor or the creditor account
  std::string suppression = "24h";  // later hits join an alert for this long
  int64_t score = 0;
  bool enabled = true;
  int64_t version = 1;
  int64_t created_at = 0, updated_at = 0;
  // A tenant's version of a default-pack rule: whether the pack's rule has
  // changed (a newer release) since this one replaced it; unknown (nullopt)
  // for versions made before the replaced one was kept, and for the rest.
  std::optional<bool> pack_changed;
};

// Rules per tenant, versioned: every change writes a new version row with
// its author and time; the rule row holds the current version.
class RulesStore {
 public:
  static std::vector<store::Migration> migrations();
  static void insert(soci::session& sql, const std::string& tenant_id, const RuleRecord& rule);
  static void update(soci::session& sql, const std::string& tenant_id, const RuleRecord& rule);
  static std::optional<RuleRecord> find(soci::session& sql, const std::string& tenant_id, const std::string& id);
  static std::vector<RuleRecord> list(soci::session& sql, const std::string& tenant_id, const std::string& after,
                                      size_t limit);
  static std::vector<RuleRecord> versions(soci::session& sql, const std::string& tenant_id, const std::string& id);
  // The rule as it runs for the tenant: its stored row, or for a
  // default-pack rule the tenant never changed, the pack's (version 1).
  static std::optional<RuleRecord> effective(soci::session& sql, const std::string& tenant_id, const std::string& id);
  // Before a tenant's first version of a pack rule: keeps the pack's rule
  // as it is now as version 1 of the tenant's history, so that a later
  // release's change to it shows (pack_changed) instead of staying hidden
  // behind the tenant's version.
  static void keep_replaced_pack_rule(soci::session& sql, const std::string& tenant_id, const RuleRecord& pack);
  // Sets rule.pack_changed for a tenant's version of a pack rule.
  static void note_pack_change(soci::session& sql, const std::string& tenant_id, RuleRecord& rule);
};

// The default pack's rules are the tenant's to read, change and disable:
// a stored row with a pack rule's id ("structuring") is the tenant's
// version of it and replaces it; version 1 is the pack's own, by author
// kPackAuthor, without timestamps.
inline constexpr const char* kPackAuthor = "default-pack";
const detection::RuleDefinition* find_pack_rule(const std::string& id);
RuleRecord pack_record(const detection::RuleDefinition& rule);

boost::json::object rule_to_json(const RuleRecord& rule);

// A tenant rule as the engine runs it.
detection::RuleDefinition to_definition(const RuleRecord& rule);

// What runs for a tenant: the default pack (each rule replaced by the
// tenant's version when it has one), then the tenant's own rules (the
// disabled ones included; compiling skips them).
std::vector<detection::RuleDefinition> active_rule_definitions(soci::session& sql, const std::string& tenant_id);

}  // namespace hafnium::services::monitoring
