// einsum: Einstein summation reduced to ops ember already has, so its gradient comes from
// theirs. Each operand first takes the diagonal of any label it repeats; a label that no
// other operand and not the output uses is summed away; operands are then contracted
// left to right, each pair as one bmm over (batch labels, free labels of a, shared summed
// labels, free labels of b); the result is permuted into the output's order.
#include <algorithm>
#include <string_view>

#include "ember/ops/linalg.h"
#include "ember/ops/reduce.h"
#include "ember/ops/shape.h"

namespace ember {

namespace {

// Labels: A-Z are 0-25 and a-z 26-51 (PyTorch's order, which sorts the implicit output);
// the dims an ellipsis stands for are kEllipsis + k, right-aligned across operands so that
// they broadcast like NumPy dims.
constexpr int kEllipsis = 52;

using Labels = std::vector<int>;

struct Operand {
  Tensor t;
  Labels labels;  // one per dim of t
};

struct Equation {
  std::vector<Labels> inputs;
  Labels output;
  int num_labels = kEllipsis;  // kEllipsis + the widest ellipsis
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
int letter_label(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' : 26 + (c - 'a'); }
std::string label_name(int l) {
  if (l < 26) return std::string(1, static_cast<char>('A' + l));
  if (l < kEllipsis) return std::string(1, static_cast<char>('a' + l - 26));
  return "...";
}

// The letters of one term and where its "..." sits among them (-1: none).
struct Term {
  Labels letters;
  int64_t ellipsis_at = -1;
};

Term parse_term(std::string_view s, const std::string& equation) {
  Term t;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ') continue;
    if (c == '.') {
      EMBER_CHECK(s.substr(i, 3) == "..." && t.ellipsis_at < 0,
                  "einsum: expected at most one '...' per term, got '", equation, "'");
      t.ellipsis_at = static_cast<int64_t>(t.letters.size());
      i += 2;
      continue;
    }
    EMBER_CHECK(is_letter(c), "einsum: expected subscripts in a-z, A-Z or '...', got '", c,
                "' in '", equation, "'");
    t.letters.push_back(letter_label(c));
  }
  return t;
}

// Labels of a term whose ellipsis covers `extra` dims, in an equation whose widest
// ellipsis covers `widest`.
Labels expand_term(const Term& t, int64_t extra, int64_t widest) {
  if (t.ellipsis_at < 0) return t.letters;
  Labels out(t.letters.begin(), t.letters.begin() + t.ellipsis_at);
  for (int64_t k = 0; k < extra; ++k)
    out.push_back(kEllipsis + static_cast<int>(widest - extra + k));
  out.insert(out.end(), t.letters.begin() + t.ellipsis_at, t.letters.end());
  return out;
}

Equation parse(const std::string& equation, const std::vector<Tensor>& operands) {
  size_t arrow = equation.find("->");
  std::string_view lhs = std::string_view(equation).substr(0, arrow);
  std::vector<Term> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(parse_term(lhs.substr(start, comma - start), equation));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  EMBER_CHECK(terms.size() == operands.size(), "einsum: expected ", terms.size(), " operands for '",
              equation, "', got ", operands.size());
  Equation eq;
  std::vector<int64_t> extra(terms.size(), 0);
  int64_t widest = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    int64_t named = static_cast<int64_t>(terms[i].letters.size());
    int64_t nd = operands[i].dim();
    if (terms[i].ellipsis_at < 0) {
      EMBER_CHECK_SHAPE(nd == named, "einsum: expected ", named, " dims for operand ", i, " of '",
                        equation, "', got shape ", shape_str(operands[i].sizes()));
    } else {
      EMBER_CHECK_SHAPE(nd >= named, "einsum: expected at least ", named, " dims for operand ", i,
                        " of '", equation, "', got shape ", shape_str(operands[i].sizes()));
      extra[i] = nd - named;
      widest = std::max(widest, extra[i]);
    }
  }
  eq.num_labels = kEllipsis + static_cast<int>(widest);
  std::vector<int> count(static_cast<size_t>(eq.num_labels), 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    eq.inputs.push_back(expand_term(terms[i], extra[i], widest));
    for (int l : eq.inputs.back()) ++count[l];
  }
  if (arrow == std::string::npos) {
    // Implicit output: the ellipsis dims, then the letters used once, in label order.
    for (int l = kEllipsis; l < eq.num_labels; ++l) eq.output.push_back(l);
    for (int l = 0; l < kEllipsis; ++l) {
      if (count[l] == 1) eq.output.push_back(l);
    }
    return eq;
  }
  Term out = parse_term(std::string_view(equation).substr(arrow + 2), equation);
  eq.output = expand_term(out, out.ellipsis_at >= 0 ? widest : 0, widest);
  std::vector<bool> seen(static_cast<size_t>(eq.num_labels), false);
  for (int l : out.letters) {
    EMBER_CHECK(count[l] > 0, "einsum: expected output subscript '", label_name(l),
                "' to appear in an input of '", equation, "'");
    EMBER_CHECK(!seen[l], "einsum: expected output subscript '", label_name(l),
                "' once, got it twice in '", equation, "'");
    seen[l] = true;
  }
  return eq;
}

int64_t position(const Labels& labels, int l) {
  return std::find(labels.begin(), labels.end(), l) - labels.begin();
}
bool contains(const Labels& labels, int l) { return position(labels, l) < std::ssize(labels); }

// Replaces each label repeated within the operand by its diagonal (diagonal() puts it last).
Operand take_diagonals(Operand op, const std::string& equation) {
  for (;;) {
    int64_t d1 = -1, d2 = -1;
    for (int64_t i = 0; i < std::ssize(op.labels) && d1 < 0; ++i) {
      for (int64_t j = i + 1; j < std::ssize(op.labels); ++j) {
        if (op.labels[i] == op.labels[j]) {
          d1 = i;
          d2 = j;
          break;
        }
      }
    }
    if (d1 < 0) return op;
    int l = op.labels[d1];
    EMBER_CHECK_SHAPE(op.t.size(d1) == op.t.size(d2),
                      "einsum: expected equal sizes for the repeated subscript '", label_name(l),
                      "' in '", equation, "', got ", op.t.size(d1), " and ", op.t.size(d2));
    op.t = diagonal(op.t, 0, d1, d2);
    op.labels.erase(op.labels.begin() + d2);
    op.labels.erase(op.labels.begin() + d1);
    op.labels.push_back(l);
  }
}

// Sums away the dims whose labels are not in `keep`.
Operand sum_unkept(Operand op, const std::vector<bool>& keep) {
  Shape dims;
  Labels rest;
  for (int64_t d = 0; d < std::ssize(op.labels); ++d) {
    if (keep[op.labels[d]])
      rest.push_back(op.labels[d]);
    else
      dims.push_back(d);
  }
  if (dims.empty()) return op;
  return {sum(op.t, dims), rest};
}

// a and b contracted over their shared labels not in `keep`; shared labels in `keep` are
// batch dims. Size-1 dims broadcast against the other side's size.
Operand contract(Operand a, Operand b, const std::vector<bool>& keep) {
  Labels batch, left, summed, right;
  for (int l : a.labels) {
    if (!contains(b.labels, l))
      left.push_back(l);
    else if (keep[l])
      batch.push_back(l);
    else
      summed.push_back(l);
  }
  for (int l : b.labels) {
    if (!contains(a.labels, l)) right.push_back(l);
  }
  Shape a_shape = a.t.sizes(), b_shape = b.t.sizes();
  for (const Labels* shared : {&batch, &summed}) {
    for (int l : *shared) {
      int64_t pa = position(a.labels, l), pb = position(b.labels, l);
      a_shape[pa] = b_shape[pb] = std::max(a_shape[pa], b_shape[pb]);
    }
  }
  auto order = [](const Operand& op, std::initializer_list<const Labels*> groups) {
    Shape perm;
    for (const Labels* g : groups) {
      for (int l : *g) perm.push_back(position(op.labels, l));
    }
    return perm;
  };
  auto extent = [](const Operand& op, const Shape& shape, const Labels& group) {
    int64_t n = 1;
    for (int l : group) n *= shape[position(op.labels, l)];
    return n;
  };
  const int64_t B = extent(a, a_shape, batch), M = extent(a, a_shape, left);
  const int64_t K = extent(a, a_shape, summed), N = extent(b, b_shape, right);
  Tensor a3 = a.t.expand(a_shape).permute(order(a, {&batch, &left, &summed})).reshape({B, M, K});
  Tensor b3 = b.t.expand(b_shape).permute(order(b, {&batch, &summed, &right})).reshape({B, K, N});
  Shape out_shape;
  Labels out_labels;
  for (int l : batch) out_shape.push_back(a_shape[position(a.labels, l)]);
  for (int l : left) out_shape.push_back(a_shape[position(a.labels, l)]);
  for (int l : right) out_shape.push_back(b_shape[position(b.labels, l)]);
  out_labels.insert(out_labels.end(), batch.begin(), batch.end());
  out_labels.insert(out_labels.end(), left.begin(), left.end());
  out_labels.insert(out_labels.end(), right.begin(), right.end());
  return {bmm(a3, b3).reshape(out_shape), out_labels};
}

// Every label's size agrees across operands (or is 1, which broadcasts).
void check_sizes(const std::vector<Operand>& ops, int num_labels, const std::string& equation) {
  std::vector<int64_t> size(static_cast<size_t>(num_labels), 1);
  for (const Operand& op : ops) {
    for (int64_t d = 0; d < std::ssize(op.labels); ++d) {
      int64_t& s = size[op.labels[d]];
      int64_t n = op.t.size(d);
      EMBER_CHECK_SHAPE(s == n || s == 1 || n == 1, "einsum: expected subscript '",
                        label_name(op.labels[d]), "' to have one size in '", equation, "', got ", s,
                        " and ", n);
      if (n != 1) s = n;
    }
  }
}

}  // namespace

Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands) {
  EMBER_CHECK(!operands.empty(), "einsum: expected at least one operand for '", equation, "'");
  for (size_t i = 0; i < operands.size(); ++i) {
    EMBER_CHECK(operands[i].defined(),
                "einsum: expected defined operands, got an undefined operand ", i);
    EMBER_CHECK_DTYPE(operands.size() == 1 || is_floating(operands[i].dtype()),
                      "einsum: expected floating operands, got ", operands[i].dtype(),
                      " for operand ", i);
  }
  Equation eq = parse(equation, operands);
  std::vector<Operand> ops;
  for (size_t i = 0; i < operands.size(); ++i) {
    ops.push_back(take_diagonals({operands[i], eq.inputs[i]}, equation));
  }
  check_sizes(ops, eq.num_labels, equation);

  std::vector<bool> in_output(static_cast<size_t>(eq.num_labels), false);
  for (int l : eq.output) in_output[l] = true;
  Operand result = ops[0];
  for (size_t i = 1; i < ops.size(); ++i) {
    // Labels still needed after this contraction: the output's and later operands'.
    std::vector<bool> keep = in_output;
    for (size_t j = i + 1; j < ops.size(); ++j) {
      for (int l : ops[j].labels) keep[l] = true;
    }
    std::vector<bool> keep_result = keep, keep_next = keep;
    for (int l : ops[i].labels) keep_result[l] = true;
    for (int l : result.labels) keep_next[l] = true;
    result = contract(sum_unkept(result, keep_result), sum_unkept(ops[i], keep_next), keep);
  }
  result = sum_unkept(result, in_output);
  Shape perm;
  for (int l : eq.output) perm.push_back(position(result.labels, l));
  return result.t.permute(perm);
}

}  // namespace ember
