// Loss functions with PyTorch's arguments, defaults and reductions.
#pragma once

#include <optional>

#include "ember/core/tensor.h"

namespace ember {

enum class Reduction { none, mean, sum, batchmean };

/// input (C), (N, C) or (N, C, d1, ...) logits; target integer class indices ((), (N) or
/// (N, d1, ...)) or class probabilities with input's shape. weight (C) rescales classes;
/// class targets equal to ignore_index contribute nothing (the mean divides by the total
/// weight of the others); probability targets accept no ignore_index >= 0 (as PyTorch).
/// label_smoothing mixes in the uniform distribution as PyTorch 1.13 does (see Note [Label
/// smoothing] in src/ops/loss.cpp). Throws IndexError for a class index out of [0, C).
struct CrossEntropyOptions {
  Tensor weight = {};
  int64_t ignore_index = -100;
  Reduction reduction = Reduction::mean;
  double label_smoothing = 0.0;
};
Tensor cross_entropy(const Tensor& input, const Tensor& target, CrossEntropyOptions options = {});

/// input (C), (N, C) or (N, C, d1, ...) log-probabilities; target integer class indices.
struct NllLossOptions {
  Tensor weight = {};
  int64_t ignore_index = -100;
  Reduction reduction = Reduction::mean;
};
Tensor nll_loss(const Tensor& input, const Tensor& target, NllLossOptions options = {});

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);
/// 0.5 d^2 / beta below beta, |d| - 0.5 beta above.
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      Reduction reduction = Reduction::mean, double beta = 1.0);
/// 0.5 d^2 below delta, delta (|d| - 0.5 delta) above.
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean,
                  double delta = 1.0);
/// input probabilities in [0, 1]; log clamped at -100 as PyTorch.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const Tensor& weight = Tensor(), Reduction reduction = Reduction::mean);
struct BceWithLogitsOptions {
  Tensor weight = {};
  Tensor pos_weight = {};
  Reduction reduction = Reduction::mean;
};
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        BceWithLogitsOptions options = {});
/// input log-probabilities; target probabilities (log-probabilities when log_target).
/// Reduction::batchmean divides the sum by the batch size (the mathematically right KL).
struct KlDivOptions {
  Reduction reduction = Reduction::mean;
  bool log_target = false;
};
Tensor kl_div(const Tensor& input, const Tensor& target, KlDivOptions options = {});

}  // namespace ember
