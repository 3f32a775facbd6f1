// Kernel signatures: shape, indexing and padding ops.
//
// Index tensors reach every kernel as int64 with values already checked and wrapped into
// [0, size) by the op's front door (src/ops/shape_ops.cpp), so a kernel never reads out of
// bounds and never validates.
#pragma once

#include <vector>

#include "kernels/signatures_elementwise.h"

namespace ember::kernels {

/// inputs (any strides, out's dtype, out's sizes except along dim) -> out contiguous, the
/// inputs laid end to end along dim. Pure data movement: every dtype.
using CatKernel = void(const std::vector<Tensor>& inputs, int64_t dim, Tensor& out);
/// out.select(dim, i) = x.select(dim, index[i]). x contiguous; index 1-d int64 contiguous;
/// out contiguous with out.size(dim) = index.numel(). Every dtype.
using IndexSelectKernel = void(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out);
/// out.select(dim, index[i]) += src.select(dim, i): accumulates into out (contiguous), so
/// repeated indices add up. src contiguous; index 1-d int64 contiguous. Numeric dtypes.
using IndexAddKernel = void(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
/// out[p] = x[p with p[dim] replaced by index[p]] for every position p of index; out has
/// index's shape (contiguous); x and index any strides. Every dtype.
using GatherKernel = void(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out);
/// For every position p of index: out[p with p[dim] replaced by index[p]] = src[p]
/// (scatter) or += src[p] (scatter_add). out contiguous, already holding self; src and
/// index any strides (src may be an expanded scalar). scatter: every dtype; scatter_add:
/// numeric dtypes. The writes to one element of out land in row-major order of index
/// (never split across threads), so repeated targets give deterministic results.
using ScatterKernel = void(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
/// out = x where the element is on the kept side of `diagonal` (tril: col - row <= diagonal;
/// triu: col - row >= diagonal), else 0, over the last two dims (batched). x contiguous,
/// out contiguous, dim >= 2. Every dtype.
using TriKernel = void(const Tensor& x, Tensor& out, int64_t diagonal);
/// out = x reversed along each of `dims` (normalised, distinct). x any strides, out
/// contiguous. Every dtype.
using FlipKernel = void(const Tensor& x, Tensor& out, const Shape& dims);

enum class PadMode { constant, reflect };
/// pads: PyTorch order (last dim first): {left, right, top, bottom, ...}, at most
/// 2 * x.dim() entries. Constant pads may be negative (cropping); reflect pads are in
/// [0, size) of their dim.
struct PadArgs {
  std::vector<int64_t> pads;
  PadMode mode = PadMode::constant;
  double value = 0;
};
/// pad: x (contiguous) -> out (contiguous, padded shape); every dtype.
/// pad_backward: x = gradient of the padded output (contiguous), out = gradient of the
/// input (contiguous), zeroed by the caller and accumulated into, because reflection folds
/// several output positions onto one input position; float32/float64.
using PadKernel = void(const Tensor& x, Tensor& out, const PadArgs& args);

}  // namespace ember::kernels
