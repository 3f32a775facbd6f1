// Kernel signatures: normalisation, convolution, pooling and resampling.
#pragma once

#include "kernels/signatures_elementwise.h"

namespace ember::kernels {

/// x (N, C) contiguous, weight/bias (C) or undefined -> out (N, C); mean, rstd (N) saved
/// for backward. Accumulation in float64 for float64 inputs, float32 otherwise.
using LayerNormKernel = void(const Tensor& x, const Tensor& weight, const Tensor& bias,
                             Tensor& out, Tensor& mean, Tensor& rstd, double eps);
/// dout, x (N, C); mean, rstd (N); weight (C) or undefined -> dx (N, C) overwritten;
/// dweight, dbias (C) overwritten when defined.
using LayerNormBackwardKernel = void(const Tensor& dout, const Tensor& x, const Tensor& mean,
                                     const Tensor& rstd, const Tensor& weight, Tensor& dx,
                                     Tensor& dweight, Tensor& dbias);

struct BatchNormArgs {
  bool training = true;  // statistics of the batch (written) or given ones (read)
  double eps = 1e-5;
};
/// x (N, C, S) contiguous, S the product of the spatial dims (1 for an (N, C) input);
/// weight, bias (C) or undefined -> out (N, C, S) overwritten; invstd (C) overwritten with
/// 1 / sqrt(var + eps).
///   training: mean, var (C) overwritten with the batch mean and biased batch variance;
///   eval:     mean, var (C) read (the running statistics).
/// All tensors in x's dtype. The reference accumulates in double; the fast kernel sums each
/// row of S values in x's dtype and adds the row sums in double (see Note [Batch norm
/// statistics] in src/kernels/cpu/norm.cpp).
using BatchNormKernel = void(const Tensor& x, const Tensor& weight, const Tensor& bias,
                             Tensor& out, Tensor& mean, Tensor& var, Tensor& invstd,
                             const BatchNormArgs& args);
/// dout, x (N, C, S) contiguous; mean, invstd (C) as the forward kernel left them; weight (C)
/// or undefined -> dx (N, C, S), dweight, dbias (C), each overwritten when defined.
///   training: dx = invstd * w * (dout - mean(dout) - xhat * mean(dout * xhat)), the means
///             over (N, S) (the batch statistics depend on x);
///   eval:     dx = dout * w * invstd.
///   dweight = sum(dout * xhat), dbias = sum(dout), the sums over (N, S).
using BatchNormBackwardKernel = void(const Tensor& dout, const Tensor& x, const Tensor& mean,
                                     const Tensor& invstd, const Tensor& weight, Tensor& dx,
                                     Tensor& dweight, Tensor& dbias, const BatchNormArgs& args);

struct Conv2dArgs {
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
};
/// conv2d:                 a = x (N, C, H, W), b = weight (OC, C/G, KH, KW) -> out (N, OC, OH, OW)
/// conv2d_backward_input:  a = dout (N, OC, OH, OW), b = weight -> out = dx (N, C, H, W)
/// conv2d_backward_weight: a = dout (N, OC, OH, OW), b = x -> out = dweight (OC, C/G, KH, KW)
/// All contiguous; out overwritten. Bias is added by the op, not the kernel.
using Conv2dKernel = void(const Tensor& a, const Tensor& b, Tensor& out, const Conv2dArgs& args);

struct Pool2dArgs {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  bool count_include_pad = true;
  int64_t divisor_override = 0;  // 0: none
};
/// Forward kernels:  a = x (N, C, H, W) -> out (N, C, OH, OW); max_pool2d also writes
///                   indices (N, C, OH, OW) int64 (flat h * W + w, as PyTorch); others leave
///                   `indices` untouched. adaptive_avg_pool2d uses only out's size.
/// Backward kernels: a = dout (N, C, OH, OW) -> out = dx (N, C, H, W), zeroed and accumulated;
///                   max_pool2d_backward reads `indices`.
using Pool2dKernel = void(const Tensor& a, Tensor& out, Tensor& indices, const Pool2dArgs& args);

enum class InterpolateMode { nearest, bilinear };
struct InterpolateArgs {
  InterpolateMode mode = InterpolateMode::nearest;
  bool align_corners = false;
  double scale_h = 0, scale_w = 0;  // 0: derive from sizes (PyTorch's scale_factor semantics)
};
/// interpolate: a = x (N, C, H, W) -> out (N, C, OH, OW).
/// interpolate_backward: a = dout (N, C, OH, OW) -> out = dx (N, C, H, W), zeroed + accumulated.
using InterpolateKernel = void(const Tensor& a, Tensor& out, const InterpolateArgs& args);

}  // namespace ember::kernels
