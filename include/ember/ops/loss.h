// Loss functions with PyTorch's arguments, defaults and reductions.
#pragma once

#include <optional>

#include "ember/core/tensor.h"

namespace ember {

enum class Reduction { none, mean, sum, batchmean };

/// input (N, C) or (N, C, d1, ...) logits; target int64 class indices (N, d1, ...) or
/// class probabilities with input's shape. weight (C) rescales classes; targets equal to
/// ignore_index contribute nothing (the mean divides by the total weight of the others).
struct CrossEntropyOptions {
  Tensor weight = {};
  int64_t ignore_index = -100;
  Reduction reduction = Reduction::mean;
  double label_smoothing = 0.0;
};
Tensor cross_entropy(const Tensor& input, const Tensor& target, CrossEntropyOptions options = {});

/// input (N, C, ...) log-probabilities; target int64 (N, ...).
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
