// Neural-network functional ops: dropout, normalisation, convolution, pooling, resampling.
// Shapes follow PyTorch: images are (N, C, H, W), sequences (N, C, L).
#pragma once

#include <array>
#include <optional>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"

namespace ember {

/// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when
/// training; returns x itself in eval or for p == 0. ValueError for p outside [0, 1].
/// The mask comes from `generator` (the default one when null): reproducible with a seed,
/// but not PyTorch's mask for that seed.
struct DropoutOptions {
  double p = 0.5;
  bool training = true;
  Generator* generator = nullptr;
};
Tensor dropout(const Tensor& x, DropoutOptions options = {});

/// Normalises over the last normalized_shape.size() dims (biased variance); weight and
/// bias have normalized_shape. ShapeError when x does not end in normalized_shape.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

/// x (N, C, ...). In training uses batch statistics and updates running_mean/var in place
/// (momentum, unbiased variance for the running estimate, as PyTorch); in eval uses them.
/// With undefined running stats it always uses batch statistics (track_running_stats=False).
/// ValueError when batch statistics would come from one value per channel.
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
/// the machine epsilon of the compute dtype (float32's for 16-bit inputs), as PyTorch.
Tensor rms_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                std::optional<double> eps = std::nullopt);

struct Conv1dOptions {
  int64_t stride = 1;
  int64_t padding = 0;
  int64_t dilation = 1;
  int64_t groups = 1;
};
/// x (N, C, L) or unbatched (C, L), weight (OC, C/groups, K), bias (OC) -> (N, OC, OL):
/// conv2d on (N, C, 1, L). Errors as conv2d, naming conv1d.
Tensor conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
              Conv1dOptions options = {});

using Size2 = std::array<int64_t, 2>;
struct Conv2dOptions {
  Size2 stride = {1, 1};
  Size2 padding = {0, 0};
  Size2 dilation = {1, 1};
  int64_t groups = 1;
};
/// x (N, C, H, W) or unbatched (C, H, W), weight (OC, C/groups, KH, KW), bias (OC) ->
/// (N, OC, OH, OW), OH = (H + 2 padding - dilation (KH - 1) - 1) / stride + 1. Input, weight
/// and bias share one floating dtype (DTypeError); ShapeError for a channel mismatch or an
/// output size below 1; ValueError for stride/dilation/groups < 1 or padding < 0.
/// Differentiable to any order in x and weight.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
              Conv2dOptions options = {});

struct ConvTranspose2dOptions {
  Size2 stride = {1, 1};
  Size2 padding = {0, 0};
  Size2 output_padding = {0, 0};
  int64_t groups = 1;
  Size2 dilation = {1, 1};
};
/// x (N, C, H, W) or (C, H, W), weight (C, OC/groups, KH, KW), bias (OC) -> (N, OC, OH, OW)
/// with OH = (H - 1) stride - 2 padding + dilation (KH - 1) + output_padding + 1: the
/// gradient of conv2d with respect to its input. output_padding must be smaller than
/// stride or dilation (ValueError).
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
                        ConvTranspose2dOptions options = {});

struct MaxPool2dOptions {
  Size2 kernel_size = {2, 2};
  std::optional<Size2> stride = std::nullopt;  // default: kernel_size
  Size2 padding = {0, 0};
  Size2 dilation = {1, 1};
  bool ceil_mode = false;
};
/// x (N, C, H, W) or (C, H, W), floating -> (N, C, OH, OW). Output sizes as PyTorch (with
/// ceil_mode the last window must start inside the input or its left padding); padding
/// must be at most kernel_size / 2 (ValueError). NaN wins a window. The gradient goes to
/// the first maximum of each window.
Tensor max_pool2d(const Tensor& x, MaxPool2dOptions options = {});
/// Values and flat (h * W + w) int64 indices, as return_indices=True; a window with no tap
/// inside the input (possible with dilation) gives -inf and index -1.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, MaxPool2dOptions options = {});

struct AvgPool2dOptions {
  Size2 kernel_size = {2, 2};
  std::optional<Size2> stride = std::nullopt;
  Size2 padding = {0, 0};
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override = std::nullopt;
};
/// x (N, C, H, W) or (C, H, W) -> (N, C, OH, OW), sizes as max_pool2d. The divisor is
/// divisor_override, else the window clipped to the padded input (count_include_pad) or to
/// the input, as PyTorch.
Tensor avg_pool2d(const Tensor& x, AvgPool2dOptions options = {});
/// x (N, C, H, W) or (C, H, W) -> (N, C, OH, OW): output (i, j) averages rows
/// [floor(i H / OH), ceil((i + 1) H / OH)) and the same for columns.
Tensor adaptive_avg_pool2d(const Tensor& x, Size2 output_size);

enum class InterpolateMode { nearest, bilinear };
struct InterpolateOptions {
  std::optional<Size2> size = std::nullopt;
  std::optional<std::array<double, 2>> scale_factor = std::nullopt;
  InterpolateMode mode = InterpolateMode::nearest;
  bool align_corners = false;  // bilinear only
};
/// x (N, C, H, W) -> (N, C, OH, OW); exactly one of size and scale_factor (ValueError
/// otherwise). With scale_factor, OH = floor(H * scale) and coordinates map with
/// 1 / scale, as PyTorch 1.13's default (recompute_scale_factor unset). nearest is
/// PyTorch's legacy 'nearest' (src = floor(dst * scale)); align_corners is for bilinear only.
Tensor interpolate(const Tensor& x, InterpolateOptions options);

}  // namespace ember
