// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_: applied to the
// parameters' .grad in place between backward() and the optimizer's step().
//
// Gradient accumulation needs nothing from here: backward adds into .grad, so k micro-batches
// with loss / k give the gradient of the whole batch (see test_clip_grad.cpp).
#pragma once

#include <vector>

#include "ember/core/tensor.h"

namespace ember::optim {

struct ClipGradNormOptions {
  /// The p of the p-norm; INFINITY for the largest |g|.
  double norm_type = 2.0;
  /// Throw instead of scaling by a NaN or infinite norm.
  bool error_if_nonfinite = false;
};

/// Scales every defined gradient by min(1, max_norm / (total_norm + 1e-6)), where
/// total_norm is the norm of all gradients viewed as one vector (the norm of the
/// per-gradient norms, as PyTorch computes it). Returns total_norm (0-d, the first
/// gradient's dtype; 0 when no parameter has a gradient). ValueError for max_norm < 0, and
/// for a non-finite total norm with error_if_nonfinite.
Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm,
                       ClipGradNormOptions options = {});

/// Clamps every defined gradient into [-clip_value, clip_value]. ValueError for
/// clip_value < 0.
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace ember::optim
