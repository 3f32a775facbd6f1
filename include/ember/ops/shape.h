// Views, copies and shape/indexing ops. Views share storage with their input and record
// autograd so that gradients flow back through them; the rest return new tensors.
#pragma once

#include <optional>
#include <vector>

#include "ember/core/tensor.h"

namespace ember {

// ---- views (free-function forms of the Tensor methods) -------------------------------------
/// A view with a new shape (one entry may be -1); ShapeError when the strides do not allow
/// it without a copy (use reshape).
Tensor view(const Tensor& x, const Shape& shape);
/// view when possible, else a contiguous copy.
Tensor reshape(const Tensor& x, const Shape& shape);
Tensor permute(const Tensor& x, const Shape& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor expand(const Tensor& x, const Shape& shape);
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes);
Tensor diagonal(const Tensor& x, int64_t offset = 0, int64_t dim1 = 0, int64_t dim2 = 1);
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);
Tensor detach(const Tensor& x);
/// A converted copy (the same tensor when dtype already matches). Differentiable between
/// floating dtypes.
Tensor to(const Tensor& x, DType dtype);

// ---- joining and splitting -----------------------------------------------------------------
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// Pieces of `split_size` along dim (the last may be smaller); views.
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
/// Pieces with the given sizes (they must sum to x.size(dim)); views.
std::vector<Tensor> split(const Tensor& x, const Shape& split_sizes, int64_t dim = 0);
/// `chunks` pieces of ceil(size / chunks) along dim (fewer if it divides so); views.
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);

// ---- indexing ------------------------------------------------------------------------------
/// index: 1-d int64 (or int32) with values in [-size, size).
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
/// out[i][j] = x[index[i][j]][j] (dim 0), as torch.gather.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
/// A copy of x with src written at index along dim (torch.scatter).
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, Scalar value);
/// A copy of x with src added at index along dim (torch.scatter_add).
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
/// x with `value` where mask (bool, broadcastable to x) is true.
Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value);
Tensor tril(const Tensor& x, int64_t diagonal = 0);
Tensor triu(const Tensor& x, int64_t diagonal = 0);
/// Tiles x: repeats.size() >= x.dim() (as torch.Tensor.repeat).
Tensor repeat(const Tensor& x, const Shape& repeats);

enum class PadMode { constant, reflect };
struct PadOptions {
  PadMode mode = PadMode::constant;
  double value = 0;
};
/// pads in PyTorch's order, last dim first: {left, right} for the last dim, then
/// {top, bottom} for the one before, ... Constant pads may be negative (crop).
Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadOptions options = {});
/// Rolls elements along dims (flattened when dims is empty) by shifts.
Tensor roll(const Tensor& x, const Shape& shifts, const Shape& dims = {});
Tensor flip(const Tensor& x, const Shape& dims);
/// int64 classes -> int64 one-hot with a new last dim of num_classes (max + 1 when -1).
Tensor one_hot(const Tensor& x, int64_t num_classes = -1);
/// Rows of weight (V, C) picked by int indices of any shape -> (..., C). The row
/// padding_idx gets no gradient.
Tensor embedding(const Tensor& indices, const Tensor& weight,
                 std::optional<int64_t> padding_idx = std::nullopt);

}  // namespace ember
