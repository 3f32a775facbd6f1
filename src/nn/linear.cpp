// Linear, Identity and Flatten.
#include "ember/nn/linear.h"

#include <cmath>

#include "ember/nn/init.h"
#include "ember/ops/factory.h"
#include "ember/ops/linalg.h"
#include "ember/ops/shape.h"

namespace ember::nn {

namespace {
const char* py_bool(bool b) { return b ? "True" : "False"; }
}  // namespace

Linear::Linear(LinearOptions o) : options(o) {
  EMBER_CHECK(o.in_features >= 0 && o.out_features >= 0,
              "Linear: expected non-negative in_features and out_features, got ", o.in_features,
              " and ", o.out_features);
  weight = empty({o.out_features, o.in_features});
  if (o.bias) bias = empty({o.out_features});
  reset_parameters();
  register_parameter("weight", weight);
  register_parameter("bias", bias);
}

void Linear::reset_parameters() {
  // PyTorch: kaiming_uniform_(a = sqrt(5)) gives bound 1 / sqrt(fan_in); the bias uses the
  // same bound.
  if (options.in_features > 0) {
    init::kaiming_uniform_(weight, {.a = std::sqrt(5.0)});
  }
  if (bias.defined()) {
    double bound = options.in_features > 0 ? 1.0 / std::sqrt(static_cast<double>(options.in_features)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(options.in_features) +
         ", out_features=" + std::to_string(options.out_features) +
         ", bias=" + py_bool(options.bias);
}

Tensor Linear::forward(const Tensor& x) { return linear(x, weight, bias); }

std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(options.start_dim) +
         ", end_dim=" + std::to_string(options.end_dim);
}

Tensor Flatten::forward(const Tensor& x) {
  return flatten(x, options.start_dim, options.end_dim);
}

}  // namespace ember::nn
