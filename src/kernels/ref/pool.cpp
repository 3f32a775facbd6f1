// Reference kernels: max, average and adaptive average pooling over (H, W) and their
// backward scatters, one output element at a time with every window tap bounds-checked.
// The window rules are PyTorch's (aten/src/ATen/native/cpu/*PoolKernel.cpp); the fast
// kernels in src/kernels/cpu/pool.cpp are tested against these.
#include <cmath>
#include <limits>

#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

namespace {

using kernels::Pool2dArgs;

// Planes (N * C) and plane sizes of a pooling call: input (.., H, W), output (.., OH, OW).
struct PoolShape {
  int64_t planes, H, W, OH, OW;
};

PoolShape pool_shape(const Tensor& input, const Tensor& output) {
  return {input.size(0) * input.size(1), input.size(2), input.size(3), output.size(2),
          output.size(3)};
}

// Window of output (oh, ow) for average pooling: PyTorch divides by the window clipped to
// the padded input (count_include_pad) or to the input itself, unless divisor_override.
struct AvgWindow {
  int64_t h0, h1, w0, w1;  // clipped to the input
  int64_t divisor;
};

AvgWindow avg_window(int64_t oh, int64_t ow, const PoolShape& s, const Pool2dArgs& a) {
  int64_t h0 = oh * a.stride_h - a.pad_h, w0 = ow * a.stride_w - a.pad_w;
  int64_t h1 = std::min(h0 + a.kernel_h, s.H + a.pad_h);
  int64_t w1 = std::min(w0 + a.kernel_w, s.W + a.pad_w);
  const int64_t padded_size = (h1 - h0) * (w1 - w0);
  h0 = std::max<int64_t>(h0, 0);
  w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, s.H);
  w1 = std::min(w1, s.W);
  int64_t divisor = a.divisor_override != 0 ? a.divisor_override
                    : a.count_include_pad   ? padded_size
                                            : (h1 - h0) * (w1 - w0);
  return {h0, h1, w0, w1, divisor};
}

// Adaptive bins: [floor(i * in / out), ceil((i + 1) * in / out)).
int64_t bin_start(int64_t i, int64_t in, int64_t out) { return i * in / out; }
int64_t bin_end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }

// x (planes, H, W) -> y, indices (planes, OH, OW). The first maximum wins and a NaN wins
// over numbers (the last NaN's index, as PyTorch). A window with no tap inside the input
// gives -inf and index -1.
template <typename T>
void max_pool2d_loop(const T* x, T* y, int64_t* indices, const PoolShape& s,
                     const Pool2dArgs& a) noexcept {
  for (int64_t p = 0; p < s.planes; ++p) {
    const T* xp = x + p * s.H * s.W;
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        T best = -std::numeric_limits<T>::infinity();
        int64_t best_index = -1;
        for (int64_t kh = 0; kh < a.kernel_h; ++kh) {
          const int64_t ih = oh * a.stride_h - a.pad_h + kh * a.dilation_h;
          if (ih < 0 || ih >= s.H) continue;
          for (int64_t kw = 0; kw < a.kernel_w; ++kw) {
            const int64_t iw = ow * a.stride_w - a.pad_w + kw * a.dilation_w;
            if (iw < 0 || iw >= s.W) continue;
            const T v = xp[ih * s.W + iw];
            if (best_index < 0 || v > best || std::isnan(v)) {
              best = v;
              best_index = ih * s.W + iw;
            }
          }
        }
        const int64_t o = (p * s.OH + oh) * s.OW + ow;
        y[o] = best;
        indices[o] = best_index;
      }
    }
  }
}

// dy, indices (planes, OH, OW) -> dx (planes, H, W): zeroed, then each dy added at its index.
template <typename T>
void max_pool2d_backward_loop(const T* dy, const int64_t* indices, T* dx,
                              const PoolShape& s) noexcept {
  for (int64_t i = 0; i < s.planes * s.H * s.W; ++i) dx[i] = T(0);
  for (int64_t p = 0; p < s.planes; ++p) {
    for (int64_t o = 0; o < s.OH * s.OW; ++o) {
      const int64_t index = indices[p * s.OH * s.OW + o];
      if (index >= 0) dx[p * s.H * s.W + index] += dy[p * s.OH * s.OW + o];
    }
  }
}

// x (planes, H, W) -> y (planes, OH, OW): window sums over the divisor of avg_window.
template <typename T>
void avg_pool2d_loop(const T* x, T* y, const PoolShape& s, const Pool2dArgs& a) noexcept {
  for (int64_t p = 0; p < s.planes; ++p) {
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        const AvgWindow win = avg_window(oh, ow, s, a);
        acc_t<T> sum = 0;
        for (int64_t ih = win.h0; ih < win.h1; ++ih) {
          for (int64_t iw = win.w0; iw < win.w1; ++iw) sum += x[(p * s.H + ih) * s.W + iw];
        }
        const bool empty = win.h0 >= win.h1 || win.w0 >= win.w1;
        y[(p * s.OH + oh) * s.OW + ow] = empty ? T(0) : static_cast<T>(sum / win.divisor);
      }
    }
  }
}

// dy (planes, OH, OW) -> dx (planes, H, W): zeroed, then dy / divisor added over each window.
template <typename T>
void avg_pool2d_backward_loop(const T* dy, T* dx, const PoolShape& s,
                              const Pool2dArgs& a) noexcept {
  for (int64_t i = 0; i < s.planes * s.H * s.W; ++i) dx[i] = T(0);
  for (int64_t p = 0; p < s.planes; ++p) {
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        const AvgWindow win = avg_window(oh, ow, s, a);
        const T share = dy[(p * s.OH + oh) * s.OW + ow] / static_cast<T>(win.divisor);
        for (int64_t ih = win.h0; ih < win.h1; ++ih) {
          for (int64_t iw = win.w0; iw < win.w1; ++iw) dx[(p * s.H + ih) * s.W + iw] += share;
        }
      }
    }
  }
}

// x (planes, H, W) -> y (planes, OH, OW): the mean of each adaptive bin.
template <typename T>
void adaptive_avg_pool2d_loop(const T* x, T* y, const PoolShape& s) noexcept {
  for (int64_t p = 0; p < s.planes; ++p) {
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      const int64_t h0 = bin_start(oh, s.H, s.OH), h1 = bin_end(oh, s.H, s.OH);
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        const int64_t w0 = bin_start(ow, s.W, s.OW), w1 = bin_end(ow, s.W, s.OW);
        acc_t<T> sum = 0;
        for (int64_t ih = h0; ih < h1; ++ih) {
          for (int64_t iw = w0; iw < w1; ++iw) sum += x[(p * s.H + ih) * s.W + iw];
        }
        y[(p * s.OH + oh) * s.OW + ow] = static_cast<T>(sum / (h1 - h0) / (w1 - w0));
      }
    }
  }
}

// dy (planes, OH, OW) -> dx (planes, H, W): zeroed, then dy / bin size added over each bin.
template <typename T>
void adaptive_avg_pool2d_backward_loop(const T* dy, T* dx, const PoolShape& s) noexcept {
  for (int64_t i = 0; i < s.planes * s.H * s.W; ++i) dx[i] = T(0);
  for (int64_t p = 0; p < s.planes; ++p) {
    for (int64_t oh = 0; oh < s.OH; ++oh) {
      const int64_t h0 = bin_start(oh, s.H, s.OH), h1 = bin_end(oh, s.H, s.OH);
      for (int64_t ow = 0; ow < s.OW; ++ow) {
        const int64_t w0 = bin_start(ow, s.W, s.OW), w1 = bin_end(ow, s.W, s.OW);
        const T share =
            dy[(p * s.OH + oh) * s.OW + ow] / static_cast<T>(h1 - h0) / static_cast<T>(w1 - w0);
        for (int64_t ih = h0; ih < h1; ++ih) {
          for (int64_t iw = w0; iw < w1; ++iw) dx[(p * s.H + ih) * s.W + iw] += share;
        }
      }
    }
  }
}

void max_pool2d(const Tensor& x, Tensor& y, Tensor& indices, const Pool2dArgs& a) {
  dispatch_floating(x.dtype(), "max_pool2d", [&]<typename T>() {
    max_pool2d_loop(x.data<T>(), y.data<T>(), indices.data<int64_t>(), pool_shape(x, y), a);
  });
}

void max_pool2d_backward(const Tensor& dy, Tensor& dx, Tensor& indices, const Pool2dArgs&) {
  dispatch_floating(dy.dtype(), "max_pool2d_backward", [&]<typename T>() {
    max_pool2d_backward_loop(dy.data<T>(), indices.data<int64_t>(), dx.data<T>(),
                             pool_shape(dx, dy));
  });
}

void avg_pool2d(const Tensor& x, Tensor& y, Tensor&, const Pool2dArgs& a) {
  dispatch_floating(x.dtype(), "avg_pool2d", [&]<typename T>() {
    avg_pool2d_loop(x.data<T>(), y.data<T>(), pool_shape(x, y), a);
  });
}

void avg_pool2d_backward(const Tensor& dy, Tensor& dx, Tensor&, const Pool2dArgs& a) {
  dispatch_floating(dy.dtype(), "avg_pool2d_backward", [&]<typename T>() {
    avg_pool2d_backward_loop(dy.data<T>(), dx.data<T>(), pool_shape(dx, dy), a);
  });
}

void adaptive_avg_pool2d(const Tensor& x, Tensor& y, Tensor&, const Pool2dArgs&) {
  dispatch_floating(x.dtype(), "adaptive_avg_pool2d", [&]<typename T>() {
    adaptive_avg_pool2d_loop(x.data<T>(), y.data<T>(), pool_shape(x, y));
  });
}

void adaptive_avg_pool2d_backward(const Tensor& dy, Tensor& dx, Tensor&, const Pool2dArgs&) {
  dispatch_floating(dy.dtype(), "adaptive_avg_pool2d_backward", [&]<typename T>() {
    adaptive_avg_pool2d_backward_loop(dy.data<T>(), dx.data<T>(), pool_shape(dx, dy));
  });
}

}  // namespace

void register_pool() {
  constexpr Backend R = Backend::ref;
  kernels::max_pool2d.set(R, &ref::max_pool2d);
  kernels::max_pool2d_backward.set(R, &ref::max_pool2d_backward);
  kernels::avg_pool2d.set(R, &ref::avg_pool2d);
  kernels::avg_pool2d_backward.set(R, &ref::avg_pool2d_backward);
  kernels::adaptive_avg_pool2d.set(R, &ref::adaptive_avg_pool2d);
  kernels::adaptive_avg_pool2d_backward.set(R, &ref::adaptive_avg_pool2d_backward);
}

}  // namespace ember::ref
