// Fast kernels: interpolate (nearest, bilinear) and its backward. Source coordinates are
// separable, so they are computed once per output row and column (kernels/resample.h)
// instead of per pixel; planes (N * C) are independent and split across threads.
#include <algorithm>
#include <vector>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/kernels.h"
#include "kernels/register.h"
#include "kernels/resample.h"

namespace ember::cpu {

namespace {

using kernels::InterpolateArgs;
using kernels::InterpolateMode;
using kernels::LinearTaps;

struct PlaneShape {
  int64_t planes, H, W, OH, OW;
};

PlaneShape plane_shape(const Tensor& input, const Tensor& output) {
  return {input.size(0) * input.size(1), input.size(2), input.size(3), output.size(2),
          output.size(3)};
}

// Per output index along one axis: the input taps and weights. Nearest is a single tap of
// weight 1 (i0 == i1, l1 == 0).
template <typename T>
std::vector<LinearTaps<T>> axis_taps(int64_t in, int64_t out, const InterpolateArgs& a,
                                     double scale) {
  std::vector<LinearTaps<T>> taps(out);
  for (int64_t o = 0; o < out; ++o) {
    if (a.mode == InterpolateMode::nearest) {
      const int64_t i = kernels::nearest_source(o, in, out, scale);
      taps[o] = {i, i, T(1), T(0)};
    } else {
      taps[o] = kernels::linear_source<T>(o, in, out, a.align_corners, scale);
    }
  }
  return taps;
}

template <typename T>
void interpolate_loop(const T* x, T* y, const PlaneShape& s, const InterpolateArgs& a) {
  const auto th = axis_taps<T>(s.H, s.OH, a, a.scale_h);
  const auto tw = axis_taps<T>(s.W, s.OW, a, a.scale_w);
  const bool nearest = a.mode == InterpolateMode::nearest;
  parallel_for(0, s.planes, s.OH * s.OW * 4, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const T* xp = x + p * s.H * s.W;
      T* yp = y + p * s.OH * s.OW;
      for (int64_t oh = 0; oh < s.OH; ++oh) {
        const auto& h = th[oh];
        const T* r0 = xp + h.i0 * s.W;
        const T* r1 = xp + h.i1 * s.W;
        T* out = yp + oh * s.OW;
        if (nearest) {
          for (int64_t ow = 0; ow < s.OW; ++ow) out[ow] = r0[tw[ow].i0];
          continue;
        }
        for (int64_t ow = 0; ow < s.OW; ++ow) {
          const auto& w = tw[ow];
          out[ow] = h.l0 * (w.l0 * r0[w.i0] + w.l1 * r0[w.i1]) +
                    h.l1 * (w.l0 * r1[w.i0] + w.l1 * r1[w.i1]);
        }
      }
    }
  });
}

template <typename T>
void interpolate_backward_loop(const T* dy, T* dx, const PlaneShape& s, const InterpolateArgs& a) {
  const auto th = axis_taps<T>(s.H, s.OH, a, a.scale_h);
  const auto tw = axis_taps<T>(s.W, s.OW, a, a.scale_w);
  const bool nearest = a.mode == InterpolateMode::nearest;
  parallel_for(0, s.planes, s.OH * s.OW * 4 + s.H * s.W, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      T* dxp = dx + p * s.H * s.W;
      std::fill(dxp, dxp + s.H * s.W, T(0));
      const T* dyp = dy + p * s.OH * s.OW;
      for (int64_t oh = 0; oh < s.OH; ++oh) {
        const auto& h = th[oh];
        T* r0 = dxp + h.i0 * s.W;
        T* r1 = dxp + h.i1 * s.W;
        const T* d = dyp + oh * s.OW;
        if (nearest) {
          for (int64_t ow = 0; ow < s.OW; ++ow) r0[tw[ow].i0] += d[ow];
          continue;
        }
        for (int64_t ow = 0; ow < s.OW; ++ow) {
          const auto& w = tw[ow];
          r0[w.i0] += h.l0 * w.l0 * d[ow];
          r0[w.i1] += h.l0 * w.l1 * d[ow];
          r1[w.i0] += h.l1 * w.l0 * d[ow];
          r1[w.i1] += h.l1 * w.l1 * d[ow];
        }
      }
    }
  });
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
  constexpr Backend C = Backend::cpu;
  kernels::interpolate.set(C, &cpu::interpolate);
  kernels::interpolate_backward.set(C, &cpu::interpolate_backward);
}

}  // namespace ember::cpu
