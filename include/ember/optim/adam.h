// Adam and AdamW, as torch.optim.Adam / AdamW (PyTorch 1.13, single-tensor form):
//
//   g = maximize ? -grad : grad
//   Adam: g += weight_decay * p            AdamW: p *= 1 - lr * weight_decay
//   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
//   v_hat = amsgrad ? (v_max = max(v_max, v)) : v
//   p -= lr / (1 - beta1^t) * m / (sqrt(v_hat) / sqrt(1 - beta2^t) + eps)
//
// With `fused` (the default) each parameter is updated in one pass over its memory (param,
// grad, m, v together; see adam_fused.cpp); otherwise, or for a parameter the fused loop
// does not handle (non-contiguous, 16-bit), the update is composed of ember ops. Both
// compute in the parameter's dtype in the same order and agree.
#pragma once

#include <utility>

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct AdamOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  /// Added to the gradient (L2 penalty), unlike AdamW's decoupled decay.
  double weight_decay = 0;
  bool amsgrad = false;
  bool maximize = false;
  /// One pass per parameter instead of a sequence of ops (not part of the state dict).
  bool fused = true;

  void visit(FieldVisitor& v);
};

struct AdamWOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  /// Decoupled: the parameter is scaled by 1 - lr * weight_decay before the update.
  double weight_decay = 1e-2;
  bool amsgrad = false;
  bool maximize = false;
  bool fused = true;

  void visit(FieldVisitor& v);
};

struct AdamState {
  int64_t step = 0;
  Tensor exp_avg;
  Tensor exp_avg_sq;
  Tensor max_exp_avg_sq;  // only with amsgrad

  void visit(FieldVisitor& v, const AdamOptions& options);
  void visit(FieldVisitor& v, const AdamWOptions& options);
};

extern template class OptimizerImpl<AdamOptions, AdamState>;
extern template class OptimizerImpl<AdamWOptions, AdamState>;

class Adam : public OptimizerImpl<AdamOptions, AdamState> {
 public:
  /// ValueError for an empty parameter list or invalid options (lr, eps or weight_decay
  /// < 0, a beta outside [0, 1)).
  Adam(std::vector<Tensor> params, const AdamOptions& options = {});
  void step() override;

 protected:
  void validate(const AdamOptions& options) const override;
};

class AdamW : public OptimizerImpl<AdamWOptions, AdamState> {
 public:
  /// ValueError as Adam's.
  AdamW(std::vector<Tensor> params, const AdamWOptions& options = {});
  void step() override;

 protected:
  void validate(const AdamWOptions& options) const override;
};

}  // namespace ember::optim
