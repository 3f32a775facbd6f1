// Reference kernels: interpolate (nearest, bilinear) over (H, W) and its backward, one
// output pixel at a time with its source coordinates recomputed from scratch
// (kernels/resample.h).
#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/register.h"
#include "kernels/resample.h"

namespace ember::ref {

namespace {

using kernels::InterpolateArgs;
using kernels::InterpolateMode;

struct PlaneShape {
  int64_t planes, H, W, OH, OW;
};

PlaneShape plane_shape(const Tensor& input, const Tensor& output) {
  return {input.size(0) * input.size(1), input.size(2), input.size(3), output.size(2),
          output.size(3)};
}

// x (planes, H, W) -> y (planes, OH, OW), overwritten.
template <typename T>
void interpolate_loop(const T* x, T* y, const PlaneShape& s, const InterpolateArgs& a) {
  for (int64_t p = 0; p < s.planes; ++p) {
    const T* xp = x + p * s.H * s.W;
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        T& out = y[(p * s.OH + oh) * s.OW + ow];
        if (a.mode == InterpolateMode::nearest) {
          const int64_t ih = kernels::nearest_source(oh, s.H, s.OH, a.scale_h);
          const int64_t iw = kernels::nearest_source(ow, s.W, s.OW, a.scale_w);
          out = xp[ih * s.W + iw];
        } else {
          const auto h = kernels::linear_source<T>(oh, s.H, s.OH, a.align_corners, a.scale_h);
          const auto w = kernels::linear_source<T>(ow, s.W, s.OW, a.align_corners, a.scale_w);
          out = h.l0 * (w.l0 * xp[h.i0 * s.W + w.i0] + w.l1 * xp[h.i0 * s.W + w.i1]) +
                h.l1 * (w.l0 * xp[h.i1 * s.W + w.i0] + w.l1 * xp[h.i1 * s.W + w.i1]);
        }
      }
    }
  }
}

// dy (planes, OH, OW) -> dx (planes, H, W): zeroed, then each dy added to the input pixels
// its output read, times the weight it read them with.
template <typename T>
void interpolate_backward_loop(const T* dy, T* dx, const PlaneShape& s, const InterpolateArgs& a) {
  for (int64_t i = 0; i < s.planes * s.H * s.W; ++i) dx[i] = T(0);
  for (int64_t p = 0; p < s.planes; ++p) {
    T* dxp = dx + p * s.H * s.W;
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        const T d = dy[(p * s.OH + oh) * s.OW + ow];
        if (a.mode == InterpolateMode::nearest) {
          const int64_t ih = kernels::nearest_source(oh, s.H, s.OH, a.scale_h);
          const int64_t iw = kernels::nearest_source(ow, s.W, s.OW, a.scale_w);
          dxp[ih * s.W + iw] += d;
        } else {
          const auto h = kernels::linear_source<T>(oh, s.H, s.OH, a.align_corners, a.scale_h);
          const auto w = kernels::linear_source<T>(ow, s.W, s.OW, a.align_corners, a.scale_w);
          dxp[h.i0 * s.W + w.i0] += h.l0 * w.l0 * d;
          dxp[h.i0 * s.W + w.i1] += h.l0 * w.l1 * d;
          dxp[h.i1 * s.W + w.i0] += h.l1 * w.l0 * d;
          dxp[h.i1 * s.W + w.i1] += h.l1 * w.l1 * d;
        }
      }
    }
  }
}

void interpolate(const Tensor& x, Tensor& y, const InterpolateArgs& a) {
  dispatch_floating(x.dtype(), "interpolate", [&]<typename T>() {
    interpolate_loop(x.data<T>(), y.data<T>(), plane_shape(x, y), a);
  });
}

void interpolate_backward(const Tensor& dy, Tensor& dx, const InterpolateArgs& a) {
  dispatch_floating(dy.dtype(), "interpolate_backward", [&]<typename T>() {
    interpolate_backward_loop(dy.data<T>(), dx.data<T>(), plane_shape(dx, dy), a);
  });
}

}  // namespace

void register_interpolate() {
  constexpr Backend R = Backend::ref;
  kernels::interpolate.set(R, &ref::interpolate);
  kernels::interpolate_backward.set(R, &ref::interpolate_backward);
}

}  // namespace ember::ref
