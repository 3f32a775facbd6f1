// The fused Adam/AdamW update: one pass over a parameter's memory that updates exp_avg,
// exp_avg_sq (and max_exp_avg_sq) and the parameter together, in the same order of float
// operations as the op-composed path in adam.cpp.
#pragma once

#include "ember/optim/adam.h"

namespace ember::optim::detail {

/// The per-step scalars of one parameter's update, in float64 as PyTorch computes them.
struct AdamStepScalars {
  double lr;
  double beta1;
  double beta2;
  double eps;
  double weight_decay;
  double step_size;              // lr / (1 - beta1^t)
  double bias_correction2_sqrt;  // sqrt(1 - beta2^t)
  bool amsgrad;
  bool maximize;
  bool decoupled;  // AdamW
};

/// Whether adam_fused handles this parameter: contiguous float32/float64 CPU param, grad
/// and state of one dtype.
bool adam_fused_supported(const Tensor& param, const Tensor& grad, const AdamState& state,
                          bool amsgrad);
/// Updates param, state.exp_avg, state.exp_avg_sq (and state.max_exp_avg_sq) in place and
/// bumps their version counters. state.step is already incremented by the caller.
void adam_fused(const Tensor& param, const Tensor& grad, AdamState& state,
                const AdamStepScalars& c);

}  // namespace ember::optim::detail
