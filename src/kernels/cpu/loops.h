// The fast kernels' way of walking tensors: merge dims that are contiguous for every
// operand, then hand out runs of the innermost dim ("rows") to threads. A contiguous
// tensor becomes one long row that parallel_for splits; a transposed or broadcast operand
// gets its own inner stride (0 for broadcast), which the caller's loop specialises on.
#pragma once

#include <array>

#include "core/parallel_for.h"
#include "ember/core/tensor.h"

namespace ember::cpu {

template <size_t N>
using Offsets = std::array<int64_t, N>;

template <size_t N>
struct LoopGeometry {
  Shape sizes;
  std::array<Shape, N> strides;
};

/// Drops size-1 dims and merges dim d into d+1 when every operand allows it.
template <size_t N>
LoopGeometry<N> coalesce(const Shape& sizes, const std::array<const Shape*, N>& strides) {
  LoopGeometry<N> g;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1) continue;
    bool merge = !g.sizes.empty();
    for (size_t k = 0; k < N && merge; ++k) {
      merge = g.strides[k].back() == (*strides[k])[d] * sizes[d];
    }
    if (merge) {
      g.sizes.back() *= sizes[d];
      for (size_t k = 0; k < N; ++k) g.strides[k].back() = (*strides[k])[d];
    } else {
      g.sizes.push_back(sizes[d]);
      for (size_t k = 0; k < N; ++k) g.strides[k].push_back((*strides[k])[d]);
    }
  }
  if (g.sizes.empty()) {
    g.sizes.push_back(1);
    for (size_t k = 0; k < N; ++k) g.strides[k].push_back(0);
  }
  return g;
}

/// Calls f(offsets, n, inner_strides) over every element of `sizes`, in runs of up to one
/// row of the innermost dim, in parallel when the work is large (`cost` per element).
/// Offsets and strides are in elements, one per operand.
template <size_t N, typename F>
void for_each_row(const Shape& sizes, const std::array<const Shape*, N>& strides, int64_t cost,
                  const F& f) {
  int64_t total = shape_numel(sizes);
  if (total == 0) return;
  LoopGeometry<N> g = coalesce<N>(sizes, strides);
  const int64_t nd = static_cast<int64_t>(g.sizes.size());
  const int64_t inner = g.sizes.back();
  Offsets<N> inner_strides;
  for (size_t k = 0; k < N; ++k) inner_strides[k] = g.strides[k].back();

  parallel_for(0, total, cost, [&](int64_t begin, int64_t end) {
    int64_t pos = begin;
    while (pos < end) {
      int64_t row = pos / inner, col = pos % inner;
      Offsets<N> off{};
      int64_t r = row;
      for (int64_t d = nd - 2; d >= 0; --d) {
        int64_t i = r % g.sizes[d];
        r /= g.sizes[d];
        for (size_t k = 0; k < N; ++k) off[k] += i * g.strides[k][d];
      }
      for (size_t k = 0; k < N; ++k) off[k] += col * inner_strides[k];
      int64_t n = std::min(inner - col, end - pos);
      f(off, n, inner_strides);
      pos += n;
    }
  });
}

}  // namespace ember::cpu
