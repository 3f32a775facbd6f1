// Adagrad, as torch.optim.Adagrad (PyTorch 1.13, dense gradients):
//
//   g = maximize ? -grad : grad;   g += weight_decay * p
//   clr = lr / (1 + (t - 1) * lr_decay)
//   sum += g * g;   p -= clr * g / (sqrt(sum) + eps)
//
// `sum` starts at the group's initial_accumulator_value (PyTorch 1.13 uses the constructor's
// value for every group). PyTorch creates the state in the constructor; here it is created
// at a parameter's first update, with the same values.
#pragma once

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
  bool maximize = false;

  void visit(FieldVisitor& v);
};

struct AdagradState {
  int64_t step = 0;
  Tensor sum;

  void visit(FieldVisitor& v, const AdagradOptions& options);
};

extern template class OptimizerImpl<AdagradOptions, AdagradState>;

class Adagrad : public OptimizerImpl<AdagradOptions, AdagradState> {
 public:
  /// ValueError for an empty parameter list or a negative lr, lr_decay, weight_decay,
  /// initial_accumulator_value or eps.
  Adagrad(std::vector<Tensor> params, const AdagradOptions& options = {});
  void step() override;

 protected:
  void validate(const AdagradOptions& options) const override;
};

}  // namespace ember::optim
