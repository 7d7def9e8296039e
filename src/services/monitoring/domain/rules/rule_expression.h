#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace hafnium::services::monitoring::rules {

// The values rules compute with. Money arrives in currency units as a
// double: exact for any amount below 2^53 minor units (9 * 10^13 units of a
// two-decimal currency), and rules compare and scale amounts, they do not
// book them.
using Value = std::variant<std::monostate, bool, double, std::string>;
enum class Type { kBool, kNumber, kString };

// What a rule may read. Field names ("tx.amount", "debtor.country") and
// feature functions ("sum('out', '24h')") are declared with their types;
// anything else is a compile error.
struct Schema {
  std::map<std::string, Type> fields;
  // function name -> argument count (all string literals), result is a number
  std::map<std::string, size_t> functions;
  // Functions whose last arguments may be left out: name -> fewest arguments.
  std::map<std::string, size_t> minimum_arguments;
  // Optional: the values each argument of a function may take.
  std::map<std::string, std::vector<std::set<std::string>>> function_arguments;
  std::map<std::string, std::set<std::string>> lists;  // named lists: high_risk_countries, ...
};

// One feature call of a compiled rule ("sum('out', '24h')"); a rule's
// calls are de-duplicated and numbered in order of first appearance, so an
// engine can resolve them once and look values up by number.
struct FeatureCall {
  std::string function;
  std::vector<std::string> args;
  bool operator==(const FeatureCall&) const = default;
  std::string text() const;  // sum('out', '24h')
};

// Values for one evaluation. Fields come with their position in
// Schema::fields (map order) and their name; features with the number of
// the call in CompiledRule::calls() and the call itself.
struct Context {
  std::function<Value(size_t field_index, const std::string& field)> field;
  std::function<std::optional<double>(size_t call_index, const FeatureCall& call)> feature;
  // Record the comparisons evaluated (for an alert's explanation); off on
  // the hot path, on when a rule has fired and must explain itself.
  bool record_facts = false;
};

// One comparison as evaluated: the source text, the values on both sides
// and whether it held. This is how an alert shows actual values against
// thresholds.
struct Fact {
  std::string condition;
  Value left, right;
  bool held = false;
};

struct CompileError {
  size_t line = 1;
  size_t column = 1;
  std::string reason;
};

struct EvalResult {
  bool fired = false;
  std::string error;  // "division by zero", "missing value tx.channel", ...: the rule does not fire
  std::vector<Fact> facts;  // with Context::record_facts
};

class Program;

class CompiledRule {
 public:
  // Evaluation is bounded: the expression is a tree of at most
  // kMaxNodes nodes without loops or recursion through user code.
  EvalResult evaluate(const Context& context) const;
  // The value of an expression compiled with compile_expression (used by
  // explanation templates); monostate when a value is missing.
  Value value(const Context& context) const;
  // The same rule for payments whose text field `field_index` (its
  // position in Schema::fields) holds `value`: evaluate() then has every
  // test of that field decided in advance. Explanations still read the
  // field, and find the same value.
  CompiledRule with_known_text(size_t field_index, const std::string& value) const;
  size_t nodes() const { return node_count_; }
  const std::vector<FeatureCall>& calls() const { return calls_; }
  const std::string& source() const { return source_; }

  struct Node;
  std::shared_ptr<const Node> root_;
  // The condition as a flat program (rule_program.h), which evaluate()
  // runs unless facts are recorded; null for an expression.
  std::shared_ptr<const Program> program_;
  size_t node_count_ = 0;
  std::vector<FeatureCall> calls_;
  std::string source_;
};

inline constexpr size_t kMaxNodes = 512;
inline constexpr size_t kMaxSourceBytes = 8 * 1024;

// Compiles a boolean condition, e.g.
//   tx.type in ['cash_deposit', 'cash_withdrawal'] and sum('out', '24h') >= 10000
//   debtor.country in list('high_risk_countries') or count('in', '1h') > 3 * avg_daily_count('90d')
// Returns the rule, or the first error with its line and column.
std::variant<CompiledRule, CompileError> compile_rule(const std::string& source, const Schema& schema);
// Compiles an expression of any type ("tx.amount", "sum('out', '24h') / 2").
std::variant<CompiledRule, CompileError> compile_expression(const std::string& source, const Schema& schema);

// Display form of a value: numbers without trailing zeros, text as is.
std::string to_display(const Value& value);

}  // namespace hafnium::services::monitoring::rules
