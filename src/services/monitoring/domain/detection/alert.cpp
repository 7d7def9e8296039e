#include "services/monitoring/domain/detection/alert.h"

#include <boost/json.hpp>

#include "platform/util/time.h"

namespace hafnium::services::monitoring::detection {

namespace {
boost::json::value value_to_json(const rules::Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return boost::json::string(*s);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return nullptr;
}
}  // namespace

boost::json::array facts_to_json(const std::vector<rules::Fact>& facts) {
  boost::json::array out;
  for (const auto& f : facts) {
    out.push_back(boost::json::object{
        {"condition", f.condition}, {"actual", value_to_json(f.left)}, {"threshold", value_to_json(f.right)}, {"held", f.held}});
  }
  return out;
}

boost::json::object alert_to_json(const Alert& a) {
  boost::json::array ids;
  for (const auto& id : a.transaction_ids) ids.push_back(boost::json::string(id));
  return {{"id", a.id},
          {"rule_id", a.rule_id},
          {"rule_version", a.rule_version},
          {"rule_name", a.rule_name},
          {"typology", a.typology},
          {"subject", {{"type", a.subject_type}, {"id", a.subject_id}}},
          {"severity", a.severity},
          {"score", a.score},
          {"raised_at", util::format_rfc3339(a.raised_at)},
          {"window_until", util::format_rfc3339(a.window_until)},
          {"explanation", a.explanation},
          {"conditions", facts_to_json(a.conditions)},
          {"transaction_ids", std::move(ids)},
          {"hits", a.hits}};
}

}  // namespace hafnium::services::monitoring::detection
