// The op table: one OpCase per (op, shapes) combination. tests/ops/test_op_table.cpp runs
// every case through the same checks (fast vs reference kernels, non-contiguous inputs,
// PyTorch fixtures, float64 gradcheck); test_op_coverage.cpp checks that every op in
// ops.def has cases. Each family lists its cases in op_cases_<family>.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/ember.h"

namespace ember::test {

/// How to make one random input.
struct InputSpec {
  enum class Kind {
    uniform,  // floats in [low, high), |x| >= min_abs
    integer,  // int64 in [low, high)
    boolean,  // bool, true with probability 0.5
  };
  Shape shape;
  Kind kind = Kind::uniform;
  double low = -1.0;
  double high = 1.0;
  double min_abs = 0.0;  // keeps values away from kinks (relu, abs) for gradcheck
  bool requires_grad = true;  // only for floating inputs
};

inline InputSpec uniform(Shape shape, double low = -1.0, double high = 1.0) {
  return {.shape = std::move(shape), .low = low, .high = high};
}
inline InputSpec away_from_zero(Shape shape, double min_abs = 0.1, double high = 1.0) {
  return {.shape = std::move(shape), .low = -high, .high = high, .min_abs = min_abs};
}
inline InputSpec positive(Shape shape, double low = 0.1, double high = 2.0) {
  return {.shape = std::move(shape), .low = low, .high = high};
}
inline InputSpec constant_input(Shape shape, double low = -1.0, double high = 1.0) {
  return {.shape = std::move(shape), .low = low, .high = high, .requires_grad = false};
}
inline InputSpec integers(Shape shape, int64_t low, int64_t high) {
  return {.shape = std::move(shape),
          .kind = InputSpec::Kind::integer,
          .low = static_cast<double>(low),
          .high = static_cast<double>(high),
          .requires_grad = false};
}
inline InputSpec booleans(Shape shape) {
  return {.shape = std::move(shape), .kind = InputSpec::Kind::boolean, .requires_grad = false};
}

using OpFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

struct OpCase {
  std::string name;  // unique; also the fixture's file name (tests/reference/ops/<name>.safetensors)
  std::string op;    // the ops.def entry this case covers
  std::vector<InputSpec> inputs;
  OpFn fn;
  // Fast vs reference (float32) tolerance.
  double atol = 1e-5;
  double rtol = 1e-4;
  bool gradcheck = true;  // float64 gradcheck (only meaningful for differentiable ops)
  double gradcheck_atol = 1e-5;
  double gradcheck_rtol = 1e-3;
  bool fixture = true;  // compared with a PyTorch fixture
  bool non_contiguous = true;  // rerun with strided copies of the inputs
  bool deterministic = true;   // same inputs give the same outputs (false for dropout)
};

/// Wraps a single-output op.
inline OpFn one(std::function<Tensor(const std::vector<Tensor>&)> f) {
  return [f = std::move(f)](const std::vector<Tensor>& in) { return std::vector<Tensor>{f(in)}; };
}

std::vector<OpCase> elementwise_cases();
std::vector<OpCase> reduce_cases();
std::vector<OpCase> linalg_cases();
std::vector<OpCase> shape_cases();
std::vector<OpCase> nn_cases();
std::vector<OpCase> conv_cases();
std::vector<OpCase> loss_cases();
std::vector<OpCase> view_cases();

/// Every case of every family, in a stable order.
const std::vector<OpCase>& all_op_cases();

/// Random inputs for `c` in `dtype` (floating inputs only; integer/bool stay as they are),
/// reproducible from the case name.
std::vector<Tensor> make_inputs(const OpCase& c, DType dtype);

}  // namespace ember::test
