#include "services/monitoring/domain/detection/rule_set.h"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hafnium::services::monitoring::detection {

// Generated from rules/default/*.json (cmake/embed_files.cmake).
const std::vector<std::pair<std::string_view, std::string_view>>& default_pack_files();

namespace {

constexpr int64_t kMinute = 60'000'000LL, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr int64_t kNewBaseline = 30 * kDay;

using Kind = ResolvedFeature::Kind;
using Statistic = ResolvedFeature::Statistic;
using Group = ResolvedFeature::Group;

const std::map<std::string, Statistic>& statistics() {
  static const std::map<std::string, Statistic> m = {
      {"count", Statistic::kCount}, {"sum", Statistic::kSum},       {"avg", Statistic::kAvg},
      {"min", Statistic::kMin},     {"max", Statistic::kMax},       {"stddev", Statistic::kStddev},
      {"distinct", Statistic::kDistinct}, {"new_distinct", Statistic::kNewDistinct}};
  return m;
}

struct Subject {
  Group group;
  bool creditor_side;
};
const std::map<std::string, Subject>& subjects() {
  // 'out' and 'in' are the short forms: the debtor's outgoing payments and
  // the creditor's incoming ones.
  static const std::map<std::string, Subject> m = {
      {"out", {Group::kAccountOut, false}},        {"in", {Group::kAccountIn, true}},
      {"debtor.out", {Group::kAccountOut, false}}, {"debtor.in", {Group::kAccountIn, false}},
      {"creditor.in", {Group::kAccountIn, true}},  {"creditor.out", {Group::kAccountOut, true}},
      {"customer.out", {Group::kCustomerOut, false}}, {"pair", {Group::kPair, false}},
      {"country.in", {Group::kCountryIn, true}}};
  return m;
}

const std::map<std::string, Kind>& history_functions() {
  static const std::map<std::string, Kind> m = {{"days_since_last", Kind::kDaysSinceLast},
                                                {"account_age_days", Kind::kAccountAgeDays},
                                                {"history_avg_amount", Kind::kHistoryAvgAmount},
                                                {"history_daily_count", Kind::kHistoryDailyCount}};
  return m;
}

// Functions of one party that need no windows: what the engine already
// holds about the account.
const std::map<std::string, Kind>& party_functions() {
  static const std::map<std::string, Kind> m = {{"alert_score", Kind::kAlertScore}};
  return m;
}

const std::map<std::string, Kind>& graph_functions() {
  static const std::map<std::string, Kind> m = {{"cycle_hops", Kind::kCycleHops},
                                                {"scatter_gather", Kind::kScatterGather},
                                                {"gather_scatter", Kind::kGatherScatter},
                                                {"bipartite", Kind::kBipartite}};
  return m;
}

bool known_severity(const std::string& s) { return s == "low" || s == "medium" || s == "high" || s == "critical"; }

std::string where(const rules::CompileError& e) {
  return "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": " + e.reason;
}

}  // namespace

const rules::Schema& filter_schema() {
  static const rules::Schema schema = [] {
    rules::Schema s;
    using rules::Type;
    s.fields = {{"tx.amount", Type::kNumber},        {"tx.original_amount", Type::kNumber},
                {"tx.currency", Type::kString},      {"tx.type", Type::kString},
                {"tx.channel", Type::kString},       {"tx.hour", Type::kNumber},
                {"tx.is_round", Type::kBool},        {"tx.cross_border", Type::kBool},
                {"tx.self_transfer", Type::kBool},   {"debtor.account", Type::kString},
                {"creditor.account", Type::kString}, {"debtor.country", Type::kString},
                {"creditor.country", Type::kString}, {"debtor.bank", Type::kString},
                {"creditor.bank", Type::kString},    {"debtor.customer", Type::kString},
                {"creditor.customer", Type::kString}};
    // FATF, "High-Risk Jurisdictions subject to a Call for Action"
    // (DPRK, Iran, Myanmar), as published in February 2025.
    s.lists["high_risk_countries"] = {"KP", "IR", "MM"};
    return s;
  }();
  return schema;
}

const rules::Schema& detection_schema() {
  static const rules::Schema schema = [] {
    rules::Schema s = filter_schema();
    std::set<std::string> subject_names;
    for (const auto& [name, _] : subjects()) subject_names.insert(name);
    for (const auto& [fn, _] : statistics()) {
      s.functions[fn] = 3;  // subject, window[, filter]
      s.minimum_arguments[fn] = 2;
      s.function_arguments[fn] = {subject_names};
    }
    for (const auto& [fn, _] : history_functions()) {
      s.functions[fn] = 1;
      s.function_arguments[fn] = {{"debtor", "creditor"}};
    }
    for (const auto& [fn, _] : party_functions()) {
      s.functions[fn] = 1;
      s.function_arguments[fn] = {{"debtor", "creditor"}};
    }
    for (const auto& [fn, _] : graph_functions()) s.functions[fn] = 1;  // window
    return s;
  }();
  return schema;
}

std::optional<int64_t> parse_duration(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  int64_t unit = text.back() == 'm' ? kMinute : text.back() == 'h' ? kHour : text.back() == 'd' ? kDay : 0;
  if (unit == 0) return std::nullopt;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || n > 100000) return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  if (n <= 0 || n * unit > 90 * kDay) return std::nullopt;
  return n * unit;
}

std::variant<ResolvedFeature, std::string> RuleSet::resolve(const rules::FeatureCall& call) {
  ResolvedFeature f;
  if (auto s = statistics().find(call.function); s != statistics().end()) {
    f.kind = Kind::kAggregate;
    f.statistic = s->second;
    const auto& subject = subjects().at(call.args[0]);
    f.group = subject.group;
    f.creditor_side = subject.creditor_side;
    auto window = parse_duration(call.args[1]);
    if (!window) return call.text() + ": window '" + call.args[1] + "' is not a duration from 1m to 90d such as 1h, 24h or 7d";
    f.window = *window;
    if (call.args.size() == 3) {
      auto found = std::find(filter_sources_.begin(), filter_sources_.end(), call.args[2]);
      if (found == filter_sources_.end()) {
        auto compiled = rules::compile_rule(call.args[2], filter_schema());
        if (auto* error = std::get_if<rules::CompileError>(&compiled)) {
          return call.text() + ": filter " + where(*error);
        }
        filters_.push_back(std::get<rules::CompiledRule>(std::move(compiled)));
        filter_sources_.push_back(call.args[2]);
        found = filter_sources_.end() - 1;
      }
      f.filter = static_cast<size_t>(found - filter_sources_.begin()) + 1;
    }
    if (f.statistic == Statistic::kNewDistinct && f.window + kNewBaseline > 90 * kDay) {
      return call.text() + ": new_distinct windows are at most 60d (30 more days are its baseline)";
    }
    longest_window_ = std::max(longest_window_, f.window);
    return f;
  }
  if (auto h = history_functions().find(call.function); h != history_functions().end()) {
    f.kind = h->second;
    f.creditor_side = call.args[0] == "creditor";
    uses_history_ = true;
    return f;
  }
  if (auto p = party_functions().find(call.function); p != party_functions().end()) {
    f.kind = p->second;
    f.creditor_side = call.args[0] == "creditor";
    uses_alerts_ = true;
    return f;
  }
  if (auto g = graph_functions().find(call.function); g != graph_functions().end()) {
    f.kind = g->second;
    auto window = parse_duration(call.args[0]);
    if (!window || *window > 30 * kDay) {
      return call.text() + ": window '" + call.args[0] + "' is not a duration from 1m to 30d";
    }
    f.window = *window;
    longest_window_ = std::max(longest_window_, f.window);
    uses_graph_ = true;
    return f;
  }
  return "unknown function " + call.function;
}

std::vector<RuleError> rule_field_errors(const RuleDefinition& d) {
  std::vector<RuleError> errors;
  if (!known_severity(d.severity)) errors.push_back({"severity", "must be low, medium, high or critical"});
  if (d.score < 0 || d.score > 100) errors.push_back({"score", "must be from 0 to 100"});
  if (d.subject != "debtor" && d.subject != "creditor") errors.push_back({"subject", "must be debtor or creditor"});
  if (!parse_duration(d.suppression)) {
    errors.push_back({"suppression", "must be a duration from 1m to 90d such as 24h or 7d"});
  }
  return errors;
}

std::optional<RuleError> RuleSet::add(const RuleDefinition& d) {
  if (auto errors = rule_field_errors(d); !errors.empty()) return errors.front();
  auto suppression = parse_duration(d.suppression);
  auto compiled = rules::compile_rule(d.condition, detection_schema());
  if (auto* error = std::get_if<rules::CompileError>(&compiled)) return RuleError{"condition", where(*error)};
  CompiledRuleDefinition rule{d, std::get<rules::CompiledRule>(std::move(compiled)), {}, *suppression, {}};
  for (const auto& call : rule.condition.calls()) {
    auto resolved = resolve(call);
    if (auto* reason = std::get_if<std::string>(&resolved)) return RuleError{"condition", *reason};
    rule.features.push_back(std::get<ResolvedFeature>(resolved));
  }
  // The explanation: text with {expression} placeholders.
  size_t at = 0;
  const std::string& t = d.explanation;
  while (at < t.size()) {
    size_t open = t.find('{', at);
    if (open == std::string::npos) {
      rule.explanation.push_back({t.substr(at), std::nullopt, {}});
      break;
    }
    size_t close = t.find('}', open);
    if (close == std::string::npos) return RuleError{"explanation", "unclosed '{' at offset " + std::to_string(open)};
    if (open > at) rule.explanation.push_back({t.substr(at, open - at), std::nullopt, {}});
    auto expression = rules::compile_expression(t.substr(open + 1, close - open - 1), detection_schema());
    if (auto* error = std::get_if<rules::CompileError>(&expression)) {
      return RuleError{"explanation", "placeholder at offset " + std::to_string(open) + ": " + error->reason};
    }
    CompiledRuleDefinition::Piece piece{"", std::get<rules::CompiledRule>(std::move(expression)), {}};
    for (const auto& call : piece.expression->calls()) {
      auto resolved = resolve(call);
      if (auto* reason = std::get_if<std::string>(&resolved)) return RuleError{"explanation", *reason};
      piece.features.push_back(std::get<ResolvedFeature>(resolved));
    }
    rule.explanation.push_back(std::move(piece));
    at = close + 1;
  }
  longest_window_ = std::max(longest_window_, rule.suppression_micros);
  rules_.push_back(std::move(rule));
  return std::nullopt;
}

std::variant<std::shared_ptr<const RuleSet>, std::pair<std::string, RuleError>> RuleSet::compile(
    const std::vector<RuleDefinition>& definitions) {
  auto set = std::make_shared<RuleSet>();
  for (const auto& d : definitions) {
    if (!d.enabled) continue;
    if (auto error = set->add(d)) return std::make_pair(d.id, *error);
  }
  return std::shared_ptr<const RuleSet>(std::move(set));
}

std::optional<RuleError> RuleSet::check(const RuleDefinition& definition) {
  RuleSet scratch;
  return scratch.add(definition);
}

std::variant<RuleDefinition, std::vector<RuleError>> rule_from_json(const boost::json::object& o) {
  RuleDefinition d;
  std::vector<RuleError> errors;
  auto text = [&](const char* key, std::string& out, bool required, size_t max) {
    auto* v = o.if_contains(key);
    if (!v) {
      if (required) errors.push_back({key, "is required"});
      return;
    }
    if (!v->is_string()) {
      errors.push_back({key, "must be a string"});
      return;
    }
    out = std::string(v->as_string());
    if (out.size() > max) errors.push_back({key, "is longer than " + std::to_string(max) + " bytes"});
    if (required && out.empty()) errors.push_back({key, "must not be empty"});
  };
  static const std::set<std::string> known = {"id",         "name",     "typology", "condition", "severity",
                                              "score",      "subject",  "suppression", "explanation", "enabled",
                                              "rationale",  "parameters"};
  for (const auto& [key, _] : o) {
    if (!known.contains(std::string(key))) errors.push_back({std::string(key), "is not a rule field"});
  }
  text("id", d.id, false, 64);
  text("name", d.name, true, 200);
  text("typology", d.typology, false, 64);
  text("condition", d.condition, true, rules::kMaxSourceBytes);
  text("severity", d.severity, true, 16);
  text("subject", d.subject, false, 16);
  text("suppression", d.suppression, false, 16);
  text("explanation", d.explanation, false, 2000);
  if (auto* v = o.if_contains("score")) {
    if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > 100) {
      errors.push_back({"score", "must be an integer from 0 to 100"});
    } else {
      d.score = v->as_int64();
    }
  } else {
    errors.push_back({"score", "is required"});
  }
  if (auto* v = o.if_contains("enabled")) {
    if (!v->is_bool()) errors.push_back({"enabled", "must be true or false"});
    else d.enabled = v->as_bool();
  }
  if (d.typology.empty()) d.typology = "custom";
  if (errors.empty()) {
    if (auto error = RuleSet::check(d)) errors.push_back(*error);
  }
  if (!errors.empty()) return errors;
  return d;
}

boost::json::object rule_to_json(const RuleDefinition& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"typology", d.typology},
          {"condition", d.condition},
          {"severity", d.severity},
          {"score", d.score},
          {"subject", d.subject},
          {"suppression", d.suppression},
          {"explanation", d.explanation},
          {"enabled", d.enabled},
          {"version", d.version}};
}

namespace {
RuleDefinition parse_rule_file(const std::string& name, std::string_view content) {
  boost::json::value value;
  try {
    value = boost::json::parse(content);
  } catch (const std::exception& e) {
    throw std::runtime_error(name + ": not JSON: " + e.what());
  }
  if (!value.is_object()) throw std::runtime_error(name + ": a rule file holds one JSON object");
  auto result = rule_from_json(value.as_object());
  if (auto* errors = std::get_if<std::vector<RuleError>>(&result)) {
    throw std::runtime_error(name + ": " + errors->front().field + " " + errors->front().reason);
  }
  auto rule = std::get<RuleDefinition>(std::move(result));
  if (rule.id.empty()) throw std::runtime_error(name + ": id is required in a rule file");
  return rule;
}
}  // namespace

const std::vector<RuleDefinition>& default_pack() {
  static const std::vector<RuleDefinition> pack = [] {
    std::vector<RuleDefinition> out;
    for (const auto& [name, content] : default_pack_files()) out.push_back(parse_rule_file(std::string(name), content));
    return out;
  }();
  return pack;
}

std::vector<RuleDefinition> load_rule_directory(const std::string& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (files.empty()) throw std::runtime_error(directory + ": no rule files (*.json)");
  std::sort(files.begin(), files.end());
  std::vector<RuleDefinition> out;
  std::set<std::string> ids;
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto rule = parse_rule_file(path.string(), buffer.str());
    if (!ids.insert(rule.id).second) throw std::runtime_error(path.string() + ": rule id '" + rule.id + "' used twice");
    out.push_back(std::move(rule));
  }
  return out;
}

}  // namespace hafnium::services::monitoring::detection
