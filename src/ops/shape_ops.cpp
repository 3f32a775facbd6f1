// Front doors of the shape and indexing ops that make new tensors: joining and splitting,
// index_select / index_add / gather / scatter, masking, triangles, tiling, padding,
// rolling, flipping, one_hot and embedding. (The views are in views.cpp.)
//
// Every index tensor is read on the host and checked here before a kernel sees it (see
// checked_index), so kernels never read out of bounds. Backward rules are written with
// ember ops so that double backward works; the index ops' backwards use each other
// (index_select <-> index_add, gather <-> scatter_add), and reflect padding's backward has
// its own kernel (pad_backward), wrapped so that it is differentiable too.
#include <algorithm>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

using autograd::Grads;

namespace {

void check_defined(const Tensor& x, const char* op, const char* what) {
  EMBER_CHECK(x.defined(), op, ": expected a defined ", what);
}

void check_same_device(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK_DEVICE(a.device() == b.device(), op, ": expected tensors on one device, got ",
                     a.device(), " and ", b.device());
}

// Reads an index tensor (int64 or int32, any shape and strides), checks every value against
// a dim of `size` and returns it as a contiguous int64 tensor of the same shape with
// negative values wrapped (when allowed). The kernels rely on this: see
// kernels/signatures_shape.h. A contiguous int64 index in [0, size) is returned as is.
Tensor checked_index(const Tensor& index, int64_t size, const char* op, int64_t dim,
                     bool allow_negative) {
  check_defined(index, op, "index tensor");
  EMBER_CHECK_DTYPE(index.dtype() == DType::int64 || index.dtype() == DType::int32, op,
                    ": expected an int64 or int32 index tensor, got ", index.dtype());
  EMBER_CHECK_DEVICE(index.device().is_cpu(), op, ": expected a CPU index tensor, got ",
                     index.device());
  Tensor out = index.to(DType::int64).contiguous();
  const int64_t* v = out.data<int64_t>();
  const int64_t n = out.numel(), low = allow_negative ? -size : 0;
  bool has_negative = false;
  for (int64_t i = 0; i < n; ++i) {
    EMBER_CHECK_INDEX(v[i] >= low && v[i] < size, op, ": index ", v[i], " is out of range for dim ",
                      dim, " of size ", size, " (expected values in [", low, ", ", size, "))");
    has_negative = has_negative || v[i] < 0;
  }
  if (!has_negative) return out;
  if (out.is_same(index)) out = out.clone();  // never write into the caller's tensor
  int64_t* w = out.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) w[i] += w[i] < 0 ? size : 0;
  return out;
}

// True for the 1-d empty tensors that cat skips (PyTorch's legacy rule).
bool skipped_by_cat(const Tensor& t) { return t.dim() == 1 && t.size(0) == 0; }

// Zero-pads g at the end of each dim up to `shape` (g fits inside it): the gradient of an
// operand that was only partly read, e.g. scatter's src when index is smaller than it.
Tensor pad_to(const Tensor& g, const Shape& shape) {
  if (g.sizes() == shape) return g;
  std::vector<int64_t> pads;
  for (int64_t d = g.dim() - 1; d >= 0; --d) {
    pads.push_back(0);
    pads.push_back(shape[d] - g.size(d));
  }
  return pad(g, pads);
}

// The checks shared by scatter and scatter_add (torch's scatter shape rules).
int64_t check_scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                      const char* op) {
  check_defined(x, op, "tensor");
  check_defined(index, op, "index tensor");
  check_defined(src, op, "src tensor");
  check_same_device(x, index, op);
  check_same_device(x, src, op);
  EMBER_CHECK_SHAPE(x.dim() > 0, op, ": expected a tensor with at least 1 dim, got a 0-d tensor");
  EMBER_CHECK_SHAPE(index.dim() == x.dim() && src.dim() == x.dim(), op,
                    ": expected x, index and src with the same number of dims, got shapes ",
                    shape_str(x.sizes()), ", ", shape_str(index.sizes()), " and ",
                    shape_str(src.sizes()));
  EMBER_CHECK_DTYPE(src.dtype() == x.dtype(), op, ": expected src with x's dtype ", x.dtype(),
                    ", got ", src.dtype());
  int64_t d = normalize_dim(dim, x.dim(), op);
  for (int64_t k = 0; k < x.dim(); ++k) {
    EMBER_CHECK_SHAPE(index.size(k) <= src.size(k), op, ": expected index.size(", k,
                      ") <= src.size(", k, "), got index shape ", shape_str(index.sizes()),
                      " and src shape ", shape_str(src.sizes()));
    EMBER_CHECK_SHAPE(k == d || index.size(k) <= x.size(k), op, ": expected index.size(", k,
                      ") <= x.size(", k, ") for every dim but ", d, ", got index shape ",
                      shape_str(index.sizes()), " and x shape ", shape_str(x.sizes()));
  }
  return d;
}

// Runs scatter or scatter_add on a copy of x (src already of x's dtype, any strides).
Tensor scatter_forward(const kernels::KernelTable<kernels::ScatterKernel>& table, const Tensor& x,
                       int64_t d, const Tensor& idx, const Tensor& src) {
  autograd::NoGradGuard no_grad;
  DType compute = compute_dtype(x.dtype());
  Tensor out = x.to(compute).clone();
  table.get(x.device())(out, d, idx, src.to(compute));
  return out.to(x.dtype());
}

// The gradient of reflect padding: each padded position's gradient goes back to the input
// position it mirrors. Differentiable (its own backward is the reflect pad again).
Tensor reflect_pad_backward(const Tensor& g, const std::vector<int64_t>& pads,
                            const Shape& in_shape) {
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    DType compute = compute_dtype(g.dtype());
    Tensor gin = g.to(compute).contiguous();
    out = zeros(in_shape, {.dtype = compute, .device = g.device()});
    kernels::pad_backward.get(g.device())(gin, out,
                                          {.pads = pads, .mode = kernels::PadMode::reflect});
    out = out.to(g.dtype());
  }
  if (autograd::needs_grad(g)) {
    autograd::record("pad_backward", {g}, out, [pads](const Tensor& gg) {
      return Grads{pad(gg, pads, {.mode = PadMode::reflect})};
    });
  }
  return out;
}

}  // namespace

// ---- joining and splitting -----------------------------------------------------------------

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), "cat: expected a non-empty list of tensors");
  const Tensor* first = nullptr;  // the first tensor that is not skipped: it sets the shape
  DType dtype = DType::boolean;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    EMBER_CHECK(t.defined(), "cat: tensor ", i, " is undefined");
    check_same_device(tensors[0], t, "cat");
    EMBER_CHECK_SHAPE(t.dim() > 0, "cat: zero-dimensional tensor (at position ", i,
                      ") cannot be concatenated");
    dtype = i == 0 ? t.dtype() : promote_types(dtype, t.dtype());
    if (first == nullptr && !skipped_by_cat(t)) first = &t;
  }
  const Device device = tensors[0].device();
  if (first == nullptr) return empty({0}, {.dtype = dtype, .device = device});

  const int64_t nd = first->dim();
  const int64_t d = normalize_dim(dim, nd, "cat");
  Shape shape = first->sizes();
  shape[d] = 0;
  std::vector<Tensor> parts;
  {
    autograd::NoGradGuard no_grad;
    for (size_t i = 0; i < tensors.size(); ++i) {
      const Tensor& t = tensors[i];
      if (skipped_by_cat(t)) continue;
      bool match = t.dim() == nd;
      for (int64_t k = 0; match && k < nd; ++k) match = k == d || t.size(k) == first->size(k);
      EMBER_CHECK_SHAPE(match, "cat: expected sizes to match except in dim ", d, ", got ",
                        shape_str(first->sizes()), " and ", shape_str(t.sizes()), " (tensor ", i,
                        ")");
      shape[d] += t.size(d);
      parts.push_back(t.to(dtype));
    }
  }
  Tensor out = empty(shape, {.dtype = dtype, .device = device});
  kernels::cat.get(device)(parts, d, out);

  if (is_floating(dtype) && autograd::any_needs_grad(tensors)) {
    // Each input's slice of the output along dim (length -1: skipped, no slice).
    std::vector<int64_t> starts(tensors.size()), lengths(tensors.size(), -1);
    std::vector<bool> needs(tensors.size());
    std::vector<DType> dtypes(tensors.size());
    int64_t start = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
      needs[i] = autograd::needs_grad(tensors[i]);
      dtypes[i] = tensors[i].dtype();
      if (skipped_by_cat(tensors[i])) continue;
      starts[i] = start;
      lengths[i] = tensors[i].size(d);
      start += lengths[i];
    }
    autograd::record("cat", tensors, out, [d, starts, lengths, needs, dtypes](const Tensor& g) {
      Grads r(starts.size());
      for (size_t i = 0; i < starts.size(); ++i) {
        if (!needs[i]) continue;
        r[i] = lengths[i] < 0 ? zeros({0}, {.dtype = dtypes[i], .device = g.device()})
                              : g.narrow(d, starts[i], lengths[i]).to(dtypes[i]);
      }
      return r;
    });
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), "stack: expected a non-empty list of tensors");
  for (size_t i = 0; i < tensors.size(); ++i) {
    EMBER_CHECK(tensors[i].defined(), "stack: tensor ", i, " is undefined");
    EMBER_CHECK_SHAPE(tensors[i].sizes() == tensors[0].sizes(),
                      "stack: expected tensors of equal shape, got ", shape_str(tensors[0].sizes()),
                      " at entry 0 and ", shape_str(tensors[i].sizes()), " at entry ", i);
  }
  const int64_t d = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (const Tensor& t : tensors) parts.push_back(t.unsqueeze(d));
  return cat(parts, d);
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  check_defined(x, "split", "tensor");
  EMBER_CHECK_SHAPE(x.dim() > 0, "split: expected a tensor with at least 1 dim, got a 0-d tensor");
  const int64_t d = normalize_dim(dim, x.dim(), "split");
  const int64_t size = x.size(d);
  EMBER_CHECK(split_size > 0 || (split_size == 0 && size == 0),
              "split: expected split_size > 0, got ", split_size, " for dim ", d, " of size ",
              size);
  const int64_t pieces =
      split_size == 0 ? 1 : std::max<int64_t>((size + split_size - 1) / split_size, 1);
  std::vector<Tensor> out;
  out.reserve(static_cast<size_t>(pieces));
  for (int64_t i = 0; i < pieces; ++i) {
    int64_t start = i * split_size;
    out.push_back(x.narrow(d, start, std::min(split_size, size - start)));
  }
  return out;
}

std::vector<Tensor> split(const Tensor& x, const Shape& split_sizes, int64_t dim) {
  check_defined(x, "split", "tensor");
  EMBER_CHECK_SHAPE(x.dim() > 0, "split: expected a tensor with at least 1 dim, got a 0-d tensor");
  const int64_t d = normalize_dim(dim, x.dim(), "split");
  int64_t total = 0;
  for (int64_t s : split_sizes) {
    EMBER_CHECK(s >= 0, "split: expected non-negative split sizes, got ", shape_str(split_sizes));
    total += s;
  }
  EMBER_CHECK_SHAPE(total == x.size(d), "split: expected split sizes that sum to ", x.size(d),
                    " (dim ", d, " of shape ", shape_str(x.sizes()), "), got ",
                    shape_str(split_sizes), " (sum ", total, ")");
  std::vector<Tensor> out;
  out.reserve(split_sizes.size());
  int64_t start = 0;
  for (int64_t s : split_sizes) {
    out.push_back(x.narrow(d, start, s));
    start += s;
  }
  return out;
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  check_defined(x, "chunk", "tensor");
  EMBER_CHECK(chunks > 0, "chunk: expected chunks > 0, got ", chunks);
  EMBER_CHECK_SHAPE(x.dim() > 0, "chunk: expected a tensor with at least 1 dim, got a 0-d tensor");
  const int64_t d = normalize_dim(dim, x.dim(), "chunk");
  const int64_t size = x.size(d);
  if (size == 0) return split(x, Shape(static_cast<size_t>(chunks), 0), d);
  return split(x, (size + chunks - 1) / chunks, d);
}

// ---- indexing ------------------------------------------------------------------------------

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  check_defined(x, "index_select", "tensor");
  check_defined(index, "index_select", "index tensor");
  check_same_device(x, index, "index_select");
  EMBER_CHECK_SHAPE(x.dim() > 0,
                    "index_select: expected a tensor with at least 1 dim, got a 0-d tensor");
  EMBER_CHECK_SHAPE(index.dim() <= 1, "index_select: expected a 1-d index, got shape ",
                    shape_str(index.sizes()));
  const int64_t d = normalize_dim(dim, x.dim(), "index_select");
  Tensor idx = checked_index(index, x.size(d), "index_select", d, true).reshape({-1});
  Shape shape = x.sizes();
  shape[d] = idx.numel();
  Tensor out = empty(shape, {.dtype = x.dtype(), .device = x.device()});
  {
    autograd::NoGradGuard no_grad;
    kernels::index_select.get(x.device())(x.contiguous(), d, idx, out);
  }
  if (autograd::needs_grad(x)) {
    autograd::record("index_select", {x}, out,
                     [d, idx, x_shape = x.sizes()](const Tensor& g) {
                       Tensor gx = zeros(x_shape, {.dtype = g.dtype(), .device = g.device()});
                       return Grads{index_add(gx, d, idx, g)};
                     },
                     {idx});
  }
  return out;
}

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
  check_defined(x, "index_add", "tensor");
  check_defined(index, "index_add", "index tensor");
  check_defined(source, "index_add", "source tensor");
  check_same_device(x, index, "index_add");
  check_same_device(x, source, "index_add");
  EMBER_CHECK_SHAPE(x.dim() > 0,
                    "index_add: expected a tensor with at least 1 dim, got a 0-d tensor");
  EMBER_CHECK_SHAPE(index.dim() <= 1, "index_add: expected a 1-d index, got shape ",
                    shape_str(index.sizes()));
  EMBER_CHECK_DTYPE(source.dtype() == x.dtype(), "index_add: expected source with x's dtype ",
                    x.dtype(), ", got ", source.dtype());
  EMBER_CHECK_DTYPE(x.dtype() != DType::boolean, "index_add: expected a numeric tensor, got bool");
  const int64_t d = normalize_dim(dim, x.dim(), "index_add");
  Tensor idx = checked_index(index, x.size(d), "index_add", d, true).reshape({-1});
  Shape expected = x.sizes();
  expected[d] = idx.numel();
  EMBER_CHECK_SHAPE(source.sizes() == expected, "index_add: expected source of shape ",
                    shape_str(expected), " (x's shape with dim ", d, " = index.numel()), got ",
                    shape_str(source.sizes()));
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    DType compute = compute_dtype(x.dtype());
    out = x.to(compute).clone();
    kernels::index_add.get(x.device())(out, d, idx, source.to(compute).contiguous());
    out = out.to(x.dtype());
  }
  if (is_floating(x.dtype()) && autograd::any_needs_grad({x, source})) {
    bool needs_x = autograd::needs_grad(x), needs_src = autograd::needs_grad(source);
    autograd::record(
        "index_add", {x, source}, out,
        [d, idx, needs_x, needs_src](const Tensor& g) {
          return Grads{needs_x ? g : Tensor(), needs_src ? index_select(g, d, idx) : Tensor()};
        },
        {idx});
  }
  return out;
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  check_defined(x, "gather", "tensor");
  check_defined(index, "gather", "index tensor");
  check_same_device(x, index, "gather");
  EMBER_CHECK_SHAPE(x.dim() > 0, "gather: expected a tensor with at least 1 dim, got a 0-d tensor");
  EMBER_CHECK_SHAPE(index.dim() == x.dim(), "gather: expected an index with x's ", x.dim(),
                    " dims, got index shape ", shape_str(index.sizes()));
  const int64_t d = normalize_dim(dim, x.dim(), "gather");
  for (int64_t k = 0; k < x.dim(); ++k) {
    EMBER_CHECK_SHAPE(k == d || index.size(k) <= x.size(k), "gather: expected index.size(", k,
                      ") <= x.size(", k, ") for every dim but ", d, ", got index shape ",
                      shape_str(index.sizes()), " and x shape ", shape_str(x.sizes()));
  }
  Tensor idx = checked_index(index, x.size(d), "gather", d, true);
  Tensor out = empty(idx.sizes(), {.dtype = x.dtype(), .device = x.device()});
  kernels::gather.get(x.device())(x, d, idx, out);
  if (autograd::needs_grad(x)) {
    autograd::record("gather", {x}, out,
                     [d, idx, x_shape = x.sizes()](const Tensor& g) {
                       Tensor gx = zeros(x_shape, {.dtype = g.dtype(), .device = g.device()});
                       return Grads{scatter_add(gx, d, idx, g)};
                     },
                     {idx});
  }
  return out;
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t d = check_scatter(x, dim, index, src, "scatter");
  Tensor idx = checked_index(index, x.size(d), "scatter", d, true);
  Tensor out = scatter_forward(kernels::scatter, x, d, idx, src);
  if (is_floating(x.dtype()) && autograd::any_needs_grad({x, src})) {
    bool needs_x = autograd::needs_grad(x), needs_src = autograd::needs_grad(src);
    autograd::record("scatter", {x, src}, out,
                     [d, idx, needs_x, needs_src, src_shape = src.sizes()](const Tensor& g) {
                       // Overwritten positions of x get no gradient; src gets what it wrote.
                       return Grads{needs_x ? scatter(g, d, idx, 0.0) : Tensor(),
                                    needs_src ? pad_to(gather(g, d, idx), src_shape) : Tensor()};
                     },
                     {idx});
  }
  return out;
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, Scalar value) {
  check_defined(x, "scatter", "tensor");
  check_defined(index, "scatter", "index tensor");
  // The value as a src of index's shape (stride 0: no copies).
  Tensor src =
      scalar_tensor(value, {.dtype = x.dtype(), .device = x.device()}).expand(index.sizes());
  const int64_t d = check_scatter(x, dim, index, src, "scatter");
  Tensor idx = checked_index(index, x.size(d), "scatter", d, true);
  Tensor out = scatter_forward(kernels::scatter, x, d, idx, src);
  if (autograd::needs_grad(x)) {
    autograd::record("scatter", {x}, out,
                     [d, idx](const Tensor& g) { return Grads{scatter(g, d, idx, 0.0)}; }, {idx});
  }
  return out;
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t d = check_scatter(x, dim, index, src, "scatter_add");
  EMBER_CHECK_DTYPE(x.dtype() != DType::boolean,
                    "scatter_add: expected a numeric tensor, got bool");
  Tensor idx = checked_index(index, x.size(d), "scatter_add", d, true);
  Tensor out = scatter_forward(kernels::scatter_add, x, d, idx, src);
  if (is_floating(x.dtype()) && autograd::any_needs_grad({x, src})) {
    bool needs_x = autograd::needs_grad(x), needs_src = autograd::needs_grad(src);
    autograd::record("scatter_add", {x, src}, out,
                     [d, idx, needs_x, needs_src, src_shape = src.sizes()](const Tensor& g) {
                       return Grads{needs_x ? g : Tensor(),
                                    needs_src ? pad_to(gather(g, d, idx), src_shape) : Tensor()};
                     },
                     {idx});
  }
  return out;
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value) {
  check_defined(x, "masked_fill", "tensor");
  check_defined(mask, "masked_fill", "mask");
  check_same_device(x, mask, "masked_fill");
  EMBER_CHECK_DTYPE(mask.dtype() == DType::boolean, "masked_fill: expected a bool mask, got ",
                    mask.dtype());
  EMBER_CHECK_SHAPE(broadcast_shapes(x.sizes(), mask.sizes(), "masked_fill") == x.sizes(),
                    "masked_fill: expected a mask broadcastable to x's shape ",
                    shape_str(x.sizes()), ", got mask shape ", shape_str(mask.sizes()));
  return where(mask, scalar_tensor(value, {.dtype = x.dtype(), .device = x.device()}), x);
}

// ---- triangles, tiling, padding, rolling, flipping ------------------------------------------

namespace {

Tensor tri(const kernels::KernelTable<kernels::TriKernel>& table, const char* op, const Tensor& x,
           int64_t diagonal, Tensor (*self)(const Tensor&, int64_t)) {
  check_defined(x, op, "tensor");
  EMBER_CHECK_SHAPE(x.dim() >= 2, op, ": expected a tensor with at least 2 dims, got shape ",
                    shape_str(x.sizes()));
  Tensor out = empty(x.sizes(), {.dtype = x.dtype(), .device = x.device()});
  {
    autograd::NoGradGuard no_grad;
    table.get(x.device())(x.contiguous(), out, diagonal);
  }
  if (autograd::needs_grad(x)) {
    autograd::record(op, {x}, out,
                     [diagonal, self](const Tensor& g) { return Grads{self(g, diagonal)}; });
  }
  return out;
}

}  // namespace

Tensor tril(const Tensor& x, int64_t diagonal) {
  return tri(kernels::tril, "tril", x, diagonal, &tril);
}
Tensor triu(const Tensor& x, int64_t diagonal) {
  return tri(kernels::triu, "triu", x, diagonal, &triu);
}

Tensor repeat(const Tensor& x, const Shape& repeats) {
  check_defined(x, "repeat", "tensor");
  const int64_t nd = static_cast<int64_t>(repeats.size());
  EMBER_CHECK_SHAPE(nd >= x.dim(), "repeat: expected at least x.dim() = ", x.dim(),
                    " repeats, got ", shape_str(repeats));
  // x as (1, s0, 1, s1, ...) expanded to (r0, s0, r1, s1, ...): merging each pair tiles.
  Shape pairs, expanded, tiled;
  for (int64_t i = 0; i < nd; ++i) {
    EMBER_CHECK(repeats[i] >= 0, "repeat: expected non-negative repeats, got ", shape_str(repeats));
    int64_t s = i < nd - x.dim() ? 1 : x.size(i - (nd - x.dim()));
    pairs.insert(pairs.end(), {1, s});
    expanded.insert(expanded.end(), {repeats[i], s});
    tiled.push_back(repeats[i] * s);
  }
  Tensor out = x.reshape(pairs).expand(expanded).reshape(tiled);
  // All repeats 1: the reshapes were views; repeat still returns new memory, as PyTorch.
  return out.storage() == x.storage() ? out.clone() : out;
}

Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadOptions options) {
  check_defined(x, "pad", "tensor");
  const int64_t n = static_cast<int64_t>(pads.size());
  const bool reflect = options.mode == PadMode::reflect;
  EMBER_CHECK(n % 2 == 0, "pad: expected an even number of pad sizes, got ", n);
  EMBER_CHECK(n / 2 <= x.dim(), "pad: expected at most 2 * x.dim() = ", 2 * x.dim(),
              " pad sizes, got ", n, " for x of shape ", shape_str(x.sizes()));
  EMBER_CHECK(!reflect || (n >= 2 && n <= 6), "pad: reflect mode pads the last 1 to 3 dims, got ",
              n, " pad sizes");
  Shape shape = x.sizes();
  for (int64_t i = 0; i < n / 2; ++i) {
    const int64_t d = x.dim() - 1 - i, left = pads[2 * i], right = pads[2 * i + 1];
    if (reflect) {
      EMBER_CHECK(left >= 0 && right >= 0 && left < x.size(d) && right < x.size(d),
                  "pad: reflect mode expected pads in [0, ", x.size(d), ") (the size of dim ", d,
                  "), got padding (", left, ", ", right, ") for x of shape ", shape_str(x.sizes()));
    }
    shape[d] = x.size(d) + left + right;
    EMBER_CHECK(shape[d] >= 0, "pad: dim ", d, " of size ", x.size(d), " with padding (", left,
                ", ", right, ") gives a negative size ", shape[d]);
  }
  kernels::PadArgs args{.pads = pads,
                        .mode = reflect ? kernels::PadMode::reflect : kernels::PadMode::constant,
                        .value = options.value};
  Tensor out = empty(shape, {.dtype = x.dtype(), .device = x.device()});
  {
    autograd::NoGradGuard no_grad;
    kernels::pad.get(x.device())(x.contiguous(), out, args);
  }
  if (autograd::needs_grad(x)) {
    autograd::record("pad", {x}, out, [pads, reflect, x_shape = x.sizes()](const Tensor& g) {
      if (reflect) return Grads{reflect_pad_backward(g, pads, x_shape)};
      // Constant padding's gradient crops what it added (and zero-pads what it cropped).
      std::vector<int64_t> crop(pads.size());
      std::transform(pads.begin(), pads.end(), crop.begin(), [](int64_t p) { return -p; });
      return Grads{pad(g, crop)};
    });
  }
  return out;
}

Tensor roll(const Tensor& x, const Shape& shifts, const Shape& dims) {
  check_defined(x, "roll", "tensor");
  if (dims.empty()) {
    EMBER_CHECK(shifts.size() == 1, "roll: expected one shift when dims is empty, got ",
                shape_str(shifts));
    return roll(x.flatten(), shifts, {0}).view(x.sizes());
  }
  EMBER_CHECK(shifts.size() == dims.size(), "roll: expected as many shifts as dims, got shifts ",
              shape_str(shifts), " and dims ", shape_str(dims));
  Tensor out = x;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = normalize_dim(dims[i], x.dim(), "roll");
    if (x.dim() == 0) continue;  // a 0-d tensor accepts dim 0 and has nothing to roll
    const int64_t size = x.size(d);
    if (size == 0) continue;
    const int64_t s = ((shifts[i] % size) + size) % size;
    if (s == 0) continue;
    out = cat({out.narrow(d, size - s, s), out.narrow(d, 0, size - s)}, d);
  }
  return out.is_same(x) ? x.clone() : out;
}

Tensor flip(const Tensor& x, const Shape& dims) {
  check_defined(x, "flip", "tensor");
  Shape norm;
  for (int64_t dim : dims) {
    int64_t d = normalize_dim(dim, x.dim(), "flip");
    EMBER_CHECK(std::find(norm.begin(), norm.end(), d) == norm.end(), "flip: dim ", d,
                " appears more than once in dims ", shape_str(dims));
    if (x.dim() > 0) norm.push_back(d);  // a 0-d tensor accepts dim 0 and has nothing to flip
  }
  Tensor out = empty(x.sizes(), {.dtype = x.dtype(), .device = x.device()});
  kernels::flip.get(x.device())(x, out, norm);
  if (autograd::needs_grad(x)) {
    autograd::record("flip", {x}, out, [norm](const Tensor& g) { return Grads{flip(g, norm)}; });
  }
  return out;
}

// ---- one_hot and embedding -----------------------------------------------------------------

Tensor one_hot(const Tensor& x, int64_t num_classes) {
  check_defined(x, "one_hot", "tensor");
  EMBER_CHECK_DTYPE(x.dtype() == DType::int64 || x.dtype() == DType::int32,
                    "one_hot: expected an int64 (or int32) class tensor, got ", x.dtype());
  EMBER_CHECK(num_classes >= -1, "one_hot: expected num_classes >= 0 (or -1 to infer), got ",
              num_classes);
  std::vector<int64_t> values = x.to_vector<int64_t>();
  if (num_classes == -1) {
    EMBER_CHECK(!values.empty(),
                "one_hot: cannot infer num_classes from an empty tensor; pass num_classes");
    num_classes = *std::max_element(values.begin(), values.end()) + 1;
  }
  for (int64_t v : values) {
    EMBER_CHECK_INDEX(v >= 0 && v < num_classes, "one_hot: class value ", v,
                      " is out of range (expected values in [0, ", num_classes, "))");
  }
  Tensor classes = arange(num_classes, {.dtype = DType::int64, .device = x.device()});
  return (x.to(DType::int64).unsqueeze(-1) == classes).to(DType::int64);
}

Tensor embedding(const Tensor& indices, const Tensor& weight, std::optional<int64_t> padding_idx) {
  check_defined(indices, "embedding", "index tensor");
  check_defined(weight, "embedding", "weight");
  check_same_device(indices, weight, "embedding");
  EMBER_CHECK_SHAPE(weight.dim() == 2,
                    "embedding: expected a 2-d weight (num_embeddings, embedding_dim), got shape ",
                    shape_str(weight.sizes()));
  const int64_t V = weight.size(0), C = weight.size(1);
  if (padding_idx) {
    EMBER_CHECK_INDEX(*padding_idx >= -V && *padding_idx < V, "embedding: padding_idx ",
                      *padding_idx, " is out of range (expected values in [", -V, ", ", V, "))");
    if (*padding_idx < 0) *padding_idx += V;
  }
  Tensor idx = checked_index(indices, V, "embedding", 0, false).reshape({-1});
  Shape shape = indices.sizes();
  shape.push_back(C);
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    Tensor rows = empty({idx.numel(), C}, {.dtype = weight.dtype(), .device = weight.device()});
    kernels::index_select.get(weight.device())(weight.contiguous(), 0, idx, rows);
    out = rows.view(shape);
  }
  if (autograd::needs_grad(weight)) {
    autograd::record(
        "embedding", {weight}, out,
        [idx, padding_idx, V, C](const Tensor& g) {
          Tensor rows = g.reshape({-1, C});
          // The padding row is a fixed vector (often zeros): it must not learn.
          if (padding_idx) rows = where((idx == *padding_idx).unsqueeze(-1), 0.0, rows);
          return Grads{
              index_add(zeros({V, C}, {.dtype = g.dtype(), .device = g.device()}), 0, idx, rows)};
        },
        {idx});
  }
  return out;
}

}  // namespace ember
