#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/monitoring/domain/rules/rule_tree.h"

namespace hafnium::services::monitoring::rules {

// A condition flattened into straight-line code over a stack of numbers,
// for the hot path: every rule is evaluated on every payment, and walking
// the tree built a variant (with room for text) at every node, recursed
// through it and asked for each field by name. The program computes
// exactly what the tree interpreter does, in the same order, and stops at
// the same first failure; the tree stays for what needs more than the
// outcome (the facts of an explanation, template values).
//
// Truth values are 0 and 1 on the stack. Text appears only where the
// language allows it, as the operands of a comparison or of `in`, which
// are fields or literals: one instruction each reads and tests them.
class Program {
 public:
  // A text field's value known in advance (a payment's type, say).
  struct KnownText {
    size_t field_index;
    std::string value;
  };
  // The program of a condition, or null for a tree deeper than the stack
  // (the tree interpreter then evaluates it, with the same outcome). With
  // a known field, the program is for the payments whose field has that
  // value: every test of the field alone is decided now, and an `and` or
  // `or` whose left side is decided keeps only what is left to evaluate.
  static std::unique_ptr<const Program> compile(const CompiledRule::Node& root,
                                                std::optional<KnownText> known = std::nullopt);

  struct Outcome {
    bool fired = false;
    EvalFailure failure;  // the first failure; `fired` is false then
  };
  Outcome run(const Context& context) const;

 private:
  enum class Code : uint8_t {
    kNumber,       // push `number`
    kField,        // push a number or truth field
    kFeature,      // push a feature's value
    kTextIn,       // push whether a text operand is in the set (node: the `in`)
    kTextCompare,  // push the comparison of two text operands (node: the comparison)
    kAndSkip,      // top false: jump (leaving it), else pop
    kOrSkip,       // top true: jump (leaving it), else pop
    kNot,
    kNegate,
    kAdd,
    kSubtract,
    kMultiply,
    kDivide,
    // The comparisons come last, kEqual to kGreaterEqual (emit() tests
    // the range).
    kEqual,
    kNotEqual,
    kLess,
    kLessEqual,
    kGreater,
    kGreaterEqual,
  };
  struct Instruction {
    Code code;
    uint32_t jump = 0;  // the instruction after the right operand of and/or
    double number = 0;
    const CompiledRule::Node* node = nullptr;  // what a failure names
  };
  // Deep enough for any rule written by hand: the stack holds one value
  // per pending operand.
  static constexpr size_t kStackDepth = 32;

  bool emit(const CompiledRule::Node& n, size_t depth);
  // A node's truth decided at compile time: literals, and tests of the
  // known field, through not/and/or. Never a node that could fail.
  std::optional<bool> decided(const CompiledRule::Node& n) const;
  // A text operand's value when it is a literal or the known field.
  const std::string* known_text(const CompiledRule::Node& operand) const;

  std::optional<KnownText> known_;

  std::vector<Instruction> code_;
};

}  // namespace hafnium::services::monitoring::rules
