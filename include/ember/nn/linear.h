// Linear, Identity and Flatten.
#pragma once

#include "ember/nn/module.h"

namespace ember::nn {

struct LinearOptions {
  int64_t in_features = 0;
  int64_t out_features = 0;
  bool bias = true;
};

/// y = x W^T + b; x (..., in_features) -> (..., out_features). Weight (out, in) and bias
/// initialised as PyTorch: U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform with a = sqrt(5)).
class Linear : public Module {
 public:
  explicit Linear(LinearOptions options);
  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;
  void reset_parameters();

  LinearOptions options;
  Tensor weight;
  Tensor bias;
};

class Identity : public Module {
 public:
  std::string type_name() const override { return "Identity"; }
  Tensor forward(const Tensor& x) override { return x; }
};

struct FlattenOptions {
  int64_t start_dim = 1;
  int64_t end_dim = -1;
};

class Flatten : public Module {
 public:
  explicit Flatten(FlattenOptions options = {}) : options(options) {}
  std::string type_name() const override { return "Flatten"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  FlattenOptions options;
};

}  // namespace ember::nn
