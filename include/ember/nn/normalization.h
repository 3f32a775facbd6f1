// Normalisation layers: BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, RMSNorm.
#pragma once

#include <optional>

#include "ember/nn/module.h"

namespace ember::nn {

struct BatchNormOptions {
  int64_t num_features = 0;
  double eps = 1e-5;
  /// Weight of the new batch in the running statistics; nullopt: cumulative average.
  std::optional<double> momentum = 0.1;
  bool affine = true;
  bool track_running_stats = true;
};

/// Batch statistics in training (running statistics updated), running statistics in eval.
/// Buffers: running_mean, running_var, num_batches_tracked (int64), as PyTorch.
class BatchNorm : public Module {
 public:
  BatchNorm(BatchNormOptions options, const char* name, int64_t min_dim, int64_t max_dim);
  std::string type_name() const override { return name_; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  BatchNormOptions options;
  Tensor weight;
  Tensor bias;
  Tensor running_mean;
  Tensor running_var;
  Tensor num_batches_tracked;

 private:
  const char* name_;
  int64_t min_dim_, max_dim_;
};

/// x (N, C) or (N, C, L).
class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(BatchNormOptions options) : BatchNorm(options, "BatchNorm1d", 2, 3) {}
};

/// x (N, C, H, W).
class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(BatchNormOptions options) : BatchNorm(options, "BatchNorm2d", 4, 4) {}
};

struct LayerNormOptions {
  Shape normalized_shape;
  double eps = 1e-5;
  bool elementwise_affine = true;
};

class LayerNorm : public Module {
 public:
  explicit LayerNorm(LayerNormOptions options);
  std::string type_name() const override { return "LayerNorm"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  LayerNormOptions options;
  Tensor weight;
  Tensor bias;
};

struct GroupNormOptions {
  int64_t num_groups = 1;
  int64_t num_channels = 0;
  double eps = 1e-5;
  bool affine = true;
};

class GroupNorm : public Module {
 public:
  explicit GroupNorm(GroupNormOptions options);
  std::string type_name() const override { return "GroupNorm"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  GroupNormOptions options;
  Tensor weight;
  Tensor bias;
};

struct RMSNormOptions {
  Shape normalized_shape;
  std::optional<double> eps = std::nullopt;  // default: the dtype's machine epsilon
  bool elementwise_affine = true;
};

class RMSNorm : public Module {
 public:
  explicit RMSNorm(RMSNormOptions options);
  std::string type_name() const override { return "RMSNorm"; }
  std::string extra_repr() const override;
  Tensor forward(const Tensor& x) override;

  RMSNormOptions options;
  Tensor weight;
};

}  // namespace ember::nn
