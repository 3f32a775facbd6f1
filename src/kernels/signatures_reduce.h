// Kernel signatures: reductions, scans and softmax.
#pragma once

#include "kernels/signatures_elementwise.h"

namespace ember::kernels {

/// A contiguous input seen as (outer, reduce, inner): the op reduces (or scans) the middle
/// axis. Front doors permute non-adjacent reduced dims together first.
struct ReduceGeometry {
  int64_t outer = 1;
  int64_t reduce = 1;
  int64_t inner = 1;
};

/// x contiguous (outer, reduce, inner) -> out contiguous (outer, inner) for reductions, or
/// (outer, reduce, inner) for scans and softmax. var: args.a = correction.
using ReduceKernel = void(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs& args);
/// grad and y (the forward's output) contiguous (outer, reduce, inner) -> dx (outer, reduce,
/// inner) overwritten. softmax: dx = y (grad - sum_r grad y); log_softmax: dx = grad -
/// exp(y) sum_r grad.
using SoftmaxBackwardKernel = void(const Tensor& grad, const Tensor& y, Tensor& dx,
                                   ReduceGeometry g);
/// x contiguous (outer, reduce, inner) -> values (outer, inner), indices int64 (outer, inner).
/// NaN wins (propagates); among equal values the first index wins.
using ReduceIndexKernel = void(const Tensor& x, Tensor& values, Tensor& indices,
                               ReduceGeometry g);
/// a (B, M, K), b (B, K, N), any strides -> out (B, M, N) contiguous, overwritten.
using BmmKernel = void(const Tensor& a, const Tensor& b, Tensor& out);

}  // namespace ember::kernels
