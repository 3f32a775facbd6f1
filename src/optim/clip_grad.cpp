// Gradient clipping (see clip_grad.h), following torch/nn/utils/clip_grad.py (1.13).
#include "ember/optim/clip_grad.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/reduce.h"

namespace ember::optim {

Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm,
                       ClipGradNormOptions options) {
  EMBER_CHECK(max_norm >= 0, "clip_grad_norm_: expected max_norm >= 0, got ", max_norm);
  autograd::NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    if (p.grad().defined()) grads.push_back(p.grad().detach());
  }
  if (grads.empty()) return scalar_tensor(0.0f);

  double p = options.norm_type;
  bool is_inf = std::isinf(p) && p > 0;
  // The per-gradient norms side by side (PyTorch's torch.stack), then their norm.
  auto n = static_cast<int64_t>(grads.size());
  Tensor norms = empty({n}, {.dtype = grads[0].dtype()});
  for (int64_t i = 0; i < n; ++i) {
    Tensor gi = grads[static_cast<size_t>(i)];
    norms.select(0, i).copy_(is_inf ? max(abs(gi)) : norm(gi, p));
  }
  Tensor total = is_inf ? max(norms) : norm(norms, p);
  if (options.error_if_nonfinite) {
    double v = total.item<double>();
    EMBER_CHECK(std::isfinite(v), "clip_grad_norm_: expected a finite total norm of order ", p,
                ", got ", v,
                "; set error_if_nonfinite = false to scale the gradients by it anyway");
  }
  Tensor coef = clamp(max_norm / (total + 1e-6), std::nullopt, 1.0);
  for (Tensor& g : grads) g.mul_(coef);
  return total;
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  EMBER_CHECK(clip_value >= 0, "clip_grad_value_: expected clip_value >= 0, got ", clip_value);
  autograd::NoGradGuard no_grad;
  for (const Tensor& p : params) {
    if (p.grad().defined()) p.grad().detach().clamp_(-clip_value, clip_value);
  }
}

}  // namespace ember::optim
