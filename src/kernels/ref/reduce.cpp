// Reference kernels: reductions, scans and softmax.
//
// Each kernel walks the contiguous (outer, reduce, inner) layout of ReduceGeometry with the
// most obvious loops, one output element at a time. Floating math runs in double (so the
// reference is at least as accurate as any fast kernel), integer math in int64.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

namespace {

using kernels::ReduceGeometry;
using kernels::ScalarArgs;

template <typename T>
using wide_t = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

// Element (o, r, i) of the (outer, reduce, inner) layout.
inline int64_t at(ReduceGeometry g, int64_t o, int64_t r, int64_t i) {
  return (o * g.reduce + r) * g.inner + i;
}

// out[o, i] = sum_r x[o, r, i].
void sum(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  dispatch_numeric(x.dtype(), "sum", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        wide_t<T> acc = 0;
        for (int64_t r = 0; r < g.reduce; ++r) acc += px[at(g, o, r, i)];
        po[o * g.inner + i] = static_cast<T>(acc);
      }
    }
  });
}

// out[o, i] = prod_r x[o, r, i] (1 for an empty reduction).
void prod(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  dispatch_numeric(x.dtype(), "prod", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        wide_t<T> acc = 1;
        for (int64_t r = 0; r < g.reduce; ++r) acc *= px[at(g, o, r, i)];
        po[o * g.inner + i] = static_cast<T>(acc);
      }
    }
  });
}

// out[o, i] = sum_r (x[o, r, i] - mean)^2 / max(0, reduce - args.a): two passes, as the
// textbook writes it. A divisor of 0 gives inf (or NaN for 0/0), as PyTorch.
void var(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "var", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    double divisor = std::max(0.0, static_cast<double>(g.reduce) - args.a);
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        double mean = 0;
        for (int64_t r = 0; r < g.reduce; ++r) mean += px[at(g, o, r, i)];
        mean /= static_cast<double>(g.reduce);
        double ssd = 0;
        for (int64_t r = 0; r < g.reduce; ++r) {
          double d = px[at(g, o, r, i)] - mean;
          ssd += d * d;
        }
        po[o * g.inner + i] = static_cast<T>(ssd / divisor);
      }
    }
  });
}

// values[o, i] = the largest (kIsMax) or smallest x[o, r, i], indices[o, i] = its r.
// The first NaN wins; at ties the first index wins. reduce >= 1 (the front door checks).
template <bool kIsMax>
void extremum(const Tensor& x, Tensor& values, Tensor& indices, ReduceGeometry g) {
  dispatch_numeric(x.dtype(), kIsMax ? "max" : "min", [&]<typename T>() {
    const T* px = x.data<T>();
    T* pv = values.data<T>();
    int64_t* pi = indices.data<int64_t>();
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        T best = px[at(g, o, 0, i)];
        int64_t best_r = 0;
        for (int64_t r = 1; r < g.reduce; ++r) {
          T v = px[at(g, o, r, i)];
          if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(best)) break;
            if (std::isnan(v)) {
              best = v;
              best_r = r;
              break;
            }
          }
          if (kIsMax ? v > best : v < best) {
            best = v;
            best_r = r;
          }
        }
        pv[o * g.inner + i] = best;
        pi[o * g.inner + i] = best_r;
      }
    }
  });
}

void max(const Tensor& x, Tensor& values, Tensor& indices, ReduceGeometry g) {
  extremum<true>(x, values, indices, g);
}
void min(const Tensor& x, Tensor& values, Tensor& indices, ReduceGeometry g) {
  extremum<false>(x, values, indices, g);
}

// out[o, r, i] = sum_{r' <= r} x[o, r', i].
void cumsum(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  dispatch_numeric(x.dtype(), "cumsum", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        wide_t<T> acc = 0;
        for (int64_t r = 0; r < g.reduce; ++r) {
          acc += px[at(g, o, r, i)];
          po[at(g, o, r, i)] = static_cast<T>(acc);
        }
      }
    }
  });
}

// out[o, r, i] = exp(x - m) / sum_r exp(x - m), or its log (kLog), with m the max over r.
template <bool kLog>
void softmax_impl(const Tensor& x, Tensor& out, ReduceGeometry g) {
  dispatch_floating(x.dtype(), kLog ? "log_softmax" : "softmax", [&]<typename T>() {
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        double m = -std::numeric_limits<double>::infinity();
        for (int64_t r = 0; r < g.reduce; ++r) {
          double v = px[at(g, o, r, i)];
          m = (v > m || std::isnan(v)) ? v : m;
        }
        double s = 0;
        for (int64_t r = 0; r < g.reduce; ++r) s += std::exp(px[at(g, o, r, i)] - m);
        for (int64_t r = 0; r < g.reduce; ++r) {
          double shifted = px[at(g, o, r, i)] - m;
          po[at(g, o, r, i)] = static_cast<T>(kLog ? shifted - std::log(s) : std::exp(shifted) / s);
        }
      }
    }
  });
}

void softmax(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  softmax_impl<false>(x, out, g);
}
void log_softmax(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  softmax_impl<true>(x, out, g);
}

// dx[o, r, i] = y (grad - sum_r grad y) for softmax, grad - exp(y) sum_r grad for
// log_softmax (kLog), y the forward's output.
template <bool kLog>
void softmax_backward_impl(const Tensor& grad, const Tensor& y, Tensor& dx, ReduceGeometry g) {
  dispatch_floating(y.dtype(), kLog ? "log_softmax_backward" : "softmax_backward",
                    [&]<typename T>() {
    const T* pg = grad.data<T>();
    const T* py = y.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        double s = 0;
        for (int64_t r = 0; r < g.reduce; ++r) {
          double gv = pg[at(g, o, r, i)];
          s += kLog ? gv : gv * static_cast<double>(py[at(g, o, r, i)]);
        }
        for (int64_t r = 0; r < g.reduce; ++r) {
          double gv = pg[at(g, o, r, i)], yv = py[at(g, o, r, i)];
          pdx[at(g, o, r, i)] = static_cast<T>(kLog ? gv - std::exp(yv) * s : yv * (gv - s));
        }
      }
    }
  });
}

void softmax_backward(const Tensor& grad, const Tensor& y, Tensor& dx, ReduceGeometry g) {
  softmax_backward_impl<false>(grad, y, dx, g);
}
void log_softmax_backward(const Tensor& grad, const Tensor& y, Tensor& dx, ReduceGeometry g) {
  softmax_backward_impl<true>(grad, y, dx, g);
}

}  // namespace

void register_reduce() {
  constexpr Backend R = Backend::ref;
  kernels::sum.set(R, &ref::sum);
  kernels::prod.set(R, &ref::prod);
  kernels::var.set(R, &ref::var);
  kernels::max.set(R, &ref::max);
  kernels::min.set(R, &ref::min);
  kernels::cumsum.set(R, &ref::cumsum);
  kernels::softmax.set(R, &ref::softmax);
  kernels::log_softmax.set(R, &ref::log_softmax);
  kernels::softmax_backward.set(R, &ref::softmax_backward);
  kernels::log_softmax_backward.set(R, &ref::log_softmax_backward);
}

}  // namespace ember::ref
