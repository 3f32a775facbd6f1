// View ops (no data copied) and the copying conversions contiguous, clone, to, detach.
//
// Note [View backward]
// The gradient of a view that picks elements (narrow, select, slice, diagonal) is a zero
// tensor of the input's shape with the incoming gradient written into the same view of it.
// record_view() replays the view function on that zero tensor, so each view states its
// geometry exactly once. Views that only reshape use reshape in backward; expand sums.
#include <numeric>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

namespace {

using ViewFn = std::function<Tensor(const Tensor&)>;

// Zeros of `shape` with g written into the view `make` picks: the backward of a picking
// view. Itself differentiable (its backward is the same view of the incoming gradient), so
// gradients of gradients flow through views too.
Tensor view_scatter(const Tensor& g, const Shape& shape, const ViewFn& make) {
  Tensor gx = zeros(shape, {.dtype = g.dtype(), .device = g.device()});
  Tensor dst = make(gx);
  kernels::copy.get(g.device())(g.contiguous(), dst);
  if (autograd::needs_grad(g)) {
    autograd::record("view_backward", {g}, gx, [make](const Tensor& gg) {
      return autograd::Grads{make(gg).contiguous()};
    });
  }
  return gx;
}

// Makes the view and records its backward. See Note [View backward].
Tensor record_view(const char* name, const Tensor& x, const ViewFn& make) {
  Tensor out = make(x);
  if (autograd::needs_grad(x)) {
    autograd::record(name, {x}, out, [make, shape = x.sizes()](const Tensor& g) {
      return autograd::Grads{view_scatter(g, shape, make)};
    });
  }
  return out;
}

// A view whose backward is a reshape back to the input's shape.
Tensor record_reshape_view(const char* name, const Tensor& x, Tensor out) {
  if (autograd::needs_grad(x)) {
    autograd::record(name, {x}, out, [shape = x.sizes()](const Tensor& g) {
      return autograd::Grads{g.reshape(shape)};
    });
  }
  return out;
}

// Fills a single -1 in `shape` from numel; checks the element count.
Shape infer_shape(const Shape& shape, int64_t numel, const char* op) {
  Shape out = shape;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      EMBER_CHECK_SHAPE(infer_at < 0, op, ": only one dimension can be -1, got ", shape_str(shape));
      infer_at = static_cast<int64_t>(i);
    } else {
      EMBER_CHECK_SHAPE(out[i] >= 0, op, ": invalid size ", out[i], " in ", shape_str(shape));
      known *= out[i];
    }
  }
  if (infer_at >= 0) {
    EMBER_CHECK_SHAPE(known != 0 && numel % known == 0, op, ": shape ", shape_str(shape),
                      " is invalid for input of size ", numel);
    out[infer_at] = numel / known;
  } else {
    EMBER_CHECK_SHAPE(known == numel, op, ": shape ", shape_str(shape),
                      " is invalid for input of size ", numel);
  }
  return out;
}

// Strides for viewing x as `shape` without copying, or nullopt when impossible
// (the algorithm of PyTorch's computeStride: match chunks of contiguous dims).
std::optional<Shape> view_strides(const Tensor& x, const Shape& shape) {
  const Shape& old_sizes = x.sizes();
  const Shape& old_strides = x.strides();
  Shape new_strides(shape.size());
  if (x.numel() == 0 || x.dim() == 0) return contiguous_strides(shape);
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.empty() ? 1 : old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(old_sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= old_sizes[d];
    if (d == 0 || (old_sizes[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        new_strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return new_strides;
}

Tensor slice_view(const Tensor& x, int64_t dim, int64_t start, int64_t stop, int64_t step) {
  Shape sizes = x.sizes(), strides = x.strides();
  int64_t len = stop > start ? (stop - start + step - 1) / step : 0;
  sizes[dim] = len;
  strides[dim] *= step;
  return as_strided_view(x, sizes, strides, x.storage_offset() + start * x.stride(dim));
}

}  // namespace

Tensor view(const Tensor& x, const Shape& shape) {
  Shape target = infer_shape(shape, x.numel(), "view");
  auto strides = view_strides(x, target);
  EMBER_CHECK_SHAPE(strides.has_value(), "view: size ", shape_str(target),
                    " is not compatible with input of size ", shape_str(x.sizes()), " and strides ",
                    shape_str(x.strides()), " (at least one dimension spans across two contiguous "
                    "subspaces); use reshape instead");
  return record_reshape_view("view", x, as_strided_view(x, target, *strides, x.storage_offset()));
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape target = infer_shape(shape, x.numel(), "reshape");
  if (view_strides(x, target)) return view(x, target);
  return view(x.contiguous(), target);
}

Tensor permute(const Tensor& x, const Shape& dims) {
  int64_t nd = x.dim();
  EMBER_CHECK_SHAPE(static_cast<int64_t>(dims.size()) == nd, "permute: expected ", nd,
                    " dims, got ", shape_str(dims));
  Shape norm(nd), inverse(nd);
  std::vector<bool> seen(nd, false);
  for (int64_t i = 0; i < nd; ++i) {
    norm[i] = normalize_dim(dims[i], nd, "permute");
    EMBER_CHECK(!seen[norm[i]], "permute: repeated dim ", dims[i], " in ", shape_str(dims));
    seen[norm[i]] = true;
    inverse[norm[i]] = i;
  }
  Shape sizes(nd), strides(nd);
  for (int64_t i = 0; i < nd; ++i) {
    sizes[i] = x.sizes()[norm[i]];
    strides[i] = x.strides()[norm[i]];
  }
  Tensor out = as_strided_view(x, sizes, strides, x.storage_offset());
  if (autograd::needs_grad(x)) {
    autograd::record("permute", {x}, out,
                     [inverse](const Tensor& g) { return autograd::Grads{g.permute(inverse)}; });
  }
  return out;
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  int64_t nd = x.dim();
  if (nd == 0) return x;
  Shape dims(nd);
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[normalize_dim(dim0, nd, "transpose")], dims[normalize_dim(dim1, nd, "transpose")]);
  return permute(x, dims);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  EMBER_CHECK_INDEX(x.dim() > 0, "narrow: cannot narrow a 0-d tensor");
  int64_t d = normalize_dim(dim, x.dim(), "narrow");
  int64_t size = x.size(d);
  if (start < 0) start += size;
  EMBER_CHECK_INDEX(start >= 0 && length >= 0 && start + length <= size, "narrow: start ", start,
                    " + length ", length, " exceeds dimension ", d, " of size ", size);
  return record_view("narrow", x, [d, start, length](const Tensor& t) {
    return slice_view(t, d, start, start + length, 1);
  });
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  EMBER_CHECK_INDEX(x.dim() > 0, "select: cannot index a 0-d tensor");
  int64_t d = normalize_dim(dim, x.dim(), "select");
  int64_t size = x.size(d);
  EMBER_CHECK_INDEX(index >= -size && index < size, "select: index ", index,
                    " is out of bounds for dimension ", d, " with size ", size);
  if (index < 0) index += size;
  return record_view("select", x, [d, index](const Tensor& t) {
    Shape sizes = t.sizes(), strides = t.strides();
    int64_t offset = t.storage_offset() + index * strides[d];
    sizes.erase(sizes.begin() + d);
    strides.erase(strides.begin() + d);
    return as_strided_view(t, sizes, strides, offset);
  });
}

Tensor expand(const Tensor& x, const Shape& shape) {
  int64_t nd = static_cast<int64_t>(shape.size());
  EMBER_CHECK_SHAPE(nd >= x.dim(), "expand: the number of sizes (", nd,
                    ") must be >= the tensor's dims (", x.dim(), ")");
  Shape sizes(nd), strides(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t xi = i - (nd - x.dim());
    int64_t target = shape[i];
    if (xi < 0) {
      EMBER_CHECK_SHAPE(target >= 0, "expand: size -1 is not allowed for a new leading dim");
      sizes[i] = target;
      strides[i] = 0;
      continue;
    }
    int64_t cur = x.sizes()[xi];
    if (target == -1) target = cur;
    EMBER_CHECK_SHAPE(cur == target || cur == 1, "expand: the expanded size ", target,
                      " must match the existing size ", cur, " at dim ", i, " (shape ",
                      shape_str(x.sizes()), " -> ", shape_str(shape), ")");
    sizes[i] = target;
    strides[i] = cur == target ? x.strides()[xi] : 0;
  }
  Tensor out = as_strided_view(x, sizes, strides, x.storage_offset());
  if (autograd::needs_grad(x)) {
    autograd::record("expand", {x}, out, [shape = x.sizes()](const Tensor& g) {
      return autograd::Grads{sum_to(g, shape)};
    });
  }
  return out;
}

Tensor squeeze(const Tensor& x) {
  Shape sizes;
  for (int64_t s : x.sizes()) {
    if (s != 1) sizes.push_back(s);
  }
  return view(x, sizes);
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  if (x.dim() == 0) return x;
  int64_t d = normalize_dim(dim, x.dim(), "squeeze");
  if (x.size(d) != 1) return x;
  Shape sizes = x.sizes(), strides = x.strides();
  sizes.erase(sizes.begin() + d);
  strides.erase(strides.begin() + d);
  return record_reshape_view("squeeze", x, as_strided_view(x, sizes, strides, x.storage_offset()));
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  int64_t d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  Shape sizes = x.sizes(), strides = x.strides();
  int64_t stride = d < x.dim() ? x.strides()[d] * x.sizes()[d] : 1;
  sizes.insert(sizes.begin() + d, 1);
  strides.insert(strides.begin() + d, stride);
  return record_reshape_view("unsqueeze", x, as_strided_view(x, sizes, strides, x.storage_offset()));
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  int64_t s = normalize_dim(start_dim, x.dim(), "flatten");
  int64_t e = normalize_dim(end_dim, x.dim(), "flatten");
  EMBER_CHECK(s <= e, "flatten: start_dim ", start_dim, " comes after end_dim ", end_dim);
  Shape sizes(x.sizes().begin(), x.sizes().begin() + s);
  int64_t n = 1;
  for (int64_t i = s; i <= e; ++i) n *= x.size(i);
  sizes.push_back(n);
  sizes.insert(sizes.end(), x.sizes().begin() + e + 1, x.sizes().end());
  return reshape(x, sizes);
}

Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes) {
  int64_t d = normalize_dim(dim, x.dim(), "unflatten");
  Shape inner = infer_shape(sizes, x.size(d), "unflatten");
  Shape shape(x.sizes().begin(), x.sizes().begin() + d);
  shape.insert(shape.end(), inner.begin(), inner.end());
  shape.insert(shape.end(), x.sizes().begin() + d + 1, x.sizes().end());
  return view(x, shape);
}

Tensor diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2) {
  int64_t d1 = normalize_dim(dim1, x.dim(), "diagonal");
  int64_t d2 = normalize_dim(dim2, x.dim(), "diagonal");
  EMBER_CHECK(d1 != d2, "diagonal: dim1 and dim2 cannot be identical, got ", dim1, " and ", dim2);
  return record_view("diagonal", x, [offset, d1, d2](const Tensor& t) {
    int64_t len = offset >= 0 ? std::max<int64_t>(std::min(t.size(d1), t.size(d2) - offset), 0)
                              : std::max<int64_t>(std::min(t.size(d1) + offset, t.size(d2)), 0);
    int64_t off = t.storage_offset();
    if (len > 0) off += offset >= 0 ? offset * t.stride(d2) : -offset * t.stride(d1);
    Shape sizes, strides;
    for (int64_t i = 0; i < t.dim(); ++i) {
      if (i == d1 || i == d2) continue;
      sizes.push_back(t.size(i));
      strides.push_back(t.stride(i));
    }
    sizes.push_back(len);
    strides.push_back(t.stride(d1) + t.stride(d2));
    return as_strided_view(t, sizes, strides, off);
  });
}

Tensor detach(const Tensor& x) {
  return as_strided_view(x, x.sizes(), x.strides(), x.storage_offset());
}

Tensor clone(const Tensor& x) {
  Tensor out = empty(x.sizes(), {.dtype = x.dtype(), .device = x.device()});
  kernels::copy.get(x.device())(x, out);
  if (autograd::needs_grad(x)) {
    autograd::record("copy", {x}, out, [](const Tensor& g) { return autograd::Grads{g}; });
  }
  return out;
}

Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : clone(x); }

Tensor to(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  Tensor out = empty(x.sizes(), {.dtype = dtype, .device = x.device()});
  kernels::copy.get(x.device())(x, out);
  if (autograd::needs_grad(x) && is_floating(dtype)) {
    autograd::record("copy", {x}, out, [from = x.dtype()](const Tensor& g) {
      return autograd::Grads{g.to(from)};
    });
  }
  return out;
}

// ---- Tensor methods ------------------------------------------------------------------------
Tensor Tensor::view(const Shape& shape) const { return ember::view(*this, shape); }
Tensor Tensor::reshape(const Shape& shape) const { return ember::reshape(*this, shape); }
Tensor Tensor::permute(const Shape& dims) const { return ember::permute(*this, dims); }
Tensor Tensor::transpose(int64_t d0, int64_t d1) const { return ember::transpose(*this, d0, d1); }
Tensor Tensor::t() const {
  EMBER_CHECK_SHAPE(dim() <= 2, "t: expected a tensor with <= 2 dims, got ", dim(),
                    " (use transpose or permute)");
  return dim() < 2 ? *this : ember::transpose(*this, 0, 1);
}
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const {
  return ember::narrow(*this, dim, start, length);
}
Tensor Tensor::slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop,
                     int64_t step) const {
  int64_t d = normalize_dim(dim, this->dim(), "slice");
  EMBER_CHECK(step > 0, "slice: expected a positive step, got ", step);
  int64_t size = this->size(d);
  auto clip = [size](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t i = *v < 0 ? *v + size : *v;
    return std::clamp<int64_t>(i, 0, size);
  };
  int64_t b = clip(start, 0), e = clip(stop, size);
  if (e < b) e = b;
  return record_view("slice", *this, [d, b, e, step](const Tensor& t) {
    return slice_view(t, d, b, e, step);
  });
}
Tensor Tensor::select(int64_t dim, int64_t index) const { return ember::select(*this, dim, index); }
Tensor Tensor::index(std::initializer_list<TensorIndex> indices) const {
  int64_t consumed = 0;  // dims of *this that indices address
  for (const auto& idx : indices) {
    if (std::holds_alternative<int64_t>(idx) || std::holds_alternative<Slice>(idx)) ++consumed;
  }
  EMBER_CHECK_INDEX(consumed <= dim(), "index: too many indices (", consumed, ") for a ", dim(),
                    "-d tensor");
  Tensor out = *this;
  int64_t d = 0;  // current dim in `out`
  for (const auto& idx : indices) {
    if (const auto* i = std::get_if<int64_t>(&idx)) {
      out = out.select(d, *i);
    } else if (const auto* s = std::get_if<Slice>(&idx)) {
      out = out.slice(d, s->start, s->stop, s->step);
      ++d;
    } else if (std::holds_alternative<NewAxis>(idx)) {
      out = out.unsqueeze(d);
      ++d;
    } else {  // Ellipsis: skip the dims no index addresses
      d += dim() - consumed;
    }
  }
  return out;
}
Tensor Tensor::expand(const Shape& shape) const { return ember::expand(*this, shape); }
Tensor Tensor::squeeze() const { return ember::squeeze(*this); }
Tensor Tensor::squeeze(int64_t dim) const { return ember::squeeze(*this, dim); }
Tensor Tensor::unsqueeze(int64_t dim) const { return ember::unsqueeze(*this, dim); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return ember::flatten(*this, s, e); }
Tensor Tensor::unflatten(int64_t dim, const Shape& sizes) const {
  return ember::unflatten(*this, dim, sizes);
}
Tensor Tensor::diagonal(int64_t offset, int64_t d1, int64_t d2) const {
  return ember::diagonal(*this, offset, d1, d2);
}
Tensor Tensor::contiguous() const { return ember::contiguous(*this); }
Tensor Tensor::clone() const { return ember::clone(*this); }
Tensor Tensor::to(DType dtype) const { return ember::to(*this, dtype); }
Tensor Tensor::detach() const { return ember::detach(*this); }

}  // namespace ember
