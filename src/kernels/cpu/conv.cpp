// Fast kernels: conv2d and its input and weight gradients as im2col + GEMM, per image and
// per group, threaded over the batch (or inside the GEMM when there is one image).
//
//   forward:        y_g (OC/G, OH*OW)  = w_g (OC/G, CK) @ col (CK, OH*OW)
//   backward input: col (CK, OH*OW)    = w_g^T @ dy_g, then col2im adds col back into dx_g
//   backward weight dw_g (OC/G, CK)   += dy_g (OC/G, OH*OW) @ col^T, summed over images
// with CK = C/G * KH * KW. A 1x1, stride-1, unpadded convolution is already a GEMM on the
// input plane and skips im2col; depthwise convolutions skip the GEMM too (Note [Depthwise
// conv]); float32 3x3 stride-1 convolutions with enough channels run as Winograd F(2x2, 3x3)
// instead (winograd.h). The GEMM is ember's sgemm (float32) or dgemm (float64). The only
// allocations are scratch buffers: per-thread column matrices and per-thread partial weight
// gradients (summed in a fixed order so results do not depend on scheduling).
#include <algorithm>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/cpu/gemm/bf16_gemm.h"
#include "kernels/cpu/gemm/dgemm.h"
#include "kernels/cpu/gemm/gemm.h"
#include "kernels/cpu/winograd.h"
#include "kernels/kernels.h"
#include "kernels/register.h"
#include "kernels/window.h"

namespace ember::cpu {

namespace {

using kernels::Conv2dArgs;
using kernels::ConvShape;
using kernels::tap_range;

// C (M, N) = A (M, K) B (K, N), or C += A B when `accumulate`, with element (i, j) of A at
// a[i * a_rs + j * a_cs] (likewise B) and C row-major with row stride ldc: for float32 ember's
// sgemm, or the bfloat16 GEMM under set_float32_matmul_precision("medium"); the portable DGEMM
// for float64. Called one image per thread from parallel_for,
// where both run serially, or on the whole pool when the batch is a single image.
template <typename T>
void gemm(int64_t M, int64_t N, int64_t K, const T* a, int64_t a_rs, int64_t a_cs, const T* b,
          int64_t b_rs, int64_t b_cs, T* c, int64_t ldc, bool accumulate) {
  if constexpr (std::is_same_v<T, float>) {
    float32_matmul_gemm_batched(1, M, N, K, 1.f, {a, a_rs, a_cs}, {b, b_rs, b_cs},
                                accumulate ? 1.f : 0.f, c, ldc, 0);
  } else {
    dgemm_batched(1, M, N, K, {a, a_rs, a_cs}, {b, b_rs, b_cs}, accumulate, c, ldc, 0);
  }
}

// A 1x1, stride-1, unpadded convolution whose output plane is the input plane: the input
// itself is the column matrix.
bool is_pointwise(const ConvShape& s, const Conv2dArgs& a) {
  return s.KH == 1 && s.KW == 1 && a.stride_h == 1 && a.stride_w == 1 && a.pad_h == 0 &&
         a.pad_w == 0 && s.OH == s.H && s.OW == s.W;
}

// x_g (C/G, H, W) -> col (CK, P): row ck = (c, kh, kw), column p = (oh, ow) holds the
// input element output position p reads through tap (kh, kw) of channel c, or zero where
// that is padding.
template <typename T>
void im2col(const T* x, T* col, const ConvShape& s, const Conv2dArgs& a) noexcept {
  const int64_t Cg = s.Cg(), P = s.OH * s.OW;
  for (int64_t c = 0; c < Cg; ++c) {
    const T* xc = x + c * s.H * s.W;
    for (int64_t kh = 0; kh < s.KH; ++kh) {
      const int64_t off_h = kh * a.dilation_h - a.pad_h;
      const auto rh = tap_range(s.H, s.OH, a.stride_h, off_h);
      for (int64_t kw = 0; kw < s.KW; ++kw) {
        const int64_t off_w = kw * a.dilation_w - a.pad_w;
        const auto rw = tap_range(s.W, s.OW, a.stride_w, off_w);
        T* row = col + ((c * s.KH + kh) * s.KW + kw) * P;
        std::fill(row, row + rh.lo * s.OW, T(0));
        for (int64_t oh = rh.lo; oh < rh.hi; ++oh) {
          T* r = row + oh * s.OW;
          const T* xr = xc + (oh * a.stride_h + off_h) * s.W;
          std::fill(r, r + rw.lo, T(0));
          if (a.stride_w == 1) {
            // A loop, not std::copy: rows are short (tens of floats) and a memmove call
            // per row cost more than the copy.
            for (int64_t ow = rw.lo; ow < rw.hi; ++ow) r[ow] = xr[ow + off_w];
          } else {
            for (int64_t ow = rw.lo; ow < rw.hi; ++ow) r[ow] = xr[ow * a.stride_w + off_w];
          }
          std::fill(r + rw.hi, r + s.OW, T(0));
        }
        std::fill(row + rh.hi * s.OW, row + P, T(0));
      }
    }
  }
}

// The adjoint of im2col in (CK, P) layout: dx_g (C/G, H, W) += each column entry at the
// input element it came from; padding entries are dropped.
template <typename T>
void col2im(const T* col, T* dx, const ConvShape& s, const Conv2dArgs& a) noexcept {
  const int64_t Cg = s.Cg(), P = s.OH * s.OW;
  for (int64_t c = 0; c < Cg; ++c) {
    T* dxc = dx + c * s.H * s.W;
    for (int64_t kh = 0; kh < s.KH; ++kh) {
      const int64_t off_h = kh * a.dilation_h - a.pad_h;
      const auto rh = tap_range(s.H, s.OH, a.stride_h, off_h);
      for (int64_t kw = 0; kw < s.KW; ++kw) {
        const int64_t off_w = kw * a.dilation_w - a.pad_w;
        const auto rw = tap_range(s.W, s.OW, a.stride_w, off_w);
        const T* row = col + ((c * s.KH + kh) * s.KW + kw) * P;
        for (int64_t oh = rh.lo; oh < rh.hi; ++oh) {
          T* dxr = dxc + (oh * a.stride_h + off_h) * s.W;
          const T* r = row + oh * s.OW;
          if (a.stride_w == 1) {
            for (int64_t ow = rw.lo; ow < rw.hi; ++ow) dxr[ow + off_w] += r[ow];
          } else {
            for (int64_t ow = rw.lo; ow < rw.hi; ++ow) dxr[ow * a.stride_w + off_w] += r[ow];
          }
        }
      }
    }
  }
}

// Note [Depthwise conv]
// With one input channel per group (C/G == 1: depthwise, with any channel multiplier) each
// output plane is a weighted sum of KH * KW shifted copies of one input plane. im2col +
// GEMM would copy the input KH * KW times to multiply by a single weight row, so these
// three kernels walk the planes directly, one tap at a time, over the output range whose
// tap lands inside the input (no bounds checks in the inner loops; unit-stride rows get a
// loop of their own, which the compiler vectorises). A single group (C == 1, G == 1) stays on
// im2col + GEMM: there all OC output planes read one column matrix and the GEMM computes them
// together.

// x (N, C, H, W), w (OC, 1, KH, KW) -> y (N, OC, OH, OW), overwritten.
template <typename T>
void depthwise_forward(const T* x, const T* w, T* y, const ConvShape& s, const Conv2dArgs& a) {
  const int64_t OCg = s.OCg(), P = s.OH * s.OW, HW = s.H * s.W;
  parallel_for(0, s.N * s.OC, P * s.KH * s.KW, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t n = p / s.OC, oc = p % s.OC;
      const T* xp = x + (n * s.C + oc / OCg) * HW;
      T* yp = y + p * P;
      std::fill(yp, yp + P, T(0));
      for (int64_t kh = 0; kh < s.KH; ++kh) {
        const int64_t off_h = kh * a.dilation_h - a.pad_h;
        const auto rh = tap_range(s.H, s.OH, a.stride_h, off_h);
        for (int64_t kw = 0; kw < s.KW; ++kw) {
          const int64_t off_w = kw * a.dilation_w - a.pad_w;
          const auto rw = tap_range(s.W, s.OW, a.stride_w, off_w);
          const T wv = w[(oc * s.KH + kh) * s.KW + kw];
          for (int64_t oh = rh.lo; oh < rh.hi; ++oh) {
            const T* xr = xp + (oh * a.stride_h + off_h) * s.W;
            T* yr = yp + oh * s.OW;
            if (a.stride_w == 1) {
              for (int64_t ow = rw.lo; ow < rw.hi; ++ow) yr[ow] += wv * xr[ow + off_w];
            } else {
              for (int64_t ow = rw.lo; ow < rw.hi; ++ow) {
                yr[ow] += wv * xr[ow * a.stride_w + off_w];
              }
            }
          }
        }
      }
    }
  });
}

// dy (N, OC, OH, OW), w (OC, 1, KH, KW) -> dx (N, C, H, W), overwritten: each input plane
// gathers from the OC/G output planes that read it.
template <typename T>
void depthwise_backward_input(const T* dy, const T* w, T* dx, const ConvShape& s,
                              const Conv2dArgs& a) {
  const int64_t OCg = s.OCg(), P = s.OH * s.OW, HW = s.H * s.W;
  parallel_for(0, s.N * s.C, OCg * P * s.KH * s.KW, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t n = p / s.C, c = p % s.C;
      T* dxp = dx + p * HW;
      std::fill(dxp, dxp + HW, T(0));
      for (int64_t oc = c * OCg; oc < (c + 1) * OCg; ++oc) {
        const T* dyp = dy + (n * s.OC + oc) * P;
        for (int64_t kh = 0; kh < s.KH; ++kh) {
          const int64_t off_h = kh * a.dilation_h - a.pad_h;
          const auto rh = tap_range(s.H, s.OH, a.stride_h, off_h);
          for (int64_t kw = 0; kw < s.KW; ++kw) {
            const int64_t off_w = kw * a.dilation_w - a.pad_w;
            const auto rw = tap_range(s.W, s.OW, a.stride_w, off_w);
            const T wv = w[(oc * s.KH + kh) * s.KW + kw];
            for (int64_t oh = rh.lo; oh < rh.hi; ++oh) {
              T* dxr = dxp + (oh * a.stride_h + off_h) * s.W;
              const T* dyr = dyp + oh * s.OW;
              if (a.stride_w == 1) {
                for (int64_t ow = rw.lo; ow < rw.hi; ++ow) dxr[ow + off_w] += wv * dyr[ow];
              } else {
                for (int64_t ow = rw.lo; ow < rw.hi; ++ow) {
                  dxr[ow * a.stride_w + off_w] += wv * dyr[ow];
                }
              }
            }
          }
        }
      }
    }
  });
}

// dy (N, OC, OH, OW), x (N, C, H, W) -> dw (OC, 1, KH, KW), overwritten; threaded over
// output channels, each summing over the whole batch.
template <typename T>
void depthwise_backward_weight(const T* dy, const T* x, T* dw, const ConvShape& s,
                               const Conv2dArgs& a) {
  const int64_t OCg = s.OCg(), P = s.OH * s.OW, HW = s.H * s.W;
  parallel_for(0, s.OC, s.N * P * s.KH * s.KW, [&](int64_t oc0, int64_t oc1) {
    for (int64_t oc = oc0; oc < oc1; ++oc) {
      for (int64_t kh = 0; kh < s.KH; ++kh) {
        const int64_t off_h = kh * a.dilation_h - a.pad_h;
        const auto rh = tap_range(s.H, s.OH, a.stride_h, off_h);
        for (int64_t kw = 0; kw < s.KW; ++kw) {
          const int64_t off_w = kw * a.dilation_w - a.pad_w;
          const auto rw = tap_range(s.W, s.OW, a.stride_w, off_w);
          acc_t<T> acc = 0;
          for (int64_t n = 0; n < s.N; ++n) {
            const T* xp = x + (n * s.C + oc / OCg) * HW;
            const T* dyp = dy + (n * s.OC + oc) * P;
            for (int64_t oh = rh.lo; oh < rh.hi; ++oh) {
              const T* xr = xp + (oh * a.stride_h + off_h) * s.W;
              const T* dyr = dyp + oh * s.OW;
              for (int64_t ow = rw.lo; ow < rw.hi; ++ow) {
                acc += static_cast<acc_t<T>>(dyr[ow]) *
                       static_cast<acc_t<T>>(xr[ow * a.stride_w + off_w]);
              }
            }
          }
          dw[(oc * s.KH + kh) * s.KW + kw] = static_cast<T>(acc);
        }
      }
    }
  });
}

// x (N, C, H, W), w (OC, C/G, KH, KW) -> y (N, OC, OH, OW), overwritten.
template <typename T>
void conv2d_loop(const T* x, const T* w, T* y, const ConvShape& s, const Conv2dArgs& a) {
  const int64_t Cg = s.Cg(), OCg = s.OCg(), P = s.OH * s.OW, HW = s.H * s.W;
  const int64_t CK = Cg * s.KH * s.KW;
  const bool pointwise = is_pointwise(s, a);
  parallel_for(0, s.N, s.OC * P * CK, [&](int64_t n0, int64_t n1) {
    std::vector<T> col(pointwise ? 0 : CK * P);
    for (int64_t n = n0; n < n1; ++n) {
      for (int64_t g = 0; g < s.G; ++g) {
        const T* xg = x + (n * s.C + g * Cg) * HW;
        if (!pointwise) im2col(xg, col.data(), s, a);
        gemm<T>(OCg, P, CK, w + g * OCg * CK, CK, 1, pointwise ? xg : col.data(), P, 1,
                y + (n * s.OC + g * OCg) * P, P, false);
      }
    }
  });
}

// dy (N, OC, OH, OW), w (OC, C/G, KH, KW) -> dx (N, C, H, W), overwritten.
template <typename T>
void conv2d_backward_input_loop(const T* dy, const T* w, T* dx, const ConvShape& s,
                                const Conv2dArgs& a) {
  const int64_t Cg = s.Cg(), OCg = s.OCg(), P = s.OH * s.OW, HW = s.H * s.W;
  const int64_t CK = Cg * s.KH * s.KW;
  const bool pointwise = is_pointwise(s, a);
  parallel_for(0, s.N, s.OC * P * CK, [&](int64_t n0, int64_t n1) {
    std::vector<T> col(pointwise ? 0 : CK * P);
    for (int64_t n = n0; n < n1; ++n) {
      for (int64_t g = 0; g < s.G; ++g) {
        T* dxg = dx + (n * s.C + g * Cg) * HW;
        const T* dyg = dy + (n * s.OC + g * OCg) * P;
        const T* wg = w + g * OCg * CK;
        if (pointwise) {
          gemm<T>(CK, P, OCg, wg, 1, CK, dyg, P, 1, dxg, P, false);
        } else {
          gemm<T>(CK, P, OCg, wg, 1, CK, dyg, P, 1, col.data(), P, false);
          std::fill(dxg, dxg + Cg * HW, T(0));
          col2im(col.data(), dxg, s, a);
        }
      }
    }
  });
}

// dy (N, OC, OH, OW), x (N, C, H, W) -> dw (OC, C/G, KH, KW), overwritten. The batch is cut
// into one slice per thread; each slice sums into its own buffer (slice 0 into dw) and the
// buffers are added in slice order.
template <typename T>
void conv2d_backward_weight_loop(const T* dy, const T* x, T* dw, const ConvShape& s,
                                 const Conv2dArgs& a) {
  const int64_t Cg = s.Cg(), OCg = s.OCg(), P = s.OH * s.OW, HW = s.H * s.W;
  const int64_t CK = Cg * s.KH * s.KW, weight_numel = s.OC * CK;
  const int64_t slices = std::clamp<int64_t>(num_threads(), 1, std::max<int64_t>(s.N, 1));
  std::vector<T> partial((slices - 1) * weight_numel);
  parallel_for(0, slices, s.N * s.OC * P * CK / slices, [&](int64_t b0, int64_t b1) {
    std::vector<T> col(CK * P);
    for (int64_t b = b0; b < b1; ++b) {
      T* acc = b == 0 ? dw : partial.data() + (b - 1) * weight_numel;
      std::fill(acc, acc + weight_numel, T(0));
      for (int64_t n = b * s.N / slices; n < (b + 1) * s.N / slices; ++n) {
        for (int64_t g = 0; g < s.G; ++g) {
          im2col(x + (n * s.C + g * Cg) * HW, col.data(), s, a);
          gemm<T>(OCg, CK, P, dy + (n * s.OC + g * OCg) * P, P, 1, col.data(), 1, P,
                  acc + g * OCg * CK, CK, true);
        }
      }
    }
  });
  for (int64_t b = 1; b < slices; ++b) {
    const T* p = partial.data() + (b - 1) * weight_numel;
    for (int64_t i = 0; i < weight_numel; ++i) dw[i] += p[i];
  }
}

void conv2d(const Tensor& x, const Tensor& w, Tensor& y, const Conv2dArgs& a) {
  const ConvShape s = kernels::conv_shape(x.sizes(), w.sizes(), y.sizes(), a.groups);
  dispatch_floating(x.dtype(), "conv2d", [&]<typename T>() {
    if (std::is_same_v<T, float> && winograd_applies(s, a)) {
      winograd_conv2d(x.data<float>(), w.data<float>(), y.data<float>(), s, a);
    } else if (s.Cg() == 1 && s.G > 1) {
      depthwise_forward(x.data<T>(), w.data<T>(), y.data<T>(), s, a);
    } else {
      conv2d_loop(x.data<T>(), w.data<T>(), y.data<T>(), s, a);
    }
  });
}

void conv2d_backward_input(const Tensor& dy, const Tensor& w, Tensor& dx, const Conv2dArgs& a) {
  const ConvShape s = kernels::conv_shape(dx.sizes(), w.sizes(), dy.sizes(), a.groups);
  dispatch_floating(dy.dtype(), "conv2d_backward_input", [&]<typename T>() {
    if (std::is_same_v<T, float> && winograd_applies(s, a)) {
      winograd_conv2d_backward_input(dy.data<float>(), w.data<float>(), dx.data<float>(), s, a);
    } else if (s.Cg() == 1 && s.G > 1) {
      depthwise_backward_input(dy.data<T>(), w.data<T>(), dx.data<T>(), s, a);
    } else {
      conv2d_backward_input_loop(dy.data<T>(), w.data<T>(), dx.data<T>(), s, a);
    }
  });
}

void conv2d_backward_weight(const Tensor& dy, const Tensor& x, Tensor& dw, const Conv2dArgs& a) {
  const ConvShape s = kernels::conv_shape(x.sizes(), dw.sizes(), dy.sizes(), a.groups);
  dispatch_floating(dy.dtype(), "conv2d_backward_weight", [&]<typename T>() {
    if (std::is_same_v<T, float> && winograd_applies(s, a)) {
      winograd_conv2d_backward_weight(dy.data<float>(), x.data<float>(), dw.data<float>(), s, a);
    } else if (s.Cg() == 1 && s.G > 1) {
      depthwise_backward_weight(dy.data<T>(), x.data<T>(), dw.data<T>(), s, a);
    } else {
      conv2d_backward_weight_loop(dy.data<T>(), x.data<T>(), dw.data<T>(), s, a);
    }
  });
}

}  // namespace

void register_conv() {
  constexpr Backend C = Backend::cpu;
  kernels::conv2d.set(C, &cpu::conv2d);
  kernels::conv2d_backward_input.set(C, &cpu::conv2d_backward_input);
  kernels::conv2d_backward_weight.set(C, &cpu::conv2d_backward_weight);
}

}  // namespace ember::cpu
