// Op table: memory and elementwise ops.
#include "ops/op_case.h"

namespace ember::test {

namespace {

using In = const std::vector<Tensor>&;

// One unary op over several awkward shapes: odd sizes, a 0-d scalar, size 0, size 1.
void add_unary(std::vector<OpCase>& cases, const std::string& op,
               std::function<Tensor(const Tensor&)> f, InputSpec base) {
  const std::vector<std::pair<std::string, Shape>> shapes = {
      {"3x5", {3, 5}}, {"2x3x7", {2, 3, 7}}, {"scalar", {}}, {"empty", {0, 4}}, {"1", {1}}};
  for (const auto& [suffix, shape] : shapes) {
    InputSpec spec = base;
    spec.shape = shape;
    cases.push_back({.name = op + "_" + suffix, .op = op, .inputs = {spec},
                     .fn = one([f](In in) { return f(in[0]); })});
  }
}

// One binary op over same-shape, broadcast (both sides), scalar-tensor and empty operands.
void add_binary(std::vector<OpCase>& cases, const std::string& op,
                std::function<Tensor(const Tensor&, const Tensor&)> f, InputSpec a,
                InputSpec b) {
  const std::vector<std::tuple<std::string, Shape, Shape>> shapes = {
      {"same", {3, 5}, {3, 5}},
      {"broadcast", {4, 1, 3}, {2, 1}},
      {"rowvec", {5}, {3, 5}},
      {"scalar", {3, 2}, {}},
      {"empty", {0, 3}, {1, 3}}};
  for (const auto& [suffix, sa, sb] : shapes) {
    InputSpec x = a, y = b;
    x.shape = sa;
    y.shape = sb;
    cases.push_back({.name = op + "_" + suffix, .op = op, .inputs = {x, y},
                     .fn = one([f](In in) { return f(in[0], in[1]); })});
  }
}

}  // namespace

std::vector<OpCase> elementwise_cases() {
  std::vector<OpCase> c;
  c.push_back({.name = "copy_clone", .op = "copy", .inputs = {uniform({3, 4})},
               .fn = one([](In in) { return in[0].clone(); })});
  c.push_back({.name = "copy_to_float32", .op = "copy", .inputs = {uniform({2, 5})},
               .fn = one([](In in) { return in[0].to(DType::float32).to(DType::float64); }),
               // Rounding to float32 hides a 1e-6 finite-difference step: copy_clone gradchecks.
               .gradcheck = false,
               .fixture = false});
  c.push_back({.name = "fill_full_like", .op = "fill", .inputs = {constant_input({3, 4})},
               .fn = one([](In in) { return full_like(in[0], 2.5); })});

  const InputSpec any = uniform({}, -2, 2);
  const InputSpec kinked = away_from_zero({}, 0.1, 2);
  const InputSpec pos = positive({}, 0.2, 3);
  add_unary(c, "neg", [](const Tensor& x) { return -x; }, any);
  add_unary(c, "abs", [](const Tensor& x) { return abs(x); }, kinked);
  add_unary(c, "sign", [](const Tensor& x) { return sign(x); }, kinked);
  add_unary(c, "exp", [](const Tensor& x) { return exp(x); }, any);
  add_unary(c, "log", [](const Tensor& x) { return log(x); }, pos);
  add_unary(c, "log1p", [](const Tensor& x) { return log1p(x); }, positive({}, -0.5, 2));
  add_unary(c, "sqrt", [](const Tensor& x) { return sqrt(x); }, pos);
  add_unary(c, "rsqrt", [](const Tensor& x) { return rsqrt(x); }, pos);
  add_unary(c, "sin", [](const Tensor& x) { return sin(x); }, any);
  add_unary(c, "cos", [](const Tensor& x) { return cos(x); }, any);
  add_unary(c, "tanh", [](const Tensor& x) { return tanh(x); }, any);
  add_unary(c, "sigmoid", [](const Tensor& x) { return sigmoid(x); }, any);
  add_unary(c, "relu", [](const Tensor& x) { return relu(x); }, kinked);
  add_unary(c, "leaky_relu", [](const Tensor& x) { return leaky_relu(x, 0.2); }, kinked);
  add_unary(c, "elu", [](const Tensor& x) { return elu(x, 1.5); }, kinked);
  add_unary(c, "gelu", [](const Tensor& x) { return gelu(x); }, uniform({}, -3, 3));
  c.push_back({.name = "gelu_tanh", .op = "gelu", .inputs = {uniform({4, 6}, -3, 3)},
               .fn = one([](In in) { return gelu(in[0], GeluApproximate::tanh); })});
  add_unary(c, "silu", [](const Tensor& x) { return silu(x); }, uniform({}, -3, 3));
  // Rows long enough for the fast kernel's vectorised float32 loop and its tail, with values
  // far past the clamps of its exp (+-88).
  c.push_back({.name = "silu_long_rows_wide_range", .op = "silu",
               .inputs = {uniform({3, 67}, -120, 120)},
               .fn = one([](In in) { return silu(in[0]); })});
  add_unary(c, "softplus", [](const Tensor& x) { return softplus(x); }, uniform({}, -3, 3));
  c.push_back({.name = "softplus_beta_threshold", .op = "softplus",
               .inputs = {uniform({5, 4}, -3, 3)},
               .fn = one([](In in) { return softplus(in[0], 2.0, 1.5); })});
  add_unary(c, "erf", [](const Tensor& x) { return erf(x); }, any);
  add_unary(c, "pow_scalar", [](const Tensor& x) { return pow(x, 3); }, any);
  c.push_back({.name = "pow_scalar_fractional", .op = "pow_scalar", .inputs = {pos},
               .fn = one([](In in) { return pow(in[0], 0.5); })});
  c.back().inputs[0].shape = {3, 4};
  add_unary(c, "clamp", [](const Tensor& x) { return clamp(x, -0.5, 0.7); }, uniform({}, -2, 2));
  c.push_back({.name = "clamp_min_only", .op = "clamp", .inputs = {uniform({4, 3}, -2, 2)},
               .fn = one([](In in) { return clamp(in[0], 0.1, std::nullopt); })});
  c.push_back({.name = "logical_not", .op = "logical_not", .inputs = {booleans({3, 5})},
               .fn = one([](In in) { return logical_not(in[0]); })});

  add_binary(c, "add", [](const Tensor& a, const Tensor& b) { return a + b; }, any, any);
  add_binary(c, "sub", [](const Tensor& a, const Tensor& b) { return a - b; }, any, any);
  add_binary(c, "mul", [](const Tensor& a, const Tensor& b) { return a * b; }, any, any);
  add_binary(c, "div", [](const Tensor& a, const Tensor& b) { return a / b; }, any, kinked);
  add_binary(c, "pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, pos, any);
  add_binary(c, "maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }, any, any);
  add_binary(c, "minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }, any, any);
  // Small integers make ties common, so equality cases really occur.
  const InputSpec small = integers({}, 0, 3);
  add_binary(c, "eq", [](const Tensor& a, const Tensor& b) { return a == b; }, small, small);
  add_binary(c, "ne", [](const Tensor& a, const Tensor& b) { return a != b; }, small, small);
  add_binary(c, "lt", [](const Tensor& a, const Tensor& b) { return a < b; }, small, small);
  add_binary(c, "le", [](const Tensor& a, const Tensor& b) { return a <= b; }, small, small);
  add_binary(c, "gt", [](const Tensor& a, const Tensor& b) { return a > b; }, small, small);
  add_binary(c, "ge", [](const Tensor& a, const Tensor& b) { return a >= b; }, small, small);
  c.push_back({.name = "lt_float_scalar", .op = "lt", .inputs = {constant_input({3, 4})},
               .fn = one([](In in) { return in[0] < 0.25; })});
  c.push_back({.name = "add_int_tensors", .op = "add", .inputs = {integers({3, 4}, -5, 5), integers({4}, -5, 5)},
               .fn = one([](In in) { return in[0] + in[1]; })});
  c.push_back({.name = "add_python_scalar", .op = "add", .inputs = {uniform({3, 4})},
               .fn = one([](In in) { return in[0] + 2.5; })});
  c.push_back({.name = "rsub_scalar", .op = "sub", .inputs = {uniform({3, 4})},
               .fn = one([](In in) { return 1 - in[0]; })});
  c.push_back({.name = "rdiv_scalar", .op = "div", .inputs = {away_from_zero({3, 4})},
               .fn = one([](In in) { return 2 / in[0]; })});
  c.push_back({.name = "where_broadcast", .op = "where",
               .inputs = {booleans({3, 1}), uniform({3, 4}), uniform({4})},
               .fn = one([](In in) { return where(in[0], in[1], in[2]); })});
  c.push_back({.name = "where_scalar_other", .op = "where",
               .inputs = {booleans({2, 5}), uniform({2, 5})},
               .fn = one([](In in) { return where(in[0], in[1], 0.5); })});
  c.push_back({.name = "logical_and", .op = "logical_and", .inputs = {booleans({3, 4}), booleans({4})},
               .fn = one([](In in) { return logical_and(in[0], in[1]); })});
  c.push_back({.name = "logical_or", .op = "logical_or", .inputs = {booleans({3, 4}), booleans({3, 1})},
               .fn = one([](In in) { return logical_or(in[0], in[1]); })});
  return c;
}

}  // namespace ember::test
