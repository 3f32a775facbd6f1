// Fast kernels: max, average and adaptive average pooling and their backward scatters.
// Windows are separable, so their clipped row and column ranges are computed once per
// call (not per element) and the inner loops carry no bounds checks; planes (N * C) are
// independent and split across threads. Same window rules and tie-breaking as the
// reference kernels in src/kernels/ref/pool.cpp.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/cpu/select.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

using kernels::Pool2dArgs;

struct PoolShape {
  int64_t planes, H, W, OH, OW;
};

PoolShape pool_shape(const Tensor& input, const Tensor& output) {
  return {input.size(0) * input.size(1), input.size(2), input.size(3), output.size(2),
          output.size(3)};
}

// The taps of one window along one axis: input positions start + k * dilation for k in
// [k_lo, k_hi), the ones inside [0, size).
struct Taps {
  int64_t start, k_lo, k_hi;
};

std::vector<Taps> window_taps(int64_t size, int64_t out, int64_t kernel, int64_t stride,
                              int64_t pad, int64_t dilation) {
  std::vector<Taps> taps(out);
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * stride - pad;
    const int64_t lo = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
    const int64_t hi =
        start >= size ? 0 : std::min(kernel, (size - start + dilation - 1) / dilation);
    taps[o] = {start, lo, std::max(lo, hi)};
  }
  return taps;
}

// One axis of an average-pooling window: [lo, hi) inside the input, and the window's length
// clipped to the padded input (PyTorch's count_include_pad divisor).
struct Span {
  int64_t lo, hi, padded;
};

std::vector<Span> avg_spans(int64_t size, int64_t out, int64_t kernel, int64_t stride,
                            int64_t pad) {
  std::vector<Span> spans(out);
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * stride - pad;
    const int64_t end = std::min(start + kernel, size + pad);
    spans[o] = {std::max<int64_t>(start, 0), std::min(end, size), end - start};
  }
  return spans;
}

int64_t avg_divisor(const Span& h, const Span& w, const Pool2dArgs& a) {
  if (a.divisor_override != 0) return a.divisor_override;
  return a.count_include_pad ? h.padded * w.padded : (h.hi - h.lo) * (w.hi - w.lo);
}

// Adaptive bins [floor(i * in / out), ceil((i + 1) * in / out)) as spans (padded unused).
std::vector<Span> adaptive_spans(int64_t size, int64_t out) {
  std::vector<Span> spans(out);
  for (int64_t o = 0; o < out; ++o) {
    const int64_t lo = o * size / out, hi = ((o + 1) * size + out - 1) / out;
    spans[o] = {lo, hi, hi - lo};
  }
  return spans;
}

// One output of a max window, every tap clipped: the first tap inside the window wins ties,
// NaN wins over numbers, and an all-padding window is -inf with index -1.
template <typename T>
void max_window(const T* xp, const Taps& h, const Taps& w, int64_t W, const Pool2dArgs& a, T& y,
                int64_t& index_out) {
  T best = -std::numeric_limits<T>::infinity();
  int64_t best_index = -1;
  if (h.k_lo < h.k_hi && w.k_lo < w.k_hi) {
    best_index = (h.start + h.k_lo * a.dilation_h) * W + w.start + w.k_lo * a.dilation_w;
    best = xp[best_index];
  }
  for (int64_t kh = h.k_lo; kh < h.k_hi; ++kh) {
    const int64_t row = (h.start + kh * a.dilation_h) * W;
    for (int64_t kw = w.k_lo; kw < w.k_hi; ++kw) {
      const int64_t index = row + w.start + kw * a.dilation_w;
      const T v = xp[index];
      const bool take = (v > best) | (v != v);
      best = select(take, v, best);
      best_index = select(take, index, best_index);
    }
  }
  y = best;
  index_out = best_index;
}

// Outputs [0, cols) of a row of 2 x 2, stride-2 windows over input rows `row` and
// `row + W` (offsets into the plane): the taps of max_window in its order, unrolled, so the
// outputs are independent chains the CPU overlaps.
template <typename T>
void max_pairs_row(const T* xp, int64_t row, int64_t W, int64_t cols, T* yr, int64_t* ir) {
  for (int64_t ow = 0; ow < cols; ++ow) {
    int64_t index = row + 2 * ow;
    T best = xp[index];
    int64_t best_index = index;
    for (const int64_t tap : {index + 1, index + W, index + W + 1}) {
      const T v = xp[tap];
      const bool take = (v > best) | (v != v);
      best = select(take, v, best);
      best_index = select(take, tap, best_index);
    }
    yr[ow] = best;
    ir[ow] = best_index;
  }
}

template <typename T>
void max_pool2d_loop(const T* x, T* y, int64_t* indices, const PoolShape& s, const Pool2dArgs& a) {
  const auto th = window_taps(s.H, s.OH, a.kernel_h, a.stride_h, a.pad_h, a.dilation_h);
  const auto tw = window_taps(s.W, s.OW, a.kernel_w, a.stride_w, a.pad_w, a.dilation_w);
  // The 2 x 2, stride-2, unpadded window of most CNNs: its full rows take max_pairs_row.
  const bool pairs = a.kernel_h == 2 && a.kernel_w == 2 && a.stride_w == 2 && a.pad_w == 0 &&
                     a.dilation_h == 1 && a.dilation_w == 1;
  const int64_t pair_cols = pairs ? std::min(s.OW, s.W / 2) : 0;
  parallel_for(0, s.planes, s.OH * s.OW * a.kernel_h * a.kernel_w, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const T* xp = x + p * s.H * s.W;
      T* yp = y + p * s.OH * s.OW;
      int64_t* ip = indices + p * s.OH * s.OW;
      for (int64_t oh = 0; oh < s.OH; ++oh) {
        T* yr = yp + oh * s.OW;
        int64_t* ir = ip + oh * s.OW;
        const bool full_pairs = pairs && th[oh].k_lo == 0 && th[oh].k_hi == 2;
        if (full_pairs) max_pairs_row(xp, th[oh].start * s.W, s.W, pair_cols, yr, ir);
        for (int64_t ow = full_pairs ? pair_cols : 0; ow < s.OW; ++ow) {
          max_window(xp, th[oh], tw[ow], s.W, a, yr[ow], ir[ow]);
        }
      }
    }
  });
}

template <typename T>
void max_pool2d_backward_loop(const T* dy, const int64_t* indices, T* dx, const PoolShape& s) {
  parallel_for(0, s.planes, s.H * s.W + s.OH * s.OW, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      T* dxp = dx + p * s.H * s.W;
      std::fill(dxp, dxp + s.H * s.W, T(0));
      const T* dyp = dy + p * s.OH * s.OW;
      const int64_t* ip = indices + p * s.OH * s.OW;
      for (int64_t o = 0; o < s.OH * s.OW; ++o) {
        if (ip[o] >= 0) dxp[ip[o]] += dyp[o];
      }
    }
  });
}

// Average over each window: spans from `spans_h`, `spans_w`; divisor from `divisor(h, w)`.
template <typename T, typename Divisor>
void window_mean(const T* x, T* y, const PoolShape& s, const std::vector<Span>& sh,
                 const std::vector<Span>& sw, int64_t window, const Divisor& divisor) {
  parallel_for(0, s.planes, s.OH * s.OW * window, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const T* xp = x + p * s.H * s.W;
      T* yp = y + p * s.OH * s.OW;
      for (int64_t oh = 0; oh < s.OH; ++oh) {
        const Span& h = sh[oh];
        for (int64_t ow = 0; ow < s.OW; ++ow) {
          const Span& w = sw[ow];
          acc_t<T> sum = 0;
          for (int64_t ih = h.lo; ih < h.hi; ++ih) {
            for (int64_t iw = w.lo; iw < w.hi; ++iw) sum += xp[ih * s.W + iw];
          }
          yp[oh * s.OW + ow] = divisor(h, w, sum);
        }
      }
    }
  });
}

// The adjoint of window_mean: dx zeroed, then share(h, w, dy) added over each window.
template <typename T, typename Share>
void window_scatter(const T* dy, T* dx, const PoolShape& s, const std::vector<Span>& sh,
                    const std::vector<Span>& sw, int64_t window, const Share& share) {
  parallel_for(0, s.planes, s.OH * s.OW * window + s.H * s.W, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      T* dxp = dx + p * s.H * s.W;
      std::fill(dxp, dxp + s.H * s.W, T(0));
      const T* dyp = dy + p * s.OH * s.OW;
      for (int64_t oh = 0; oh < s.OH; ++oh) {
        const Span& h = sh[oh];
        for (int64_t ow = 0; ow < s.OW; ++ow) {
          const Span& w = sw[ow];
          const T d = share(h, w, dyp[oh * s.OW + ow]);
          for (int64_t ih = h.lo; ih < h.hi; ++ih) {
            for (int64_t iw = w.lo; iw < w.hi; ++iw) dxp[ih * s.W + iw] += d;
          }
        }
      }
    }
  });
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
    const PoolShape s = pool_shape(x, y);
    window_mean(x.data<T>(), y.data<T>(), s, avg_spans(s.H, s.OH, a.kernel_h, a.stride_h, a.pad_h),
                avg_spans(s.W, s.OW, a.kernel_w, a.stride_w, a.pad_w), a.kernel_h * a.kernel_w,
                [&](const Span& h, const Span& w, acc_t<T> sum) {
                  if (h.lo >= h.hi || w.lo >= w.hi) return T(0);
                  return static_cast<T>(sum / avg_divisor(h, w, a));
                });
  });
}

void avg_pool2d_backward(const Tensor& dy, Tensor& dx, Tensor&, const Pool2dArgs& a) {
  dispatch_floating(dy.dtype(), "avg_pool2d_backward", [&]<typename T>() {
    const PoolShape s = pool_shape(dx, dy);
    window_scatter(dy.data<T>(), dx.data<T>(), s,
                   avg_spans(s.H, s.OH, a.kernel_h, a.stride_h, a.pad_h),
                   avg_spans(s.W, s.OW, a.kernel_w, a.stride_w, a.pad_w), a.kernel_h * a.kernel_w,
                   [&](const Span& h, const Span& w, T d) {
                     return d / static_cast<T>(avg_divisor(h, w, a));
                   });
  });
}

void adaptive_avg_pool2d(const Tensor& x, Tensor& y, Tensor&, const Pool2dArgs&) {
  dispatch_floating(x.dtype(), "adaptive_avg_pool2d", [&]<typename T>() {
    const PoolShape s = pool_shape(x, y);
    const int64_t window = s.OH > 0 && s.OW > 0 ? (s.H / s.OH + 1) * (s.W / s.OW + 1) : 0;
    window_mean(x.data<T>(), y.data<T>(), s, adaptive_spans(s.H, s.OH), adaptive_spans(s.W, s.OW),
                window, [](const Span& h, const Span& w, acc_t<T> sum) {
                  return static_cast<T>(sum / h.padded / w.padded);
                });
  });
}

void adaptive_avg_pool2d_backward(const Tensor& dy, Tensor& dx, Tensor&, const Pool2dArgs&) {
  dispatch_floating(dy.dtype(), "adaptive_avg_pool2d_backward", [&]<typename T>() {
    const PoolShape s = pool_shape(dx, dy);
    const int64_t window = s.OH > 0 && s.OW > 0 ? (s.H / s.OH + 1) * (s.W / s.OW + 1) : 0;
    window_scatter(dy.data<T>(), dx.data<T>(), s, adaptive_spans(s.H, s.OH),
                   adaptive_spans(s.W, s.OW), window, [](const Span& h, const Span& w, T d) {
                     return d / static_cast<T>(h.padded) / static_cast<T>(w.padded);
                   });
  });
}

}  // namespace

void register_pool() {
  constexpr Backend C = Backend::cpu;
  kernels::max_pool2d.set(C, &cpu::max_pool2d);
  kernels::max_pool2d_backward.set(C, &cpu::max_pool2d_backward);
  kernels::avg_pool2d.set(C, &cpu::avg_pool2d);
  kernels::avg_pool2d_backward.set(C, &cpu::avg_pool2d_backward);
  kernels::adaptive_avg_pool2d.set(C, &cpu::adaptive_avg_pool2d);
  kernels::adaptive_avg_pool2d_backward.set(C, &cpu::adaptive_avg_pool2d_backward);
}

}  // namespace ember::cpu
