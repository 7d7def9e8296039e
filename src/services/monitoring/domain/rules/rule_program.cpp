#include "services/monitoring/domain/rules/rule_program.h"

#include <cmath>

namespace hafnium::services::monitoring::rules {

namespace {

using Node = CompiledRule::Node;

// Text in a comparison or an `in`: a field or a literal.
bool is_text_operand(const Node& n) {
  return n.type == Type::kString && (n.kind == Node::Kind::kField || n.kind == Node::Kind::kLiteral);
}

// A text operand's value: a literal's own, or the field's, held in `held`;
// null for a missing field, with the failure recorded as the tree records it.
const std::string* text_of(const Node& operand, const Context& context, Value& held, EvalFailure& failure) {
  if (operand.kind == Node::Kind::kLiteral) return &std::get<std::string>(operand.literal);
  held = context.field(operand.index, operand.name);
  if (std::holds_alternative<std::monostate>(held)) {
    failure = {EvalFailure::Kind::kMissingField, &operand};
    return nullptr;
  }
  return &std::get<std::string>(held);
}

// Whether a comparison holds, given how its two sides order (below, at or
// above zero); nothing for an operator that compares nothing.
std::optional<bool> holds(Op op, int order) {
  switch (op) {
    case Op::kEq: return order == 0;
    case Op::kNe: return order != 0;
    case Op::kLt: return order < 0;
    case Op::kLe: return order <= 0;
    case Op::kGt: return order > 0;
    case Op::kGe: return order >= 0;
    default: return std::nullopt;
  }
}

}  // namespace

std::unique_ptr<const Program> Program::compile(const Node& root, std::optional<KnownText> known) {
  auto program = std::make_unique<Program>();
  program->known_ = std::move(known);
  if (!program->emit(root, 0)) return nullptr;
  return program;
}

const std::string* Program::known_text(const Node& operand) const {
  if (operand.kind == Node::Kind::kLiteral) return std::get_if<std::string>(&operand.literal);
  if (operand.kind == Node::Kind::kField && known_ && operand.index == known_->field_index) return &known_->value;
  return nullptr;
}

std::optional<bool> Program::decided(const Node& n) const {
  switch (n.kind) {
    case Node::Kind::kLiteral:
      if (const auto* b = std::get_if<bool>(&n.literal)) return *b;
      return std::nullopt;
    case Node::Kind::kUnary:
      if (n.op != Op::kNot) return std::nullopt;
      if (auto operand = decided(*n.left)) return !*operand;
      return std::nullopt;
    case Node::Kind::kBinary: break;
    default: return std::nullopt;
  }
  switch (n.op) {
    case Op::kAnd:
    case Op::kOr: {
      // Only a decided left side decides: an undecided one could fail.
      auto left = decided(*n.left);
      if (!left) return std::nullopt;
      if (*left == (n.op == Op::kOr)) return *left;
      return decided(*n.right);
    }
    case Op::kIn: {
      const std::string* text = known_text(*n.left);
      if (!text) return std::nullopt;
      return n.right->set.contains(*text);
    }
    default: break;
  }
  if (n.left->type != Type::kString) return std::nullopt;
  const std::string* l = known_text(*n.left);
  const std::string* r = known_text(*n.right);
  if (!l || !r) return std::nullopt;
  return holds(n.op, l->compare(*r));
}

bool Program::emit(const Node& n, size_t depth) {
  // `depth` values are below this node's on the stack.
  if (depth >= kStackDepth) return false;
  auto push = [&](Code code, double number = 0) {
    code_.push_back({code, 0, number, &n});
    return true;
  };
  if (n.type == Type::kBool) {
    if (auto truth = decided(n)) return push(Code::kNumber, *truth ? 1 : 0);
    // A decided left side of and/or leaves the right side alone.
    if (n.kind == Node::Kind::kBinary && (n.op == Op::kAnd || n.op == Op::kOr) && decided(*n.left)) {
      return emit(*n.right, depth);
    }
  }
  switch (n.kind) {
    case Node::Kind::kLiteral:
      if (const auto* d = std::get_if<double>(&n.literal)) return push(Code::kNumber, *d);
      if (const auto* b = std::get_if<bool>(&n.literal)) return push(Code::kNumber, *b ? 1 : 0);
      return false;  // text outside a comparison: not a condition's
    case Node::Kind::kField: return n.type != Type::kString && push(Code::kField);
    case Node::Kind::kFeature: return push(Code::kFeature);
    case Node::Kind::kUnary: return emit(*n.left, depth) && push(n.op == Op::kNot ? Code::kNot : Code::kNegate);
    case Node::Kind::kSet: return false;
    case Node::Kind::kBinary: break;
  }
  if (n.op == Op::kAnd || n.op == Op::kOr) {
    if (!emit(*n.left, depth)) return false;
    const size_t skip = code_.size();
    push(n.op == Op::kAnd ? Code::kAndSkip : Code::kOrSkip);
    // Past the skip the left value is popped: the right one takes its place.
    if (!emit(*n.right, depth)) return false;
    code_[skip].jump = static_cast<uint32_t>(code_.size());
    return true;
  }
  if (n.op == Op::kIn) return is_text_operand(*n.left) && push(Code::kTextIn);
  Code code;
  switch (n.op) {
    case Op::kEq: code = Code::kEqual; break;
    case Op::kNe: code = Code::kNotEqual; break;
    case Op::kLt: code = Code::kLess; break;
    case Op::kLe: code = Code::kLessEqual; break;
    case Op::kGt: code = Code::kGreater; break;
    case Op::kGe: code = Code::kGreaterEqual; break;
    case Op::kAdd: code = Code::kAdd; break;
    case Op::kSub: code = Code::kSubtract; break;
    case Op::kMul: code = Code::kMultiply; break;
    case Op::kDiv: code = Code::kDivide; break;
    default: return false;
  }
  if (n.left->type == Type::kString) {
    return code <= Code::kGreaterEqual && code >= Code::kEqual && is_text_operand(*n.left) &&
           is_text_operand(*n.right) && push(Code::kTextCompare);
  }
  return emit(*n.left, depth) && emit(*n.right, depth + 1) && push(code);
}

Program::Outcome Program::run(const Context& context) const {
  // The outcome is built where it is returned, never written a field at
  // a time and copied out (a stall measured on every rule).
  EvalFailure failure;
  double stack[kStackDepth];
  size_t top = 0;  // values on the stack
  auto fail = [](EvalFailure::Kind kind, const Node* at) { return Outcome{false, {kind, at}}; };
  for (size_t pc = 0; pc < code_.size(); ++pc) {
    const Instruction& i = code_[pc];
    switch (i.code) {
      case Code::kNumber: stack[top++] = i.number; continue;
      case Code::kField: {
        Value v = context.field(i.node->index, i.node->name);
        if (std::holds_alternative<std::monostate>(v)) return fail(EvalFailure::Kind::kMissingField, i.node);
        stack[top++] = i.node->type == Type::kBool ? (std::get<bool>(v) ? 1.0 : 0.0) : std::get<double>(v);
        continue;
      }
      case Code::kFeature: {
        auto v = context.feature(i.node->index, i.node->call);
        if (!v) return fail(EvalFailure::Kind::kFeatureUnavailable, i.node);
        stack[top++] = *v;
        continue;
      }
      case Code::kTextIn: {
        Value held;
        const std::string* text = text_of(*i.node->left, context, held, failure);
        if (!text) return Outcome{false, failure};
        stack[top++] = i.node->right->set.contains(*text) ? 1.0 : 0.0;
        continue;
      }
      case Code::kTextCompare: {
        Value left_held, right_held;
        const std::string* l = text_of(*i.node->left, context, left_held, failure);
        if (!l) return Outcome{false, failure};
        const std::string* r = text_of(*i.node->right, context, right_held, failure);
        if (!r) return Outcome{false, failure};
        const auto held = holds(i.node->op, l->compare(*r));
        if (!held) return fail(EvalFailure::Kind::kUnsupported, i.node);
        stack[top++] = *held ? 1.0 : 0.0;
        continue;
      }
      case Code::kAndSkip:
        if (stack[top - 1] == 0) {
          pc = i.jump - 1;
        } else {
          --top;
        }
        continue;
      case Code::kOrSkip:
        if (stack[top - 1] != 0) {
          pc = i.jump - 1;
        } else {
          --top;
        }
        continue;
      case Code::kNot: stack[top - 1] = stack[top - 1] == 0 ? 1.0 : 0.0; continue;
      case Code::kNegate: stack[top - 1] = -stack[top - 1]; continue;
      default: break;
    }
    // Two numbers in, one out.
    const double r = stack[--top];
    double& l = stack[top - 1];
    switch (i.code) {
      case Code::kEqual: l = l == r ? 1.0 : 0.0; continue;
      case Code::kNotEqual: l = l != r ? 1.0 : 0.0; continue;
      case Code::kLess: l = l < r ? 1.0 : 0.0; continue;
      case Code::kLessEqual: l = l <= r ? 1.0 : 0.0; continue;
      case Code::kGreater: l = l > r ? 1.0 : 0.0; continue;
      case Code::kGreaterEqual: l = l >= r ? 1.0 : 0.0; continue;
      case Code::kAdd: l = l + r; break;
      case Code::kSubtract: l = l - r; break;
      case Code::kMultiply: l = l * r; break;
      case Code::kDivide:
        if (r == 0) return fail(EvalFailure::Kind::kDivisionByZero, i.node);
        l = l / r;
        break;
      default: return fail(EvalFailure::Kind::kUnsupported, i.node);
    }
    // As the tree: arithmetic that leaves the doubles fails.
    if (!std::isfinite(l)) return fail(EvalFailure::Kind::kOutOfRange, i.node);
  }
  return Outcome{top > 0 && stack[0] != 0, {}};
}

}  // namespace hafnium::services::monitoring::rules
