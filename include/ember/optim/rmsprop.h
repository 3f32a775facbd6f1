// RMSprop, as torch.optim.RMSprop (PyTorch 1.13):
//
//   g = maximize ? -grad : grad;   g += weight_decay * p
//   square_avg = alpha * square_avg + (1 - alpha) * g * g
//   centered: grad_avg = alpha * grad_avg + (1 - alpha) * g;  avg = sqrt(square_avg - grad_avg^2)
//   otherwise avg = sqrt(square_avg);   then avg += eps
//   momentum > 0: buf = momentum * buf + g / avg;  p -= lr * buf
//   otherwise p -= lr * g / avg
#pragma once

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
  bool maximize = false;

  void visit(FieldVisitor& v);
};

struct RMSpropState {
  int64_t step = 0;
  Tensor square_avg;
  Tensor momentum_buffer;  // only with momentum > 0
  Tensor grad_avg;         // only when centered

  void visit(FieldVisitor& v, const RMSpropOptions& options);
};

extern template class OptimizerImpl<RMSpropOptions, RMSpropState>;

class RMSprop : public OptimizerImpl<RMSpropOptions, RMSpropState> {
 public:
  /// ValueError for an empty parameter list or a negative lr, alpha, eps, weight_decay or
  /// momentum.
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = {});
  void step() override;

 protected:
  void validate(const RMSpropOptions& options) const override;
};

}  // namespace ember::optim
