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
  // Optional: the values each argument of a function may take.
  std::map<std::string, std::vector<std::set<std::string>>> function_arguments;
  std::map<std::string, std::set<std::string>> lists;  // named lists: high_risk_countries, ...
};

// Values for one evaluation.
struct Context {
  std::function<Value(const std::string& field)> field;
  std::function<std::optional<double>(const std::string& function, const std::vector<std::string>& args)> feature;
};

struct CompileError {
  size_t line = 1;
  size_t column = 1;
  std::string reason;
};

struct EvalResult {
  bool fired = false;
  std::string error;  // "division by zero", "missing value tx.channel", ...: the rule does not fire
};

class CompiledRule {
 public:
  // Evaluation is bounded: the expression is a tree of at most
  // kMaxNodes nodes without loops or recursion through user code.
  EvalResult evaluate(const Context& context) const;
  size_t nodes() const { return node_count_; }

  struct Node;
  std::shared_ptr<const Node> root_;
  size_t node_count_ = 0;
};

inline constexpr size_t kMaxNodes = 512;
inline constexpr size_t kMaxSourceBytes = 8 * 1024;

// Compiles a boolean condition, e.g.
//   tx.type in ['cash_deposit', 'cash_withdrawal'] and sum('out', '24h') >= 10000
//   debtor.country in list('high_risk_countries') or count('in', '1h') > 3 * avg_daily_count('90d')
// Returns the rule, or the first error with its line and column.
std::variant<CompiledRule, CompileError> compile_rule(const std::string& source, const Schema& schema);

}  // namespace hafnium::services::monitoring::rules
