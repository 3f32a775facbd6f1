// Assembles the op table and makes its random inputs.
#include <functional>

#include "ops/op_case.h"

namespace ember::test {

const std::vector<OpCase>& all_op_cases() {
  static const std::vector<OpCase> cases = [] {
    std::vector<OpCase> all;
    for (auto family : {elementwise_cases, reduce_cases, linalg_cases, shape_cases, nn_cases,
                        conv_cases, loss_cases, view_cases}) {
      for (auto& c : family()) all.push_back(std::move(c));
    }
    return all;
  }();
  return cases;
}

std::vector<Tensor> make_inputs(const OpCase& c, DType dtype) {
  Generator gen(std::hash<std::string>{}(c.name) & 0xffffffffu);
  std::vector<Tensor> out;
  for (const auto& spec : c.inputs) {
    switch (spec.kind) {
      case InputSpec::Kind::uniform: {
        Tensor u = rand(spec.shape, {.dtype = DType::float64}, &gen);
        Tensor x;
        if (spec.min_abs > 0) {
          // |x| in [min_abs, high), random sign.
          Tensor sgn = (rand(spec.shape, {.dtype = DType::float64}, &gen) < 0.5).to(DType::float64) * 2 - 1;
          x = sgn * (u * (spec.high - spec.min_abs) + spec.min_abs);
        } else {
          x = u * (spec.high - spec.low) + spec.low;
        }
        x = x.to(dtype);
        if (spec.requires_grad) x.requires_grad_(true);
        out.push_back(x);
        break;
      }
      case InputSpec::Kind::integer:
        out.push_back(randint(static_cast<int64_t>(spec.low), static_cast<int64_t>(spec.high),
                              spec.shape, {}, &gen));
        break;
      case InputSpec::Kind::boolean:
        out.push_back(rand(spec.shape, {.dtype = DType::float64}, &gen) < 0.5);
        break;
    }
  }
  return out;
}

}  // namespace ember::test
