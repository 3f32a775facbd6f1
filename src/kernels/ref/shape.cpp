// Reference kernels: shape, indexing and padding ops.
//
// Each walks every element of its output (or of its index/source) in row-major order and
// computes the matching input position from scratch. Slow and obviously right: the oracle
// for src/kernels/cpu/shape.cpp. Contracts are in kernels/signatures_shape.h.
#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/ref/strided.h"
#include "kernels/register.h"

namespace ember::ref {

namespace {

using kernels::PadArgs;
using kernels::PadMode;

void cat(const std::vector<Tensor>& inputs, int64_t dim, Tensor& out) {
  dispatch_all(out.dtype(), "cat", [&]<typename T>() {
    T* o = out.data<T>();
    int64_t start = 0;  // where the current input begins along dim
    for (const Tensor& x : inputs) {
      const T* px = x.data<T>();
      int64_t shift = start * out.stride(dim);
      for_each_index(x.sizes(), [&](const Shape& idx) {
        o[offset_of(idx, out.strides()) + shift] = px[offset_of(idx, x.strides())];
      });
      start += x.size(dim);
    }
  });
}

void index_select(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out) {
  const int64_t* ind = index.data<int64_t>();
  dispatch_all(x.dtype(), "index_select", [&]<typename T>() {
    const T* px = x.data<T>();
    T* o = out.data<T>();
    for_each_index(out.sizes(), [&](const Shape& idx) {
      Shape src = idx;
      src[dim] = ind[idx[dim]];
      o[offset_of(idx, out.strides())] = px[offset_of(src, x.strides())];
    });
  });
}

void index_add(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t* ind = index.data<int64_t>();
  dispatch_numeric(out.dtype(), "index_add", [&]<typename T>() {
    const T* ps = src.data<T>();
    T* o = out.data<T>();
    for_each_index(src.sizes(), [&](const Shape& idx) {
      Shape dst = idx;
      dst[dim] = ind[idx[dim]];
      o[offset_of(dst, out.strides())] += ps[offset_of(idx, src.strides())];
    });
  });
}

void gather(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out) {
  const int64_t* ind = index.data<int64_t>();
  dispatch_all(x.dtype(), "gather", [&]<typename T>() {
    const T* px = x.data<T>();
    T* o = out.data<T>();
    for_each_index(index.sizes(), [&](const Shape& idx) {
      Shape src = idx;
      src[dim] = ind[offset_of(idx, index.strides())];
      o[offset_of(idx, out.strides())] = px[offset_of(src, x.strides())];
    });
  });
}

// scatter (accumulate = false) and scatter_add (true).
template <bool accumulate>
void scatter_impl(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t* ind = index.data<int64_t>();
  auto body = [&]<typename T>() {
    const T* ps = src.data<T>();
    T* o = out.data<T>();
    for_each_index(index.sizes(), [&](const Shape& idx) {
      Shape dst = idx;
      dst[dim] = ind[offset_of(idx, index.strides())];
      T v = ps[offset_of(idx, src.strides())];
      if constexpr (accumulate) {
        o[offset_of(dst, out.strides())] += v;
      } else {
        o[offset_of(dst, out.strides())] = v;
      }
    });
  };
  if constexpr (accumulate) {
    dispatch_numeric(out.dtype(), "scatter_add", body);
  } else {
    dispatch_all(out.dtype(), "scatter", body);
  }
}

void scatter(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  scatter_impl<false>(out, dim, index, src);
}
void scatter_add(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  scatter_impl<true>(out, dim, index, src);
}

// tril (lower = true) and triu.
template <bool lower>
void tri_impl(const Tensor& x, Tensor& out, int64_t diagonal) {
  dispatch_all(x.dtype(), lower ? "tril" : "triu", [&]<typename T>() {
    const T* px = x.data<T>();
    T* o = out.data<T>();
    const size_t r = static_cast<size_t>(x.dim()) - 2, c = r + 1;
    for_each_index(out.sizes(), [&](const Shape& idx) {
      int64_t d = idx[c] - idx[r];
      bool keep = lower ? d <= diagonal : d >= diagonal;
      o[offset_of(idx, out.strides())] = keep ? px[offset_of(idx, x.strides())] : convert<T>(0);
    });
  });
}

void tril(const Tensor& x, Tensor& out, int64_t diagonal) { tri_impl<true>(x, out, diagonal); }
void triu(const Tensor& x, Tensor& out, int64_t diagonal) { tri_impl<false>(x, out, diagonal); }

void flip(const Tensor& x, Tensor& out, const Shape& dims) {
  dispatch_all(x.dtype(), "flip", [&]<typename T>() {
    const T* px = x.data<T>();
    T* o = out.data<T>();
    for_each_index(out.sizes(), [&](const Shape& idx) {
      Shape src = idx;
      for (int64_t d : dims) src[d] = x.size(d) - 1 - idx[d];
      o[offset_of(idx, out.strides())] = px[offset_of(src, x.strides())];
    });
  });
}

// The input position that padded position `p` of a dim reads, given the pad before it and
// the input size n; -1 when it lies in a constant border.
int64_t pad_source(int64_t p, int64_t before, int64_t n, PadMode mode) {
  int64_t s = p - before;
  if (mode == PadMode::constant) return (s < 0 || s >= n) ? -1 : s;
  if (s < 0) s = -s;                // reflect about element 0
  if (s >= n) s = 2 * (n - 1) - s;  // reflect about element n - 1
  return s;
}

// The input position of position `idx` of the padded shape; false when it lies in a
// constant border. `x` is the unpadded tensor (only its sizes are read).
bool pad_map(const Shape& idx, const Tensor& x, const PadArgs& args, Shape& src) {
  src = idx;
  const int64_t nd = x.dim();
  const int64_t k = static_cast<int64_t>(args.pads.size()) / 2;
  for (int64_t i = 0; i < k; ++i) {
    int64_t d = nd - 1 - i;
    int64_t s = pad_source(idx[d], args.pads[2 * i], x.size(d), args.mode);
    if (s < 0) return false;
    src[d] = s;
  }
  return true;
}

void pad(const Tensor& x, Tensor& out, const PadArgs& args) {
  dispatch_all(x.dtype(), "pad", [&]<typename T>() {
    const T* px = x.data<T>();
    T* o = out.data<T>();
    const T value = convert<T>(args.value);
    Shape src;
    for_each_index(out.sizes(), [&](const Shape& idx) {
      o[offset_of(idx, out.strides())] =
          pad_map(idx, x, args, src) ? px[offset_of(src, x.strides())] : value;
    });
  });
}

// x = gradient of the padded output, out = gradient of the (unpadded) input.
void pad_backward(const Tensor& x, Tensor& out, const PadArgs& args) {
  dispatch_floating(x.dtype(), "pad_backward", [&]<typename T>() {
    const T* g = x.data<T>();
    T* o = out.data<T>();
    Shape src;
    for_each_index(x.sizes(), [&](const Shape& idx) {
      if (pad_map(idx, out, args, src))
        o[offset_of(src, out.strides())] += g[offset_of(idx, x.strides())];
    });
  });
}

}  // namespace

void register_shape() {
  constexpr Backend R = Backend::ref;
  kernels::cat.set(R, &cat);
  kernels::index_select.set(R, &index_select);
  kernels::index_add.set(R, &index_add);
  kernels::gather.set(R, &gather);
  kernels::scatter.set(R, &scatter);
  kernels::scatter_add.set(R, &scatter_add);
  kernels::tril.set(R, &tril);
  kernels::triu.set(R, &triu);
  kernels::flip.set(R, &flip);
  kernels::pad.set(R, &pad);
  kernels::pad_backward.set(R, &pad_backward);
}

}  // namespace ember::ref
