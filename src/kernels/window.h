// Sliding-window geometry shared by the reference and fast conv and pool kernels: the sizes
// of one convolution as read from the tensors a kernel receives, and the range of output
// positions whose tap lands inside the input.
//
// Kernels take every size from their tensors, never recompute an output size: the three
// conv kernels are then exact adjoints of each other for any shapes (see Note [Conv
// autograd] in src/ops/conv.cpp).
#pragma once

#include <algorithm>
#include <cstdint>

#include "ember/core/tensor.h"

namespace ember::kernels {

/// One conv2d: x (N, C, H, W), weight (OC, C/G, KH, KW), y (N, OC, OH, OW).
struct ConvShape {
  int64_t N, C, H, W;
  int64_t OC, OH, OW;
  int64_t KH, KW;
  int64_t G;
  int64_t Cg() const { return C / G; }    // input channels per group
  int64_t OCg() const { return OC / G; }  // output channels per group
};

inline ConvShape conv_shape(const Shape& x, const Shape& weight, const Shape& y, int64_t groups) {
  return {x[0], x[1], x[2], x[3], y[1], y[2], y[3], weight[2], weight[3], groups};
}

/// The outputs o in [lo, hi) of `out` whose tap o * stride + offset lies in [0, size):
/// the loops over them need no bounds check.
struct TapRange {
  int64_t lo, hi;
};
inline TapRange tap_range(int64_t size, int64_t out, int64_t stride, int64_t offset) {
  int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t last = size - 1 - offset;  // o * stride <= last
  int64_t hi = last < 0 ? 0 : last / stride + 1;
  lo = std::min(lo, out);
  hi = std::clamp(hi, lo, out);
  return {lo, hi};
}

}  // namespace ember::kernels
