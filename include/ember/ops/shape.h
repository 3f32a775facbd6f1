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
/// Joins tensors along dim. Their dtypes promote (PyTorch's promote_types); sizes must match
/// except along dim. As in PyTorch, 1-d empty tensors (shape [0]) are skipped whatever the
/// others' shape. ShapeError on mismatched sizes or a 0-d tensor, IndexError on a bad dim.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// Joins equal-shaped tensors along a new dim (dim in [-(x.dim()+1), x.dim()]).
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// Pieces of `split_size` along dim (the last may be smaller); views.
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
/// Pieces with the given sizes (they must sum to x.size(dim)); views.
std::vector<Tensor> split(const Tensor& x, const Shape& split_sizes, int64_t dim = 0);
/// Pieces of ceil(size / chunks) along dim, so possibly fewer than `chunks` (7 in 4 chunks
/// gives 2, 2, 2, 1; 6 in 4 gives 2, 2, 2); views. A dim of size 0 gives `chunks` empty
/// pieces (PyTorch's rule).
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);

// ---- indexing ------------------------------------------------------------------------------
// Index tensors are int64 or int32. Values out of range throw IndexError naming the op, the
// value and the valid range; nothing is ever read out of bounds. index_select, index_add,
// gather, scatter and scatter_add also accept negative values in [-size, 0), counted from
// the end (PyTorch rejects them); embedding and one_hot do not.

/// Slices of x along dim picked by a 1-d (or 0-d) index; repeated indices repeat slices.
/// Backward accumulates through index_add, so repeated indices sum their gradients.
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
/// A copy of x with source.select(dim, i) added to x.select(dim, index[i]) (as
/// torch.index_add); repeated indices accumulate. source has x's shape except
/// source.size(dim) == index.numel(), and x's dtype.
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);
/// out[i][j] = x[index[i][j]][j] (dim 0), as torch.gather: index has x's number of dims,
/// index.size(d) <= x.size(d) for d != dim, and out has index's shape.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
/// A copy of x with src[p] written at p with p[dim] replaced by index[p], for every position
/// p of index (torch.scatter). index.size(d) <= src.size(d) for every d and <= x.size(d) for
/// d != dim; src has x's dtype. With repeated targets the last position in row-major order
/// wins (PyTorch leaves it unspecified).
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, Scalar value);
/// A copy of x with src added at index along dim (torch.scatter_add); repeated targets sum.
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
/// x with `value` (converted to x's dtype) where mask (bool, broadcastable to x's shape) is
/// true; masked positions get no gradient.
Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value);
/// The lower (tril: col - row <= diagonal) or upper (triu: col - row >= diagonal) triangle
/// of the last two dims, zeros elsewhere; x has at least 2 dims (any leading batch dims).
Tensor tril(const Tensor& x, int64_t diagonal = 0);
Tensor triu(const Tensor& x, int64_t diagonal = 0);
/// Tiles x: repeats.size() >= x.dim(), leading repeats add dims (as torch.Tensor.repeat).
/// Always a new tensor.
Tensor repeat(const Tensor& x, const Shape& repeats);

enum class PadMode { constant, reflect };
struct PadOptions {
  PadMode mode = PadMode::constant;
  double value = 0;  // constant mode only
};
/// pads in PyTorch's order, last dim first: {left, right} for the last dim, then
/// {top, bottom} for the one before, ... (at most 2 * x.dim() entries). Constant pads may
/// be negative (crop) as long as no size goes below 0. Reflect pads the last 1 to 3 dims,
/// mirroring about the edge elements without repeating them (torch's "reflect"); its pads
/// must be >= 0 and smaller than the padded dim. ValueError otherwise.
Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadOptions options = {});
/// Rolls elements along dims by shifts (one per dim; either sign); when dims is empty, x is
/// rolled as if flattened by the single shift. Always a new tensor.
Tensor roll(const Tensor& x, const Shape& shifts, const Shape& dims = {});
/// Reverses x along each of dims (distinct).
Tensor flip(const Tensor& x, const Shape& dims);
/// int64 (or int32) classes -> int64 one-hot with a new last dim of num_classes (max + 1
/// when -1). IndexError for negative classes or classes >= num_classes; ValueError when
/// num_classes is -1 and x is empty.
Tensor one_hot(const Tensor& x, int64_t num_classes = -1);
/// Rows of weight (V, C) picked by int indices of any shape -> (..., C); indices must be in
/// [0, V). The row padding_idx (in [-V, V)) gets no gradient, as in torch.nn.Embedding.
Tensor embedding(const Tensor& indices, const Tensor& weight,
                 std::optional<int64_t> padding_idx = std::nullopt);

}  // namespace ember
