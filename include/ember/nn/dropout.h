// Dropout: zeroes elements with probability p in training mode; identity in eval.
#pragma once

#include "ember/core/generator.h"
#include "ember/nn/module.h"

namespace ember::nn {

class Dropout : public Module {
 public:
  /// `generator` (optional, not owned) gives the layer its own random stream.
  explicit Dropout(double p = 0.5, Generator* generator = nullptr);
  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  double p;
  Generator* generator;
};

}  // namespace ember::nn
