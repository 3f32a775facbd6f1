// gradcheck: compares autograd's gradients with central finite differences, in float64.
//
// For each of `num_projections` random output weightings v it checks v^T J (one backward)
// against (v . f(x + eps e_i) - v . f(x - eps e_i)) / 2 eps for every input element i. Any
// wrong entry of J shows up in v^T J for random v with probability 1.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::autograd {

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
  int num_projections = 2;
  uint64_t seed = 1234;
};

struct GradcheckResult {
  bool ok = true;
  std::string message;  // the worst mismatch: input, element, analytic, numeric
  double max_abs_error = 0;
};

using GradcheckFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

/// `inputs` must be float64; those with requires_grad are checked.
GradcheckResult gradcheck(const GradcheckFn& fn, const std::vector<Tensor>& inputs,
                          GradcheckOptions options = {});

}  // namespace ember::autograd
