// Fast kernels: shape, indexing and padding ops.
//
// The data-movement kernels (cat, index_select, flip, pad, tril/triu) copy whole inner
// blocks with memcpy and hand out rows to threads with parallel_for. The kernels that write
// through an index (index_add, scatter, scatter_add) split the work only over positions
// that can never hit the same output element, so no two threads write one element and
// repeated indices accumulate in a fixed order. Contracts are in kernels/signatures_shape.h;
// src/kernels/ref/shape.cpp is the oracle.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/dispatch.h"
#include "kernels/cpu/loops.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

using kernels::PadArgs;
using kernels::PadMode;

// Elements of inner blocks that one index_add task owns (keeps tasks cache-sized).
constexpr int64_t kInnerBlock = 1024;

int64_t prod(const Shape& s, int64_t begin, int64_t end) {
  int64_t p = 1;
  for (int64_t d = begin; d < end; ++d) p *= s[d];
  return p;
}

Shape erase_dim(Shape s, int64_t dim) {
  s.erase(s.begin() + dim);
  return s;
}

// Copies src (any strides, possibly negative for flip) into dst, whose element strides are
// dst_strides; unit-stride rows go through memcpy.
template <typename T>
void copy_rows(const T* src, const Shape& src_strides, T* dst, const Shape& dst_strides,
               const Shape& sizes) {
  for_each_row<2>(sizes, {&src_strides, &dst_strides}, 1,
                  [&](Offsets<2> off, int64_t n, Offsets<2> st) {
                    const T* in = src + off[0];
                    T* out = dst + off[1];
                    if (st[0] == 1 && st[1] == 1) {
                      std::memcpy(out, in, static_cast<size_t>(n) * sizeof(T));
                    } else {
                      for (int64_t i = 0; i < n; ++i) out[i * st[1]] = in[i * st[0]];
                    }
                  });
}

void cat(const std::vector<Tensor>& inputs, int64_t dim, Tensor& out) {
  dispatch_all(out.dtype(), "cat", [&]<typename T>() {
    T* o = out.data<T>();
    int64_t start = 0;
    for (const Tensor& x : inputs) {
      copy_rows<T>(x.data<T>(), x.strides(), o + start * out.stride(dim), out.strides(), x.sizes());
      start += x.size(dim);
    }
  });
}

// x viewed as (outer, size, inner), out as (outer, n, inner): one row of `inner` per task.
void index_select(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out) {
  const int64_t* ind = index.data<int64_t>();
  const int64_t outer = prod(x.sizes(), 0, dim), size = x.size(dim);
  const int64_t inner = prod(x.sizes(), dim + 1, x.dim()), n = index.numel();
  if (inner == 0 || n == 0) return;
  dispatch_all(x.dtype(), "index_select", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    parallel_for(0, outer * n, inner, [&](int64_t begin, int64_t end) {
      int64_t o = begin / n, i = begin % n;  // the task's (outer row, index position)
      for (int64_t r = begin; r < end; ++r) {
        const T* src = px + (o * size + ind[i]) * inner;
        T* dst = po + r * inner;
        if (inner == 1) {
          *dst = *src;
        } else {
          std::memcpy(dst, src, static_cast<size_t>(inner) * sizeof(T));
        }
        if (++i == n) {
          i = 0;
          ++o;
        }
      }
    });
  });
}

// Tasks are (outer row, block of inner): each owns its slice of out for every index, so
// repeated indices add up in index order without races.
void index_add(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t* ind = index.data<int64_t>();
  const int64_t outer = prod(out.sizes(), 0, dim), size = out.size(dim);
  const int64_t inner = prod(out.sizes(), dim + 1, out.dim()), n = index.numel();
  if (inner == 0 || n == 0) return;
  const int64_t blocks = (inner + kInnerBlock - 1) / kInnerBlock;
  dispatch_numeric(out.dtype(), "index_add", [&]<typename T>() {
    const T* ps = src.data<T>();
    T* po = out.data<T>();
    parallel_for(
        0, outer * blocks, n * std::min(inner, kInnerBlock), [&](int64_t begin, int64_t end) {
          for (int64_t task = begin; task < end; ++task) {
            int64_t o = task / blocks;
            int64_t j0 = (task % blocks) * kInnerBlock, j1 = std::min(inner, j0 + kInnerBlock);
            for (int64_t i = 0; i < n; ++i) {
              T* dst = po + (o * size + ind[i]) * inner;
              const T* s = ps + (o * n + i) * inner;
              for (int64_t j = j0; j < j1; ++j) dst[j] += s[j];
            }
          }
        });
  });
}

// Walks index's shape with x's stride along dim set to 0: the index value supplies it.
void gather(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out) {
  const int64_t* ind = index.data<int64_t>();
  Shape xs = x.strides();
  const int64_t x_dim_stride = xs[dim];
  xs[dim] = 0;
  dispatch_all(x.dtype(), "gather", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for_each_row<3>(index.sizes(), {&xs, &index.strides(), &out.strides()}, 1,
                    [&](Offsets<3> off, int64_t n, Offsets<3> st) {
                      const T* xb = px + off[0];
                      const int64_t* ib = ind + off[1];
                      T* ob = po + off[2];
                      for (int64_t t = 0; t < n; ++t) {
                        ob[t * st[2]] = xb[t * st[0] + ib[t * st[1]] * x_dim_stride];
                      }
                    });
  });
}

// Threads split the positions of index with dim removed; each walks all of dim for its
// positions. Two positions that differ outside dim write different elements of out, so no
// element is shared between threads, and repeated indices apply in index order.
template <bool accumulate>
void scatter_impl(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t* ind = index.data<int64_t>();
  const int64_t n = index.size(dim);
  if (n == 0) return;
  const int64_t out_dim_stride = out.stride(dim);
  const int64_t index_dim_stride = index.stride(dim), src_dim_stride = src.stride(dim);
  const Shape rest = erase_dim(index.sizes(), dim);
  const Shape os = erase_dim(out.strides(), dim);
  const Shape is = erase_dim(index.strides(), dim);
  const Shape ss = erase_dim(src.strides(), dim);
  auto body = [&]<typename T>() {
    const T* ps = src.data<T>();
    T* po = out.data<T>();
    auto apply = [&](T& dst, T v) {
      if constexpr (accumulate) {
        dst += v;
      } else {
        dst = v;
      }
    };
    for_each_row<3>(rest, {&os, &is, &ss}, n, [&](Offsets<3> off, int64_t m, Offsets<3> st) {
      T* ob = po + off[0];
      const int64_t* ib = ind + off[1];
      const T* sb = ps + off[2];
      // Walk whichever of dim and the row is closer to unit stride innermost. Each element
      // of out is hit by one row position only, so both orders add in the same k order.
      if (std::abs(index_dim_stride) < std::abs(st[1])) {
        for (int64_t t = 0; t < m; ++t) {
          for (int64_t k = 0; k < n; ++k) {
            apply(ob[t * st[0] + ib[t * st[1] + k * index_dim_stride] * out_dim_stride],
                  sb[t * st[2] + k * src_dim_stride]);
          }
        }
      } else {
        for (int64_t k = 0; k < n; ++k) {
          for (int64_t t = 0; t < m; ++t) {
            apply(ob[t * st[0] + ib[t * st[1] + k * index_dim_stride] * out_dim_stride],
                  sb[t * st[2] + k * src_dim_stride]);
          }
        }
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

// Row i of each (R, C) matrix keeps one contiguous run of columns: a memcpy and a fill.
template <bool lower>
void tri_impl(const Tensor& x, Tensor& out, int64_t diagonal) {
  const int64_t R = x.size(-2), C = x.size(-1);
  const int64_t rows = x.dim() > 0 && C > 0 ? x.numel() / C : 0;
  dispatch_all(x.dtype(), lower ? "tril" : "triu", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const T zero = convert<T>(0);
    parallel_for(0, rows, C, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t i = r % R;
        // Kept columns: [0, i + diagonal] for tril, [i + diagonal, C) for triu.
        int64_t keep_begin = lower ? 0 : std::clamp<int64_t>(i + diagonal, 0, C);
        int64_t keep_end = lower ? std::clamp<int64_t>(i + diagonal + 1, 0, C) : C;
        const T* src = px + r * C;
        T* dst = po + r * C;
        std::fill(dst, dst + keep_begin, zero);
        std::memcpy(dst + keep_begin, src + keep_begin,
                    static_cast<size_t>(keep_end - keep_begin) * sizeof(T));
        std::fill(dst + keep_end, dst + C, zero);
      }
    });
  });
}

void tril(const Tensor& x, Tensor& out, int64_t diagonal) { tri_impl<true>(x, out, diagonal); }
void triu(const Tensor& x, Tensor& out, int64_t diagonal) { tri_impl<false>(x, out, diagonal); }

// A flip is a copy from x walked with negated strides along the flipped dims, starting at
// their last element; rows of unflipped contiguous dims stay memcpy's.
void flip(const Tensor& x, Tensor& out, const Shape& dims) {
  if (x.numel() == 0) return;
  Shape xs = x.strides();
  int64_t start = 0;
  for (int64_t d : dims) {
    start += (x.size(d) - 1) * xs[d];
    xs[d] = -xs[d];
  }
  dispatch_all(x.dtype(), "flip", [&]<typename T>() {
    copy_rows<T>(x.data<T>() + start, xs, out.data<T>(), out.strides(), x.sizes());
  });
}

// The input position that padded position p of a dim reads (pad `before` in front, input
// size n); -1 in a constant border. Unpadded dims pass before = 0 and map to themselves.
int64_t pad_source(int64_t p, int64_t before, int64_t n, PadMode mode) {
  int64_t s = p - before;
  if (mode == PadMode::constant) return (s < 0 || s >= n) ? -1 : s;
  if (s < 0) s = -s;
  if (s >= n) s = 2 * (n - 1) - s;
  return s;
}

// The pad in front of dim d (0 when d is not padded).
int64_t pad_before(const PadArgs& args, int64_t nd, int64_t d) {
  int64_t i = nd - 1 - d;  // pads list the last dim first
  return 2 * i < static_cast<int64_t>(args.pads.size()) ? args.pads[2 * i] : 0;
}

// The input row (over all dims but the last) that row r of the padded tensor reads, or -1
// when that row lies in a constant border. Dims [first, nd - 1) are walked; the caller
// adds the offset of dims before `first`.
int64_t pad_source_row(int64_t r, const Shape& in_sizes, const Shape& out_sizes, int64_t first,
                       const PadArgs& args) {
  const int64_t nd = static_cast<int64_t>(in_sizes.size());
  int64_t row = 0, mult = 1;
  for (int64_t d = nd - 2; d >= first; --d) {
    int64_t p = r % out_sizes[d];
    r /= out_sizes[d];
    int64_t s = pad_source(p, pad_before(args, nd, d), in_sizes[d], args.mode);
    if (s < 0) return -1;
    row += s * mult;
    mult *= in_sizes[d];
  }
  return row;
}

// Each padded row: the part that overlaps the input is one memcpy; the borders are the
// fill value (constant) or mirrored input elements (reflect).
void pad(const Tensor& x, Tensor& out, const PadArgs& args) {
  if (out.numel() == 0) return;
  const Shape& in_sizes = x.sizes();
  const Shape& out_sizes = out.sizes();
  const int64_t nd = x.dim();
  const int64_t n = in_sizes[nd - 1], W = out_sizes[nd - 1];
  const int64_t before = pad_before(args, nd, nd - 1);
  // Columns [lo, hi) of a padded row read input columns [lo - before, hi - before).
  const int64_t lo = std::clamp<int64_t>(before, 0, W);
  const int64_t hi = std::clamp<int64_t>(before + n, 0, W);
  dispatch_all(x.dtype(), "pad", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const T value = convert<T>(args.value);
    parallel_for(0, out.numel() / W, W, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        T* dst = po + r * W;
        int64_t row = pad_source_row(r, in_sizes, out_sizes, 0, args);
        if (row < 0) {
          std::fill(dst, dst + W, value);
          continue;
        }
        const T* src = px + row * n;
        if (args.mode == PadMode::constant) {
          std::fill(dst, dst + lo, value);
          std::fill(dst + hi, dst + W, value);
        } else {
          for (int64_t p = 0; p < lo; ++p) dst[p] = src[pad_source(p, before, n, args.mode)];
          for (int64_t p = hi; p < W; ++p) dst[p] = src[pad_source(p, before, n, args.mode)];
        }
        std::memcpy(dst + lo, src + (lo - before), static_cast<size_t>(hi - lo) * sizeof(T));
      }
    });
  });
}

// Reflection folds several gradient rows onto one input row, so threads split only the
// unpadded leading dims ("planes"), whose rows never meet.
void pad_backward(const Tensor& x, Tensor& out, const PadArgs& args) {
  if (x.numel() == 0 || out.numel() == 0) return;
  const Shape& g_sizes = x.sizes();
  const Shape& in_sizes = out.sizes();
  const int64_t nd = x.dim();
  const int64_t padded = std::max<int64_t>(static_cast<int64_t>(args.pads.size()) / 2, 1);
  const int64_t first = nd - padded;  // the first padded dim
  const int64_t planes = prod(in_sizes, 0, first);
  const int64_t g_plane = prod(g_sizes, first, nd), in_plane = prod(in_sizes, first, nd);
  const int64_t W = g_sizes[nd - 1], n = in_sizes[nd - 1];
  const int64_t g_rows = g_plane / W;
  const int64_t before = pad_before(args, nd, nd - 1);
  dispatch_floating(x.dtype(), "pad_backward", [&]<typename T>() {
    const T* pg = x.data<T>();
    T* po = out.data<T>();
    parallel_for(0, planes, g_plane, [&](int64_t begin, int64_t end) {
      for (int64_t plane = begin; plane < end; ++plane) {
        for (int64_t r = 0; r < g_rows; ++r) {
          int64_t row = pad_source_row(r, in_sizes, g_sizes, first, args);
          if (row < 0) continue;
          const T* src = pg + plane * g_plane + r * W;
          T* dst = po + plane * in_plane + row * n;
          for (int64_t p = 0; p < W; ++p) {
            int64_t s = pad_source(p, before, n, args.mode);
            if (s >= 0) dst[s] += src[p];
          }
        }
      }
    });
  });
}

}  // namespace

void register_shape() {
  constexpr Backend C = Backend::cpu;
  kernels::cat.set(C, &cat);
  kernels::index_select.set(C, &index_select);
  kernels::index_add.set(C, &index_add);
  kernels::gather.set(C, &gather);
  kernels::scatter.set(C, &scatter);
  kernels::scatter_add.set(C, &scatter_add);
  kernels::tril.set(C, &tril);
  kernels::triu.set(C, &triu);
  kernels::flip.set(C, &flip);
  kernels::pad.set(C, &pad);
  kernels::pad_backward.set(C, &pad_backward);
}

}  // namespace ember::cpu
