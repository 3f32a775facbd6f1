// Reference kernels: conv2d and its input and weight gradients, as direct loops over every
// (output element, kernel tap) pair with a bounds check per tap. Slow on purpose: these are
// the oracle for the im2col + GEMM kernels in src/kernels/cpu/conv.cpp.
#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/register.h"
#include "kernels/window.h"

namespace ember::ref {

namespace {

using kernels::Conv2dArgs;
using kernels::ConvShape;

// x (N, C, H, W), w (OC, C/G, KH, KW) -> y (N, OC, OH, OW), overwritten. Taps outside x
// read zero (padding). Accumulates in acc_t<T>.
template <typename T>
void conv2d_loop(const T* x, const T* w, T* y, const ConvShape& s, const Conv2dArgs& a) noexcept {
  const int64_t Cg = s.Cg(), OCg = s.OCg();
  for (int64_t n = 0; n < s.N; ++n) {
    for (int64_t oc = 0; oc < s.OC; ++oc) {
      const int64_t g = oc / OCg;
      for (int64_t oh = 0; oh < s.OH; ++oh) {
        for (int64_t ow = 0; ow < s.OW; ++ow) {
          acc_t<T> acc = 0;
          for (int64_t c = 0; c < Cg; ++c) {
            for (int64_t kh = 0; kh < s.KH; ++kh) {
              const int64_t ih = oh * a.stride_h - a.pad_h + kh * a.dilation_h;
              if (ih < 0 || ih >= s.H) continue;
              for (int64_t kw = 0; kw < s.KW; ++kw) {
                const int64_t iw = ow * a.stride_w - a.pad_w + kw * a.dilation_w;
                if (iw < 0 || iw >= s.W) continue;
                acc += static_cast<acc_t<T>>(x[((n * s.C + g * Cg + c) * s.H + ih) * s.W + iw]) *
                       static_cast<acc_t<T>>(w[((oc * Cg + c) * s.KH + kh) * s.KW + kw]);
              }
            }
          }
          y[((n * s.OC + oc) * s.OH + oh) * s.OW + ow] = static_cast<T>(acc);
        }
      }
    }
  }
}

// dy (N, OC, OH, OW), w (OC, C/G, KH, KW) -> dx (N, C, H, W), overwritten: the forward's
// loops with every product scattered back to the input element it read.
template <typename T>
void conv2d_backward_input_loop(const T* dy, const T* w, T* dx, const ConvShape& s,
                                const Conv2dArgs& a) noexcept {
  const int64_t Cg = s.Cg(), OCg = s.OCg();
  for (int64_t i = 0; i < s.N * s.C * s.H * s.W; ++i) dx[i] = T(0);
  for (int64_t n = 0; n < s.N; ++n) {
    for (int64_t oc = 0; oc < s.OC; ++oc) {
      const int64_t g = oc / OCg;
      for (int64_t oh = 0; oh < s.OH; ++oh) {
        for (int64_t ow = 0; ow < s.OW; ++ow) {
          const T d = dy[((n * s.OC + oc) * s.OH + oh) * s.OW + ow];
          for (int64_t c = 0; c < Cg; ++c) {
            for (int64_t kh = 0; kh < s.KH; ++kh) {
              const int64_t ih = oh * a.stride_h - a.pad_h + kh * a.dilation_h;
              if (ih < 0 || ih >= s.H) continue;
              for (int64_t kw = 0; kw < s.KW; ++kw) {
                const int64_t iw = ow * a.stride_w - a.pad_w + kw * a.dilation_w;
                if (iw < 0 || iw >= s.W) continue;
                dx[((n * s.C + g * Cg + c) * s.H + ih) * s.W + iw] +=
                    d * w[((oc * Cg + c) * s.KH + kh) * s.KW + kw];
              }
            }
          }
        }
      }
    }
  }
}

// dy (N, OC, OH, OW), x (N, C, H, W) -> dw (OC, C/G, KH, KW), overwritten: for each weight
// tap, the sum over images and output positions of dy times the input element it read.
template <typename T>
void conv2d_backward_weight_loop(const T* dy, const T* x, T* dw, const ConvShape& s,
                                 const Conv2dArgs& a) noexcept {
  const int64_t Cg = s.Cg(), OCg = s.OCg();
  for (int64_t oc = 0; oc < s.OC; ++oc) {
    const int64_t g = oc / OCg;
    for (int64_t c = 0; c < Cg; ++c) {
      for (int64_t kh = 0; kh < s.KH; ++kh) {
        for (int64_t kw = 0; kw < s.KW; ++kw) {
          acc_t<T> acc = 0;
          for (int64_t n = 0; n < s.N; ++n) {
            for (int64_t oh = 0; oh < s.OH; ++oh) {
              const int64_t ih = oh * a.stride_h - a.pad_h + kh * a.dilation_h;
              if (ih < 0 || ih >= s.H) continue;
              for (int64_t ow = 0; ow < s.OW; ++ow) {
                const int64_t iw = ow * a.stride_w - a.pad_w + kw * a.dilation_w;
                if (iw < 0 || iw >= s.W) continue;
                acc += static_cast<acc_t<T>>(dy[((n * s.OC + oc) * s.OH + oh) * s.OW + ow]) *
                       static_cast<acc_t<T>>(x[((n * s.C + g * Cg + c) * s.H + ih) * s.W + iw]);
              }
            }
          }
          dw[((oc * Cg + c) * s.KH + kh) * s.KW + kw] = static_cast<T>(acc);
        }
      }
    }
  }
}

void conv2d(const Tensor& x, const Tensor& w, Tensor& y, const Conv2dArgs& a) {
  dispatch_floating(x.dtype(), "conv2d", [&]<typename T>() {
    conv2d_loop(x.data<T>(), w.data<T>(), y.data<T>(),
                kernels::conv_shape(x.sizes(), w.sizes(), y.sizes(), a.groups), a);
  });
}

void conv2d_backward_input(const Tensor& dy, const Tensor& w, Tensor& dx, const Conv2dArgs& a) {
  dispatch_floating(dy.dtype(), "conv2d_backward_input", [&]<typename T>() {
    conv2d_backward_input_loop(dy.data<T>(), w.data<T>(), dx.data<T>(),
                               kernels::conv_shape(dx.sizes(), w.sizes(), dy.sizes(), a.groups), a);
  });
}

void conv2d_backward_weight(const Tensor& dy, const Tensor& x, Tensor& dw, const Conv2dArgs& a) {
  dispatch_floating(dy.dtype(), "conv2d_backward_weight", [&]<typename T>() {
    conv2d_backward_weight_loop(dy.data<T>(), x.data<T>(), dw.data<T>(),
                                kernels::conv_shape(x.sizes(), dw.sizes(), dy.sizes(), a.groups),
                                a);
  });
}

}  // namespace

void register_conv() {
  constexpr Backend R = Backend::ref;
  kernels::conv2d.set(R, &ref::conv2d);
  kernels::conv2d_backward_input.set(R, &ref::conv2d_backward_input);
  kernels::conv2d_backward_weight.set(R, &ref::conv2d_backward_weight);
}

}  // namespace ember::ref
