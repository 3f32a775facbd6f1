// Kernel signatures: shape, indexing and padding ops.
#pragma once

#include <vector>

#include "kernels/signatures_elementwise.h"

namespace ember::kernels {

/// inputs (any strides, same dtype, equal sizes except along dim) -> out contiguous.
using CatKernel = void(const std::vector<Tensor>& inputs, int64_t dim, Tensor& out);
/// out.select(dim, i) = x.select(dim, index[i]); index int64 1-d, in range; out contiguous.
using IndexSelectKernel = void(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out);
/// out.select(dim, index[i]) += src.select(dim, i); accumulates into out (contiguous).
using IndexAddKernel = void(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
/// out[..., i, ...] = x[..., index[..., i, ...], ...] along dim; out has index's shape.
using GatherKernel = void(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out);
/// out (already holding self) [..., index[...], ...] = src (scatter) or += src (scatter_add).
using ScatterKernel = void(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
/// Lower (tril) or upper (triu) triangle of the last two dims relative to `diagonal`.
using TriKernel = void(const Tensor& x, Tensor& out, int64_t diagonal);
/// Reverses x along each of `dims` (normalised, distinct).
using FlipKernel = void(const Tensor& x, Tensor& out, const Shape& dims);

enum class PadMode { constant, reflect };
/// pads: PyTorch order (last dim first): {left, right, top, bottom, ...}; may be negative
/// for constant mode (cropping).
struct PadArgs {
  std::vector<int64_t> pads;
  PadMode mode = PadMode::constant;
  double value = 0;
};
/// pad: x -> out (padded). pad_backward: x = grad of the padded output, out = grad of the
/// input, zeroed by the caller and accumulated into (reflect folds several positions).
using PadKernel = void(const Tensor& x, Tensor& out, const PadArgs& args);

}  // namespace ember::kernels
