// Neural-network functional ops: dropout, normalisation, convolution, pooling, resampling.
// Shapes follow PyTorch: images are (N, C, H, W), sequences (N, C, L).
#pragma once

#include <array>
#include <optional>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"

namespace ember {

/// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when
/// training; identity otherwise.
struct DropoutOptions {
  double p = 0.5;
  bool training = true;
  Generator* generator = nullptr;
};
Tensor dropout(const Tensor& x, DropoutOptions options = {});

/// Normalises over the last normalized_shape.size() dims (biased variance).
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

/// x (N, C, ...). In training uses batch statistics and updates running_mean/var in place
/// (momentum, unbiased variance for the running estimate, as PyTorch); in eval uses them.
struct BatchNormOptions {
  bool training = false;
  double momentum = 0.1;
  double eps = 1e-5;
};
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(),
                  BatchNormOptions options = {});

/// x (N, C, ...), C divisible by num_groups; weight, bias (C).
Tensor group_norm(const Tensor& x, int64_t num_groups, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

/// x / sqrt(mean(x^2) + eps) * weight over the last normalized_shape dims. eps defaults to
/// the dtype's machine epsilon (as PyTorch).
Tensor rms_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                std::optional<double> eps = std::nullopt);

struct Conv1dOptions {
  int64_t stride = 1;
  int64_t padding = 0;
  int64_t dilation = 1;
  int64_t groups = 1;
};
/// x (N, C, L), weight (OC, C/groups, K), bias (OC) -> (N, OC, OL).
Tensor conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
              Conv1dOptions options = {});

using Size2 = std::array<int64_t, 2>;
struct Conv2dOptions {
  Size2 stride = {1, 1};
  Size2 padding = {0, 0};
  Size2 dilation = {1, 1};
  int64_t groups = 1;
};
/// x (N, C, H, W), weight (OC, C/groups, KH, KW), bias (OC) -> (N, OC, OH, OW).
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
              Conv2dOptions options = {});

struct ConvTranspose2dOptions {
  Size2 stride = {1, 1};
  Size2 padding = {0, 0};
  Size2 output_padding = {0, 0};
  int64_t groups = 1;
  Size2 dilation = {1, 1};
};
/// x (N, C, H, W), weight (C, OC/groups, KH, KW), bias (OC) -> (N, OC, OH, OW).
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
                        ConvTranspose2dOptions options = {});

struct MaxPool2dOptions {
  Size2 kernel_size = {2, 2};
  std::optional<Size2> stride;  // default: kernel_size
  Size2 padding = {0, 0};
  Size2 dilation = {1, 1};
  bool ceil_mode = false;
};
Tensor max_pool2d(const Tensor& x, MaxPool2dOptions options = {});
/// Values and flat (h * W + w) int64 indices, as return_indices=True.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, MaxPool2dOptions options = {});

struct AvgPool2dOptions {
  Size2 kernel_size = {2, 2};
  std::optional<Size2> stride;
  Size2 padding = {0, 0};
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override;
};
Tensor avg_pool2d(const Tensor& x, AvgPool2dOptions options = {});
Tensor adaptive_avg_pool2d(const Tensor& x, Size2 output_size);

enum class InterpolateMode { nearest, bilinear };
struct InterpolateOptions {
  std::optional<Size2> size;
  std::optional<std::array<double, 2>> scale_factor;
  InterpolateMode mode = InterpolateMode::nearest;
  bool align_corners = false;  // bilinear only
};
/// x (N, C, H, W); exactly one of size and scale_factor.
Tensor interpolate(const Tensor& x, InterpolateOptions options);

}  // namespace ember
