// Pooling modules: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
#pragma once

#include "ember/nn/module.h"
#include "ember/ops/nn_functional.h"

namespace ember::nn {

class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(MaxPool2dOptions options) : options(options) {}
  std::string type_name() const override { return "MaxPool2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override { return max_pool2d(x, options); }
  MaxPool2dOptions options;
};

class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(AvgPool2dOptions options) : options(options) {}
  std::string type_name() const override { return "AvgPool2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override { return avg_pool2d(x, options); }
  AvgPool2dOptions options;
};

class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(Size2 output_size) : output_size(output_size) {}
  std::string type_name() const override { return "AdaptiveAvgPool2d"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override { return adaptive_avg_pool2d(x, output_size); }
  Size2 output_size;
};

}  // namespace ember::nn
