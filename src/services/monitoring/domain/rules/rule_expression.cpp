#include "services/monitoring/domain/rules/rule_expression.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "services/monitoring/domain/rules/rule_program.h"
#include "services/monitoring/domain/rules/rule_tree.h"

namespace hafnium::services::monitoring::rules {

namespace {

using Node = CompiledRule::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Token {
  enum class Kind { kIdent, kNumber, kString, kSymbol, kEnd } kind;
  std::string text;
  double number = 0;
  size_t offset = 0;
  size_t end = 0;
};

struct Failure {
  size_t offset;
  std::string reason;
};

class Lexer {
 public:
  explicit Lexer(const std::string& source) : source_(source) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    size_t i = 0;
    while (i < source_.size()) {
      char c = source_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.offset = i;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < source_.size() && (std::isalnum(static_cast<unsigned char>(source_[j])) || source_[j] == '_' || source_[j] == '.')) ++j;
        t.kind = Token::Kind::kIdent;
        t.text = source_.substr(i, j - i);
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        size_t j = i;
        while (j < source_.size() && (std::isdigit(static_cast<unsigned char>(source_[j])) || source_[j] == '.' || source_[j] == '_')) ++j;
        std::string digits;
        for (size_t k = i; k < j; ++k) {
          if (source_[k] != '_') digits.push_back(source_[k]);
        }
        if (std::count(digits.begin(), digits.end(), '.') > 1 || digits.back() == '.') throw Failure{i, "malformed number"};
        t.kind = Token::Kind::kNumber;
        t.text = digits;
        t.number = std::strtod(digits.c_str(), nullptr);
        // Beyond a double, a literal would compare as infinity.
        if (!std::isfinite(t.number)) throw Failure{i, "number out of range"};
        i = j;
      } else if (c == '\'' || c == '"') {
        size_t j = i + 1;
        std::string text;
        while (j < source_.size() && source_[j] != c) text.push_back(source_[j++]);
        if (j >= source_.size()) throw Failure{i, "unterminated string"};
        t.kind = Token::Kind::kString;
        t.text = text;
        i = j + 1;
      } else {
        static const char* kTwo[] = {"==", "!=", "<=", ">="};
        t.kind = Token::Kind::kSymbol;
        bool two = false;
        for (const char* s : kTwo) {
          if (source_.compare(i, 2, s) == 0) {
            t.text = s;
            i += 2;
            two = true;
            break;
          }
        }
        if (!two) {
          if (std::string("+-*/<>()[],").find(c) == std::string::npos) {
            throw Failure{i, std::string("unexpected character '") + c + "'"};
          }
          t.text = std::string(1, c);
          ++i;
        }
      }
      t.end = i;
      out.push_back(std::move(t));
    }
    out.push_back({Token::Kind::kEnd, "", 0, source_.size(), source_.size()});
    return out;
  }

 private:
  const std::string& source_;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, const Schema& schema) : tokens_(std::move(tokens)), schema_(schema) {}

  NodePtr parse() {
    auto node = parse_or();
    if (peek().kind != Token::Kind::kEnd) fail(peek(), "unexpected '" + peek().text + "'");
    return node;
  }
  size_t nodes() const { return nodes_; }
  std::vector<FeatureCall> take_calls() { return std::move(calls_); }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  Token next() { return tokens_[pos_++]; }
  bool accept_symbol(const char* s) {
    if (peek().kind == Token::Kind::kSymbol && peek().text == s) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool accept_word(const char* w) {
    if (peek().kind == Token::Kind::kIdent && peek().text == w) {
      ++pos_;
      return true;
    }
    return false;
  }
  [[noreturn]] void fail(const Token& at, std::string reason) { throw Failure{at.offset, std::move(reason)}; }

  std::shared_ptr<Node> make(Node::Kind kind, Type type) {
    if (++nodes_ > kMaxNodes) fail(peek(), "rule is too large (more than " + std::to_string(kMaxNodes) + " nodes)");
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->type = type;
    return n;
  }
  NodePtr binary(Op op, Type type, NodePtr l, NodePtr r) {
    auto n = make(Node::Kind::kBinary, type);
    n->op = op;
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
  }
  void expect_type(const NodePtr& n, Type type, const Token& at, const char* what) {
    if (n->type != type) fail(at, std::string(what));
  }

  NodePtr parse_or() {
    auto left = parse_and();
    while (true) {
      const Token at = peek();
      if (!accept_word("or")) return left;
      auto right = parse_and();
      expect_type(left, Type::kBool, at, "'or' needs true/false on both sides");
      expect_type(right, Type::kBool, at, "'or' needs true/false on both sides");
      left = binary(Op::kOr, Type::kBool, left, right);
    }
  }
  NodePtr parse_and() {
    auto left = parse_not();
    while (true) {
      const Token at = peek();
      if (!accept_word("and")) return left;
      auto right = parse_not();
      expect_type(left, Type::kBool, at, "'and' needs true/false on both sides");
      expect_type(right, Type::kBool, at, "'and' needs true/false on both sides");
      left = binary(Op::kAnd, Type::kBool, left, right);
    }
  }
  NodePtr parse_not() {
    const Token at = peek();
    if (accept_word("not")) {
      auto operand = parse_not();
      expect_type(operand, Type::kBool, at, "'not' needs true/false");
      auto n = make(Node::Kind::kUnary, Type::kBool);
      n->op = Op::kNot;
      n->left = operand;
      return n;
    }
    return parse_comparison();
  }
  NodePtr parse_comparison() {
    const size_t start = peek().offset;
    auto left = parse_sum();
    const Token at = peek();
    static const std::pair<const char*, Op> kOps[] = {{"==", Op::kEq}, {"!=", Op::kNe}, {"<=", Op::kLe},
                                                      {">=", Op::kGe}, {"<", Op::kLt},  {">", Op::kGt}};
    for (const auto& [symbol, op] : kOps) {
      if (accept_symbol(symbol)) {
        auto right = parse_sum();
        if (left->type != right->type) fail(at, "cannot compare " + type_name(left->type) + " with " + type_name(right->type));
        if (left->type == Type::kBool && op != Op::kEq && op != Op::kNe) fail(at, "true/false values only compare with == and !=");
        auto n = make(Node::Kind::kBinary, Type::kBool);
        n->op = op;
        n->left = std::move(left);
        n->right = std::move(right);
        n->start = start;
        n->end = tokens_[pos_ - 1].end;
        return n;
      }
    }
    if (accept_word("in")) {
      auto set = make(Node::Kind::kSet, Type::kString);
      const Token list_at = peek();
      if (accept_symbol("[")) {
        if (!accept_symbol("]")) {
          do {
            Token item = next();
            if (item.kind != Token::Kind::kString) fail(item, "list items are quoted strings");
            set->set.insert(item.text);
          } while (accept_symbol(","));
          if (!accept_symbol("]")) fail(peek(), "expected ']'");
        }
      } else if (accept_word("list")) {
        if (!accept_symbol("(")) fail(peek(), "expected '(' after list");
        Token name = next();
        if (name.kind != Token::Kind::kString) fail(name, "list(...) takes the list's name as a quoted string");
        auto it = schema_.lists.find(name.text);
        if (it == schema_.lists.end()) fail(name, "no list named '" + name.text + "'");
        for (const auto& member : it->second) set->set.insert(member);
        set->name = name.text;
        if (!accept_symbol(")")) fail(peek(), "expected ')'");
      } else {
        fail(list_at, "'in' takes [ 'a', 'b' ] or list('name')");
      }
      if (left->type != Type::kString) fail(at, "'in' tests a text value");
      auto n = make(Node::Kind::kBinary, Type::kBool);
      n->op = Op::kIn;
      n->left = std::move(left);
      n->right = std::move(set);
      n->start = start;
      n->end = tokens_[pos_ - 1].end;
      return n;
    }
    return left;
  }
  NodePtr parse_sum() {
    auto left = parse_product();
    while (true) {
      const Token at = peek();
      Op op;
      if (accept_symbol("+")) op = Op::kAdd;
      else if (accept_symbol("-")) op = Op::kSub;
      else return left;
      auto right = parse_product();
      if (left->type != Type::kNumber || right->type != Type::kNumber) fail(at, "arithmetic needs numbers");
      left = binary(op, Type::kNumber, left, right);
    }
  }
  NodePtr parse_product() {
    auto left = parse_unary();
    while (true) {
      const Token at = peek();
      Op op;
      if (accept_symbol("*")) op = Op::kMul;
      else if (accept_symbol("/")) op = Op::kDiv;
      else return left;
      const Token divisor_at = peek();
      auto right = parse_unary();
      if (left->type != Type::kNumber || right->type != Type::kNumber) fail(at, "arithmetic needs numbers");
      // A divisor that is zero whatever the payment would make the rule
      // never fire: refused here rather than failing on every evaluation.
      if (op == Op::kDiv && is_zero_constant(*right)) fail(divisor_at, "division by zero");
      left = binary(op, Type::kNumber, left, right);
    }
  }
  // A literal zero, possibly negated or in parentheses ("0", "-0.0").
  static bool is_zero_constant(const Node& n) {
    if (n.kind == Node::Kind::kLiteral) {
      const auto* d = std::get_if<double>(&n.literal);
      return d && *d == 0;
    }
    return n.kind == Node::Kind::kUnary && n.op == Op::kNeg && n.left && is_zero_constant(*n.left);
  }
  NodePtr parse_unary() {
    const Token at = peek();
    if (accept_symbol("-")) {
      auto operand = parse_unary();
      if (operand->type != Type::kNumber) fail(at, "'-' needs a number");
      auto n = make(Node::Kind::kUnary, Type::kNumber);
      n->op = Op::kNeg;
      n->left = operand;
      return n;
    }
    return parse_primary();
  }
  NodePtr parse_primary() {
    Token t = next();
    switch (t.kind) {
      case Token::Kind::kNumber: {
        auto n = make(Node::Kind::kLiteral, Type::kNumber);
        n->literal = t.number;
        return n;
      }
      case Token::Kind::kString: {
        auto n = make(Node::Kind::kLiteral, Type::kString);
        n->literal = t.text;
        return n;
      }
      case Token::Kind::kIdent: {
        if (t.text == "true" || t.text == "false") {
          auto n = make(Node::Kind::kLiteral, Type::kBool);
          n->literal = t.text == "true";
          return n;
        }
        if (accept_symbol("(")) {
          auto fn = schema_.functions.find(t.text);
          if (fn == schema_.functions.end()) fail(t, "unknown function '" + t.text + "'");
          auto n = make(Node::Kind::kFeature, Type::kNumber);
          n->name = t.text;
          if (!accept_symbol(")")) {
            do {
              Token arg = next();
              if (arg.kind != Token::Kind::kString) fail(arg, "feature arguments are quoted strings");
              n->args.push_back(arg.text);
            } while (accept_symbol(","));
            if (!accept_symbol(")")) fail(peek(), "expected ')'");
          }
          size_t fewest = fn->second;
          if (auto m = schema_.minimum_arguments.find(t.text); m != schema_.minimum_arguments.end()) fewest = m->second;
          if (n->args.size() < fewest || n->args.size() > fn->second) {
            std::string expected = fewest == fn->second ? std::to_string(fn->second)
                                                        : std::to_string(fewest) + " to " + std::to_string(fn->second);
            fail(t, t.text + " takes " + expected + " arguments, got " + std::to_string(n->args.size()));
          }
          if (auto allowed = schema_.function_arguments.find(t.text); allowed != schema_.function_arguments.end()) {
            for (size_t i = 0; i < n->args.size() && i < allowed->second.size(); ++i) {
              if (!allowed->second[i].contains(n->args[i])) {
                std::string options;
                for (const auto& o : allowed->second[i]) options += (options.empty() ? "'" : ", '") + o + "'";
                fail(t, t.text + " argument " + std::to_string(i + 1) + " must be one of " + options);
              }
            }
          }
          n->call = FeatureCall{n->name, n->args};
          auto known = std::find(calls_.begin(), calls_.end(), n->call);
          n->index = static_cast<size_t>(known - calls_.begin());
          if (known == calls_.end()) calls_.push_back(n->call);
          return n;
        }
        auto field = schema_.fields.find(t.text);
        if (field == schema_.fields.end()) fail(t, "unknown field '" + t.text + "'");
        auto n = make(Node::Kind::kField, field->second);
        n->name = t.text;
        n->index = static_cast<size_t>(std::distance(schema_.fields.begin(), field));
        return n;
      }
      case Token::Kind::kSymbol:
        if (t.text == "(") {
          auto inner = parse_or();
          if (!accept_symbol(")")) fail(peek(), "expected ')'");
          return inner;
        }
        fail(t, "unexpected '" + t.text + "'");
      case Token::Kind::kEnd:
        fail(t, "the rule ends too early");
    }
    fail(t, "unexpected input");
  }

  static std::string type_name(Type t) {
    return t == Type::kBool ? "true/false" : t == Type::kNumber ? "a number" : "text";
  }

  std::vector<Token> tokens_;
  const Schema& schema_;
  size_t pos_ = 0;
  size_t nodes_ = 0;
  std::vector<FeatureCall> calls_;
};

struct Evaluation {
  const Context& context;
  const std::string& source;
  std::vector<Fact>* facts;
  EvalFailure& failure;
  Value fail(EvalFailure::Kind kind, const Node& at) const {
    if (!failure) failure = {kind, &at};
    return std::monostate{};
  }
};

// Evaluates a node; on failure records it in the evaluation and returns
// nothing useful, which every caller checks before using the value.
Value eval(const Node& n, const Evaluation& e) {
  using Why = EvalFailure::Kind;
  const Context& c = e.context;
  switch (n.kind) {
    case Node::Kind::kLiteral: return n.literal;
    case Node::Kind::kField: {
      Value v = c.field(n.index, n.name);
      if (std::holds_alternative<std::monostate>(v)) return e.fail(Why::kMissingField, n);
      return v;
    }
    case Node::Kind::kFeature: {
      auto v = c.feature(n.index, n.call);
      if (!v) return e.fail(Why::kFeatureUnavailable, n);
      return *v;
    }
    case Node::Kind::kSet: return std::monostate{};
    case Node::Kind::kUnary: {
      Value v = eval(*n.left, e);
      if (e.failure) return std::monostate{};
      if (n.op == Op::kNot) return !std::get<bool>(v);
      return -std::get<double>(v);
    }
    case Node::Kind::kBinary: break;
  }
  // Short-circuit logic first.
  if (n.op == Op::kAnd || n.op == Op::kOr) {
    Value l = eval(*n.left, e);
    if (e.failure) return std::monostate{};
    const bool left = std::get<bool>(l);
    if (left == (n.op == Op::kOr)) return left;
    Value r = eval(*n.right, e);
    if (e.failure) return std::monostate{};
    return std::get<bool>(r);
  }
  auto record = [&](const Value& l, const Value& r, bool held) {
    if (e.facts) e.facts->push_back({e.source.substr(n.start, n.end - n.start), l, r, held});
    return held;
  };
  if (n.op == Op::kIn) {
    Value l = eval(*n.left, e);
    if (e.failure) return std::monostate{};
    bool held = n.right->set.contains(std::get<std::string>(l));
    if (!e.facts) return held;
    return record(l, n.right->name.empty() ? Value{std::monostate{}} : Value{"list('" + n.right->name + "')"}, held);
  }
  Value l = eval(*n.left, e);
  if (e.failure) return std::monostate{};
  Value r = eval(*n.right, e);
  if (e.failure) return std::monostate{};
  // Arithmetic that leaves the doubles (an overflow to infinity) fails as
  // a division by zero does: an infinite value has no JSON form, and an
  // alert's facts must be written and read back.
  auto number = [&](double v) -> Value {
    if (!std::isfinite(v)) return e.fail(Why::kOutOfRange, n);
    return v;
  };
  switch (n.op) {
    case Op::kEq: return record(l, r, l == r);
    case Op::kNe: return record(l, r, l != r);
    case Op::kLt: return record(l, r, l < r);
    case Op::kLe: return record(l, r, l <= r);
    case Op::kGt: return record(l, r, l > r);
    case Op::kGe: return record(l, r, l >= r);
    case Op::kAdd: return number(std::get<double>(l) + std::get<double>(r));
    case Op::kSub: return number(std::get<double>(l) - std::get<double>(r));
    case Op::kMul: return number(std::get<double>(l) * std::get<double>(r));
    case Op::kDiv: {
      double d = std::get<double>(r);
      if (d == 0) return e.fail(Why::kDivisionByZero, n);
      return number(std::get<double>(l) / d);
    }
    default: break;
  }
  return e.fail(Why::kUnsupported, n);
}

}  // namespace

std::string FeatureCall::text() const {
  std::string out = function + "(";
  for (size_t i = 0; i < args.size(); ++i) out += (i ? ", '" : "'") + args[i] + "'";
  return out + ")";
}

std::string to_display(const Value& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    char buffer[64];
    if (std::fabs(*d) < 1e15 && *d == std::floor(*d)) {
      std::snprintf(buffer, sizeof buffer, "%.0f", *d);
    } else {
      std::snprintf(buffer, sizeof buffer, "%.2f", *d);
    }
    return buffer;
  }
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return "(missing)";
}

namespace {
std::variant<CompiledRule, CompileError> compile(const std::string& source, const Schema& schema, bool condition) {
  auto position = [&](size_t offset) {
    CompileError e;
    for (size_t i = 0; i < offset && i < source.size(); ++i) {
      if (source[i] == '\n') {
        ++e.line;
        e.column = 1;
      } else {
        ++e.column;
      }
    }
    return e;
  };
  if (source.size() > kMaxSourceBytes) {
    auto e = position(0);
    e.reason = "rule is longer than " + std::to_string(kMaxSourceBytes) + " bytes";
    return e;
  }
  try {
    Parser parser(Lexer(source).tokens(), schema);
    auto root = parser.parse();
    if (condition && root->type != Type::kBool) {
      auto e = position(0);
      e.reason = "a rule's condition must be true/false";
      return e;
    }
    CompiledRule rule;
    rule.root_ = std::move(root);
    if (condition) rule.program_ = Program::compile(*rule.root_);
    rule.node_count_ = parser.nodes();
    rule.calls_ = parser.take_calls();
    rule.source_ = source;
    return rule;
  } catch (const Failure& failure) {
    auto e = position(failure.offset);
    e.reason = failure.reason;
    return e;
  }
}
}  // namespace

std::variant<CompiledRule, CompileError> compile_rule(const std::string& source, const Schema& schema) {
  return compile(source, schema, true);
}

std::variant<CompiledRule, CompileError> compile_expression(const std::string& source, const Schema& schema) {
  return compile(source, schema, false);
}

CompiledRule CompiledRule::with_known_text(size_t field_index, const std::string& value) const {
  CompiledRule rule = *this;
  // Only a condition has a program; an expression keeps none.
  if (program_) rule.program_ = Program::compile(*root_, Program::KnownText{field_index, value});
  return rule;
}

Value CompiledRule::value(const Context& context) const {
  EvalFailure failure;
  try {
    Value v = eval(*root_, Evaluation{context, source_, nullptr, failure});
    if (failure) return std::monostate{};
    return v;
  } catch (const std::bad_variant_access&) {
    return std::monostate{};
  }
}

EvalResult CompiledRule::evaluate(const Context& context) const {
  EvalResult result;
  EvalFailure failure;
  try {
    if (program_ && !context.record_facts) {
      auto outcome = program_->run(context);
      if (outcome.failure) {
        result.error = outcome.failure.reason();
      } else {
        result.fired = outcome.fired;
      }
      return result;
    }
    Value v = eval(*root_, Evaluation{context, source_, context.record_facts ? &result.facts : nullptr, failure});
    if (failure) {
      result.error = failure.reason();
    } else {
      result.fired = std::get<bool>(v);
    }
  } catch (const std::bad_variant_access&) {
    result.error = "a value had an unexpected type";
  }
  return result;
}

}  // namespace hafnium::services::monitoring::rules
