#pragma once

// The compiled form of a rule, shared by the tree interpreter
// (rule_expression.cpp) and the flat program (rule_program.cpp); not part
// of the rule language's interface.

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/monitoring/domain/rules/rule_expression.h"

namespace hafnium::services::monitoring::rules {

enum class Op { kOr, kAnd, kNot, kEq, kNe, kLt, kLe, kGt, kGe, kIn, kAdd, kSub, kMul, kDiv, kNeg };

// The members of an `in` test. Most are a handful of short words
// (transaction types, country codes) tested on every payment: a linear
// scan that compares lengths first beats a tree of strings, which
// compares bytes at every level. Long lists (a tenant's own) are searched
// by halves.
class TextSet {
 public:
  void insert(const std::string& text) {
    auto at = std::lower_bound(members_.begin(), members_.end(), text);
    if (at == members_.end() || *at != text) members_.insert(at, text);
  }
  bool contains(std::string_view text) const {
    if (members_.size() > kScanned) return std::binary_search(members_.begin(), members_.end(), text);
    for (const auto& m : members_) {
      if (m.size() == text.size() && std::char_traits<char>::compare(m.data(), text.data(), m.size()) == 0) return true;
    }
    return false;
  }

 private:
  static constexpr size_t kScanned = 16;
  std::vector<std::string> members_;  // sorted
};

struct CompiledRule::Node {
  enum class Kind { kLiteral, kField, kFeature, kUnary, kBinary, kSet } kind;
  Type type = Type::kBool;
  Value literal;
  std::string name;                  // field or function
  std::vector<std::string> args;     // function arguments
  FeatureCall call;                  // a feature node's call, handed to the context as is
  size_t index = 0;                  // field position in the schema, or call number
  size_t start = 0, end = 0;         // source span of a comparison
  TextSet set;                       // for 'in'
  Op op = Op::kAnd;
  std::shared_ptr<const Node> left, right;
};

// Why an evaluation stopped: a value was missing or an operation
// impossible. Missing values are routine (a new account has no history,
// a payment no channel), so they are not exceptions: the first failure
// is recorded, every caller returns at once, and the reason's text is
// only built when somebody asks for it.
struct EvalFailure {
  enum class Kind { kNone, kMissingField, kFeatureUnavailable, kDivisionByZero, kOutOfRange, kUnsupported } kind =
      Kind::kNone;
  const CompiledRule::Node* at = nullptr;
  explicit operator bool() const { return kind != Kind::kNone; }
  std::string reason() const {
    switch (kind) {
      case Kind::kMissingField: return "missing value " + at->name;
      case Kind::kFeatureUnavailable: return "feature " + at->call.text() + " unavailable";
      case Kind::kDivisionByZero: return "division by zero";
      case Kind::kOutOfRange: return "a number out of range";
      case Kind::kUnsupported: return "unsupported operation";
      case Kind::kNone: break;
    }
    return {};
  }
};

}  // namespace hafnium::services::monitoring::rules
