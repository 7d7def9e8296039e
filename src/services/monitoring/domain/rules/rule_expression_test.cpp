#include "services/monitoring/domain/rules/rule_expression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace hafnium::services::monitoring::rules {
namespace {

Schema schema() {
  Schema s;
  s.fields = {{"tx.amount", Type::kNumber}, {"tx.type", Type::kString}, {"tx.channel", Type::kString},
              {"debtor.country", Type::kString}, {"tx.round", Type::kBool}};
  s.functions = {{"sum", 2}, {"count", 2}, {"avg_daily_count", 1}};
  s.lists = {{"high_risk_countries", {"IR", "KP", "MM"}}};
  return s;
}

Context context(double amount, std::string type, std::string country, double sum24h, double count1h, double avg) {
  Context c;
  c.field = [=](size_t, const std::string& f) -> Value {
    if (f == "tx.amount") return amount;
    if (f == "tx.type") return type;
    if (f == "debtor.country") return country;
    if (f == "tx.round") return std::fmod(amount, 1000.0) == 0;
    return std::monostate{};
  };
  c.feature = [=](size_t, const FeatureCall& call) -> std::optional<double> {
    if (call.function == "sum" && call.args == std::vector<std::string>{"out", "24h"}) return sum24h;
    if (call.function == "count") return count1h;
    if (call.function == "avg_daily_count") return avg;
    return std::nullopt;
  };
  return c;
}

CompiledRule compile(const std::string& source) {
  auto result = compile_rule(source, schema());
  if (auto* error = std::get_if<CompileError>(&result)) {
    ADD_FAILURE() << error->line << ":" << error->column << " " << error->reason;
    return {};
  }
  return std::get<CompiledRule>(result);
}

CompileError error_of(const std::string& source) {
  auto result = compile_rule(source, schema());
  EXPECT_TRUE(std::holds_alternative<CompileError>(result)) << source;
  return std::holds_alternative<CompileError>(result) ? std::get<CompileError>(result) : CompileError{};
}

TEST(RuleLanguage, EvaluatesConditionsOverFieldsFeaturesAndLists) {
  auto structuring = compile(
      "tx.type in ['cash_deposit', 'cash_withdrawal'] and tx.amount >= 9_000 and tx.amount < 10_000\n"
      "  and sum('out', '24h') + tx.amount >= 10000");
  EXPECT_TRUE(structuring.evaluate(context(9500, "cash_deposit", "DE", 2000, 1, 1)).fired);
  EXPECT_FALSE(structuring.evaluate(context(9500, "wire", "DE", 2000, 1, 1)).fired);
  EXPECT_FALSE(structuring.evaluate(context(9500, "cash_deposit", "DE", 100, 1, 1)).fired);

  auto risky = compile("debtor.country in list('high_risk_countries') or not (count('in', '1h') <= 3 * avg_daily_count('90d'))");
  EXPECT_TRUE(risky.evaluate(context(10, "wire", "IR", 0, 0, 1)).fired);
  EXPECT_TRUE(risky.evaluate(context(10, "wire", "DE", 0, 7, 2)).fired);
  EXPECT_FALSE(risky.evaluate(context(10, "wire", "DE", 0, 5, 2)).fired);

  EXPECT_TRUE(compile("tx.round == true and -tx.amount < 0").evaluate(context(5000, "wire", "DE", 0, 0, 0)).fired);
}

TEST(RuleLanguage, RuntimeProblemsDoNotFireAndSayWhy) {
  auto ratio = compile("count('in', '1h') / avg_daily_count('90d') > 3");
  auto zero = ratio.evaluate(context(1, "wire", "DE", 0, 5, 0));
  EXPECT_FALSE(zero.fired);
  EXPECT_EQ(zero.error, "division by zero");
  auto missing = compile("tx.channel == 'atm'").evaluate(context(1, "wire", "DE", 0, 0, 0));
  EXPECT_FALSE(missing.fired);
  EXPECT_EQ(missing.error, "missing value tx.channel");
  // The first problem stops the whole rule, whatever comes after it: a
  // missing value is not "false", so `or` does not go on to its right side.
  auto first = compile("tx.channel == 'atm' or count('in', '1h') / avg_daily_count('90d') > 3 or tx.amount > 0")
                   .evaluate(context(1, "wire", "DE", 0, 5, 0));
  EXPECT_FALSE(first.fired);
  EXPECT_EQ(first.error, "missing value tx.channel");
  auto second = compile("tx.amount > 0 and count('in', '1h') / avg_daily_count('90d') > 3 and tx.channel == 'atm'")
                    .evaluate(context(1, "wire", "DE", 0, 5, 0));
  EXPECT_EQ(second.error, "division by zero");
  // Arithmetic beyond a double does not fire either: an infinite value
  // cannot be written into the alert's facts and read back.
  const std::string big = "1" + std::string(300, '0');
  auto overflow = compile("tx.amount * " + big + " > 5").evaluate(context(1e9, "wire", "DE", 0, 0, 0));
  EXPECT_FALSE(overflow.fired);
  EXPECT_EQ(overflow.error, "a number out of range");
  EXPECT_TRUE(compile("tx.amount * " + big + " > 5").evaluate(context(1, "wire", "DE", 0, 0, 0)).fired);
  // A short-circuit that never reaches the problem is no problem.
  auto skipped = compile("tx.amount > 0 or tx.channel == 'atm'").evaluate(context(1, "wire", "DE", 0, 0, 0));
  EXPECT_TRUE(skipped.fired);
  EXPECT_TRUE(skipped.error.empty());
}

TEST(RuleLanguage, FiredRulesExplainTheirComparisonsWithActualValues) {
  auto rule = compile("tx.amount >= 9_000 and sum('out', '24h') + tx.amount >= 10000 and debtor.country in list('high_risk_countries')");
  auto c = context(9500, "cash_deposit", "IR", 2000, 1, 1);
  c.record_facts = true;
  auto result = rule.evaluate(c);
  ASSERT_TRUE(result.fired);
  ASSERT_EQ(result.facts.size(), 3u);
  EXPECT_EQ(result.facts[0].condition, "tx.amount >= 9_000");
  EXPECT_EQ(to_display(result.facts[0].left), "9500");
  EXPECT_EQ(to_display(result.facts[0].right), "9000");
  EXPECT_EQ(result.facts[1].condition, "sum('out', '24h') + tx.amount >= 10000");
  EXPECT_EQ(to_display(result.facts[1].left), "11500");
  EXPECT_EQ(result.facts[2].condition, "debtor.country in list('high_risk_countries')");
  EXPECT_EQ(to_display(result.facts[2].right), "list('high_risk_countries')");
  EXPECT_TRUE(result.facts[2].held);
  ASSERT_EQ(rule.calls().size(), 1u);
  EXPECT_EQ(rule.calls()[0].text(), "sum('out', '24h')");
  // Without record_facts nothing is collected (the hot path).
  EXPECT_TRUE(rule.evaluate(context(9500, "cash_deposit", "IR", 2000, 1, 1)).facts.empty());
}

TEST(RuleLanguage, ExpressionsForTemplatesHaveAnyTypeAndMissingIsMonostate) {
  auto result = compile_expression("sum('out', '24h') / 2", schema());
  ASSERT_TRUE(std::holds_alternative<CompiledRule>(result));
  EXPECT_EQ(to_display(std::get<CompiledRule>(result).value(context(1, "wire", "DE", 3000, 0, 0))), "1500");
  auto missing = std::get<CompiledRule>(compile_expression("tx.channel", schema()));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(missing.value(context(1, "wire", "DE", 0, 0, 0))));
}

TEST(RuleLanguage, CompileErrorsCarryLineColumnAndReason) {
  auto e = error_of("tx.amount > 10000 and\n  tx.colour == 'red'");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 3u);
  EXPECT_EQ(e.reason, "unknown field 'tx.colour'");
  EXPECT_EQ(error_of("tx.amount > 'big'").reason, "cannot compare a number with text");
  EXPECT_EQ(error_of("tx.amount + 1").reason, "a rule's condition must be true/false");
  EXPECT_EQ(error_of("tx.amount > ").reason, "the rule ends too early");
  EXPECT_EQ(error_of("sum('out') > 1").reason, "sum takes 2 arguments, got 1");
  EXPECT_EQ(error_of("debtor.country in list('sanctioned')").reason, "no list named 'sanctioned'");
  EXPECT_EQ(error_of("tx.type == 'wire").reason, "unterminated string");
  EXPECT_EQ(error_of("tx.amount > 1 ; drop").reason, "unexpected character ';'");
  EXPECT_EQ(error_of("tx.amount > 1.2.3").reason, "malformed number");
  EXPECT_EQ(error_of("tx.amount > 1 and 5").reason, "'and' needs true/false on both sides");
  auto too_big = error_of("tx.amount > 1" + std::string(400, '0'));
  EXPECT_EQ(too_big.reason, "number out of range");
  EXPECT_EQ(too_big.column, 13u);
  std::string huge = "tx.amount > 0";
  for (int i = 0; i < 400; ++i) huge += " and tx.amount > 0";
  EXPECT_NE(error_of(huge).reason.find("too"), std::string::npos);
}

TEST(RuleExpression, ADivisorThatIsAlwaysZeroIsACompileError) {
  auto e = error_of("tx.amount / 0 > 1");
  EXPECT_EQ(e.reason, "division by zero");
  EXPECT_EQ(e.column, 13u);
  EXPECT_EQ(error_of("tx.amount / (-0.0) > 1").reason, "division by zero");
  // A divisor that may be zero is the evaluation's business: the rule
  // does not fire, and says why.
  auto rule = compile("tx.amount / sum('out', '24h') > 1");
  auto result = rule.evaluate(context(100, "wire", "US", 0, 0, 0));
  EXPECT_FALSE(result.fired);
  EXPECT_EQ(result.error, "division by zero");
}

TEST(RuleExpression, MembershipHoldsForShortAndLongListsAlike) {
  // Short lists are scanned, long ones searched by halves: both must
  // answer the same, at either end and in between, and for near misses.
  Schema s = schema();
  std::set<std::string> many;
  for (char a = 'A'; a <= 'E'; ++a) {
    for (char b = 'A'; b <= 'H'; ++b) many.insert(std::string{a, b});
  }
  s.lists["many"] = many;  // 40 codes
  auto rule = std::get<CompiledRule>(compile_rule("debtor.country in list('many')", s));
  for (const std::string country : {"AA", "CD", "EH"}) {
    EXPECT_TRUE(rule.evaluate(context(1, "wire", country, 0, 0, 0)).fired) << country;
  }
  for (const std::string country : {"A", "AAA", "EI", "FA", "aa", ""}) {
    EXPECT_FALSE(rule.evaluate(context(1, "wire", country, 0, 0, 0)).fired) << country;
  }
  auto short_list = compile("tx.type in ['wire', 'ach', 'card']");
  EXPECT_TRUE(short_list.evaluate(context(1, "card", "", 0, 0, 0)).fired);
  EXPECT_FALSE(short_list.evaluate(context(1, "cards", "", 0, 0, 0)).fired);
  EXPECT_FALSE(short_list.evaluate(context(1, "wir", "", 0, 0, 0)).fired);
}

// The hot path runs a condition as a flat program, an explanation walks
// its tree (rule_program.h): both must reach the same outcome, failure and
// reason included, for every rule and payment.
TEST(RuleProgram, RunsEveryConditionAsTheTreeEvaluatesIt) {
  const std::string big = "1" + std::string(300, '0');
  const std::vector<std::string> conditions = {
      "tx.type in ['cash_deposit', 'cash_withdrawal'] and tx.amount >= 9_000 and sum('out', '24h') + tx.amount >= 10000",
      "debtor.country in list('high_risk_countries') or not (count('in', '1h') <= 3 * avg_daily_count('90d'))",
      "tx.round == true and -tx.amount < 0",
      "tx.round != (tx.amount > 100) or not tx.round",
      "count('in', '1h') / avg_daily_count('90d') > 3",
      "tx.channel == 'atm' or count('in', '1h') / avg_daily_count('90d') > 3 or tx.amount > 0",
      "tx.amount > 0 and count('in', '1h') / avg_daily_count('90d') > 3 and tx.channel == 'atm'",
      "tx.amount > 0 or tx.channel == 'atm'",
      "tx.amount * " + big + " > 5 and sum('out', '24h') - tx.amount * 2 <= 7",
      "sum('out', '24h') * sum('out', '24h') * sum('out', '24h') > 1",
      "tx.type < 'card' or tx.type >= debtor.country and 'wire' != tx.type",
      "tx.type == 'wire' and (debtor.country > 'M' or debtor.country <= '')",
      "not (not (tx.amount == 10) and (avg_daily_count('90d') - -1 < 2 or count('in', '1h') == 5))",
      "tx.amount >= 1 and (tx.amount < 2 or (tx.amount < 20 and (tx.amount / 2 > 4 or tx.amount == 15)))",
      "tx.type in ['wire', 'ach'] and tx.channel == 'atm' or tx.type == 'card' and tx.amount > 5",
      "not (tx.type < 'c') or tx.type != 'wire' and 'a' < 'b' and sum('out', '24h') / count('in', '1h') > 1",
      "(tx.type in ['card'] or true) and (false or tx.type >= 'cash') and avg_daily_count('90d') >= 0",
      "debtor.country in ['IR', 'DE'] and tx.amount in ['x'] == false",
  };
  struct Payment {
    double amount;
    std::string type, country;
    double sum, count, average;
  };
  const std::vector<Payment> payments = {
      {9500, "cash_deposit", "DE", 2000, 1, 1}, {10, "wire", "IR", 0, 7, 2},  {5000, "wire", "DE", 1e200, 5, 0},
      {1, "card", "", 0, 0, 0},                 {15, "ach", "MM", -3, 6, 2}, {10, "cash_withdrawal", "ZZ", 1e-9, 5, 1}};
  const auto& fields = schema().fields;
  const auto type_field = static_cast<size_t>(std::distance(fields.begin(), fields.find("tx.type")));
  size_t compared = 0;
  for (const auto& source : conditions) {
    auto result = compile_rule(source, schema());
    if (std::holds_alternative<CompileError>(result)) continue;  // the last one: 'in' tests text only
    const auto& rule = std::get<CompiledRule>(result);
    ASSERT_NE(rule.program_, nullptr) << source;
    for (const auto& p : payments) {
      Context hot = context(p.amount, p.type, p.country, p.sum, p.count, p.average);
      Context explained = hot;
      explained.record_facts = true;
      auto program = rule.evaluate(hot);
      auto tree = rule.evaluate(explained);
      EXPECT_EQ(program.fired, tree.fired) << source << " at " << p.amount << " " << p.type;
      EXPECT_EQ(program.error, tree.error) << source << " at " << p.amount << " " << p.type;
      EXPECT_TRUE(program.facts.empty());
      // The program with the payment's type known in advance, too.
      auto typed = rule.with_known_text(type_field, p.type).evaluate(hot);
      EXPECT_EQ(typed.fired, tree.fired) << source << " typed " << p.type;
      EXPECT_EQ(typed.error, tree.error) << source << " typed " << p.type;
      ++compared;
    }
  }
  EXPECT_EQ(compared, (conditions.size() - 1) * payments.size());
}

TEST(RuleProgram, AConditionDeeperThanTheStackIsEvaluatedByTheTree) {
  // Each parenthesised right operand waits on the one before it.
  std::string deep = "tx.amount";
  for (int i = 0; i < 40; ++i) deep = "tx.amount + (" + deep + ")";
  auto rule = compile(deep + " > 40");
  EXPECT_EQ(rule.program_, nullptr);
  EXPECT_TRUE(rule.evaluate(context(1, "wire", "DE", 0, 0, 0)).fired);
  EXPECT_FALSE(rule.evaluate(context(0.5, "wire", "DE", 0, 0, 0)).fired);
  EXPECT_NE(compile("tx.amount + (tx.amount + (tx.amount)) > 2").program_, nullptr);
}

}  // namespace
}  // namespace hafnium::services::monitoring::rules
