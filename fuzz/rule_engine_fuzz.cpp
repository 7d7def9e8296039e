// libFuzzer target for the rule language as tenants write it. The input's
// first line is a rule's condition, the second its explanation template,
// compiled as the rules API compiles them; a rule that compiles joins the
// default pack in a tenant engine, which is then fed payments made from the
// rest of the input (eight bytes each). Whatever a tenant writes must end
// in a compile error or in evaluations, alerts and explanations (stored
// alerts that read back): never a crash, a hang (evaluation is bounded),
// undefined behaviour or a leak. The condition is also evaluated on its
// own against values made from the input, as the hot path runs it (a flat
// program, and one with the payment's type decided in advance) and as an
// explanation does (the tree): all must agree.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "platform/util/utf8.h"
#include "services/monitoring/domain/detection/engine.h"
#include "services/monitoring/domain/detection/rule_set.h"
#include "services/monitoring/domain/rules/rule_expression.h"

namespace {

using namespace hafnium::services::monitoring;

std::string_view next_line(std::string_view& input) {
  const size_t end = input.find('\n');
  std::string_view line = input.substr(0, end);
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return line;
}

// A payment from eight bytes: small sets of accounts, currencies and
// countries so that windows, history and the graph fill up; times that
// mostly advance and sometimes step back (late payments).
Transaction payment(size_t index, const uint8_t* b, int64_t& clock) {
  static const char* kCurrencies[] = {"USD", "EUR", "JPY", "KWD", "GBP"};
  static const int kExponents[] = {2, 2, 0, 3, 2};
  static const char* kCountries[] = {"", "US", "DE", "IR", "KP", "GB"};
  constexpr int64_t kMinute = 60'000'000LL;
  Transaction t;
  t.id = "t" + std::to_string(index);
  clock += static_cast<int64_t>(b[0]) * 37 * kMinute;
  t.occurred_at = clock - (b[1] % 4 == 0 ? static_cast<int64_t>(b[1]) * kMinute : 0);
  const size_t currency = b[2] % 5;
  const int64_t minor = (static_cast<int64_t>(b[3]) << 16 | static_cast<int64_t>(b[4]) << 8 | b[5]) + 1;
  t.amount = Money{b[2] & 0x80 ? minor * 1000 : minor, kCurrencies[currency], kExponents[currency]};
  const auto& types = transaction_types();
  t.type = types[b[6] % types.size()];
  t.debtor.account_id = "A" + std::to_string(b[7] % 7);
  t.creditor.account_id = "A" + std::to_string((b[7] >> 3) % 7);
  t.debtor.country = kCountries[b[1] % 6];
  t.creditor.country = kCountries[(b[1] >> 3) % 6];
  t.debtor.customer_id = b[6] & 0x40 ? "C" + std::to_string(b[7] % 3) : "";
  t.channel = b[6] & 0x80 ? "online" : "";
  return t;
}

// The condition's outcome both ways, over fields and features taken from
// the input's bytes (some missing, some zero, some huge).
void compare_program_with_tree(const std::string& condition, std::string_view input) {
  namespace rules = hafnium::services::monitoring::rules;
  const auto& schema = hafnium::services::monitoring::detection::detection_schema();
  auto compiled = rules::compile_rule(condition, schema);
  const auto* rule = std::get_if<rules::CompiledRule>(&compiled);
  if (!rule) return;
  const auto type_field = static_cast<size_t>(std::distance(schema.fields.begin(), schema.fields.find("tx.type")));
  static const double kNumbers[] = {0, 1, -1, 2.5, 1e300, 1e-300, 10000, -0.0};
  static const char* kTexts[] = {"", "wire", "cash_deposit", "IR", "US", "zz"};
  for (size_t offset = 0; offset < input.size() && offset < 64; offset += 8) {
    const auto* b = reinterpret_cast<const uint8_t*>(input.data() + offset);
    const size_t n = std::min<size_t>(8, input.size() - offset);
    auto byte = [&](size_t i) { return b[i % n]; };
    rules::Context hot;
    // The payment's type, known to the typed program; every other field
    // missing or of its declared type, as the engine gives them.
    const std::string type = kTexts[byte(7) % 6];
    hot.field = [&](size_t index, const std::string& name) -> rules::Value {
      if (index == type_field) return type;
      const uint8_t v = byte(index);
      if (v % 4 == 0) return std::monostate{};
      switch (schema.fields.at(name)) {
        case rules::Type::kBool: return (v & 4) != 0;
        case rules::Type::kNumber: return kNumbers[(v >> 2) % 8];
        case rules::Type::kString: break;
      }
      return std::string(kTexts[(v >> 2) % 6]);
    };
    hot.feature = [&](size_t index, const rules::FeatureCall&) -> std::optional<double> {
      const uint8_t v = byte(index + 3);
      if (v % 5 == 0) return std::nullopt;
      return kNumbers[v % 8];
    };
    rules::Context explained = hot;
    explained.record_facts = true;
    const auto program = rule->evaluate(hot);
    const auto tree = rule->evaluate(explained);
    if (program.fired != tree.fired || program.error != tree.error) __builtin_trap();
    const auto typed = rule->with_known_text(type_field, type).evaluate(hot);
    if (typed.fired != tree.fired || typed.error != tree.error) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace det = hafnium::services::monitoring::detection;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  det::RuleDefinition rule;
  rule.id = "fuzz";
  rule.name = "fuzz";
  rule.typology = "custom";
  rule.condition = std::string(next_line(input));
  rule.explanation = std::string(next_line(input));
  rule.subject = !input.empty() && (input.front() & 1) ? "creditor" : "debtor";
  // What the API cannot receive (its JSON bodies are UTF-8 without NUL)
  // never reaches the compiler.
  for (const std::string* text : {&rule.condition, &rule.explanation}) {
    if (!hafnium::util::is_valid_utf8(*text) || text->find('\0') != std::string::npos) return 0;
  }
  if (det::RuleSet::check(rule)) return 0;  // refused with a field and a reason, as the API answers 400
  compare_program_with_tree(rule.condition, input);
  std::vector<det::RuleDefinition> rules = det::default_pack();
  rules.push_back(rule);
  auto compiled = det::RuleSet::compile(rules);
  // A rule check() accepted must compile with the others.
  auto* set = std::get_if<std::shared_ptr<const det::RuleSet>>(&compiled);
  if (!set) __builtin_trap();
  det::TenantEngine engine("fuzz", {});
  engine.set_rules(*set);
  engine.count_failures(true);
  const auto* bytes = reinterpret_cast<const uint8_t*>(input.data());
  int64_t clock = 1'700'000'000LL * 1'000'000;
  for (size_t i = 0; i + 8 <= input.size() && i / 8 < 64; i += 8) {
    for (const auto& change : engine.process(payment(i / 8, bytes + i, clock))) {
      // Alerts are stored as the detector stores them, and must read back.
      try {
        (void)boost::json::parse(boost::json::serialize(det::alert_to_json(change.alert)));
      } catch (const std::exception&) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
