// Source coordinates of interpolate's output pixels, shared by the reference and fast
// kernels so both follow PyTorch 1.13 to the bit (aten/src/ATen/native/UpSample.h).
//
// Note [Interpolate coordinates]
// `scale` is the user's scale_factor when one was given (0 otherwise): PyTorch then maps
// output to input with 1 / scale_factor, not input_size / output_size, which differ when
// input_size * scale_factor is not an integer. align_corners ignores it. Legacy 'nearest'
// computes in float whatever the dtype (floorf(dst * scale)), with shortcuts for equal and
// doubled sizes; bilinear computes in the element type and copies when sizes are equal.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ember::kernels {

/// Input index of output index `o` for mode nearest.
inline int64_t nearest_source(int64_t o, int64_t in, int64_t out, double scale) {
  if (out == in) return o;
  if (out == 2 * in) return o >> 1;
  const float ratio = scale > 0 ? static_cast<float>(1.0 / scale)
                                : static_cast<float>(in) / static_cast<float>(out);
  return std::min(static_cast<int64_t>(std::floor(static_cast<float>(o) * ratio)), in - 1);
}

/// The two input indices output index `o` blends in bilinear mode, and their weights.
template <typename T>
struct LinearTaps {
  int64_t i0, i1;
  T l0, l1;
};

template <typename T>
LinearTaps<T> linear_source(int64_t o, int64_t in, int64_t out, bool align_corners, double scale) {
  if (out == in) return {o, o, T(1), T(0)};
  T ratio;
  if (align_corners) {
    ratio = out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0);
  } else {
    ratio = scale > 0 ? static_cast<T>(1.0 / scale) : static_cast<T>(in) / static_cast<T>(out);
  }
  T src = align_corners ? ratio * static_cast<T>(o)
                        : std::max(ratio * (static_cast<T>(o) + T(0.5)) - T(0.5), T(0));
  const int64_t i0 = static_cast<int64_t>(src);
  const int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
  const T l1 = std::clamp(src - static_cast<T>(i0), T(0), T(1));
  return {i0, i1, T(1) - l1, l1};
}

}  // namespace ember::kernels
