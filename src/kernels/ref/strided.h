// The reference kernels' one way of walking a tensor: every logical index in row-major
// order, with each operand's offset computed from scratch as sum(index[d] * stride[d]).
// Slow and obviously right.
#pragma once

#include <vector>

#include "ember/core/tensor.h"

namespace ember::ref {

/// Element offset of logical index `idx` under `strides`.
inline int64_t offset_of(const Shape& idx, const Shape& strides) {
  int64_t off = 0;
  for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * strides[d];
  return off;
}

/// Calls f(idx) for every index of `sizes` in row-major order.
template <typename F>
void for_each_index(const Shape& sizes, F&& f) {
  int64_t n = shape_numel(sizes);
  Shape idx(sizes.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    f(static_cast<const Shape&>(idx));
    for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
      if (++idx[d] < sizes[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace ember::ref
