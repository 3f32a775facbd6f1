// Kernel signatures: memory, elementwise unary, binary and ternary.
#pragma once

#include "ember/core/scalar.h"
#include "ember/core/tensor.h"

namespace ember::kernels {

/// Scalar parameters of a unary op; each op's front door documents what a and b mean
/// (leaky_relu: a = negative_slope; clamp: a = min, b = max; gelu: a = 1 for tanh form).
struct ScalarArgs {
  double a = 0;
  double b = 0;
};

/// dst[i] = convert(src[i]); same shape, any strides and dtypes on both sides.
using CopyKernel = void(const Tensor& src, Tensor& dst);
/// out[i] = value for every element of out (any strides).
using FillKernel = void(Tensor& out, Scalar value);
/// out = f(x): x and out have one shape and dtype; x any strides, out contiguous.
using UnaryKernel = void(const Tensor& x, Tensor& out, const ScalarArgs& args);
/// out = f(a, b): a and b already broadcast to out's shape (zero strides allowed) and
/// converted to one compute dtype; out contiguous (bool for comparisons and logical ops).
using BinaryKernel = void(const Tensor& a, const Tensor& b, Tensor& out);
/// As BinaryKernel with scalar parameters (backward kernels: a = grad, b = saved input).
using BinaryParamKernel = void(const Tensor& a, const Tensor& b, Tensor& out,
                               const ScalarArgs& args);
/// out = cond ? a : b; all broadcast to out's shape; cond bool; out contiguous.
using WhereKernel = void(const Tensor& cond, const Tensor& a, const Tensor& b, Tensor& out);

}  // namespace ember::kernels
