// Fast kernels: reductions, scans and softmax.
//
// Every kernel takes the contiguous (outer, reduce, inner) layout of ReduceGeometry and has
// two loop shapes:
//   rows          inner == 1: each output reads one contiguous run of `reduce` elements;
//   column tiles  inner > 1: r runs outside and a tile of up to kTile contiguous inner
//                 columns inside, so the inner loop vectorises and the per-column
//                 accumulators fit on the stack (kernels never allocate).
// parallel_for splits the rows, or the (outer, tile) pairs, across threads. Floating math runs
// in the accumulation type acc_t (float for float32), integer math in int64. The softmax rows
// run in AVX-512 / AVX2 clones on the vectorisable float32 exp of kernels/cpu/vectorize.h.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/cpu/vectorize.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

using kernels::ReduceGeometry;
using kernels::ScalarArgs;

constexpr int64_t kTile = 128;

// Calls f(o) for every outer index, `cost` elements of work each.
template <typename F>
void for_each_outer(ReduceGeometry g, int64_t cost, const F& f) {
  parallel_for(0, g.outer, cost, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) f(o);
  });
}

// Calls f(o, i0, n) for every outer index and tile [i0, i0 + n) of inner columns.
template <typename F>
void for_each_column_tile(ReduceGeometry g, int64_t cost_per_element, const F& f) {
  int64_t tiles = (g.inner + kTile - 1) / kTile;
  int64_t cost = g.reduce * std::min(g.inner, kTile) * cost_per_element;
  parallel_for(0, g.outer * tiles, cost, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      int64_t o = t / tiles, i0 = (t % tiles) * kTile;
      f(o, i0, std::min(kTile, g.inner - i0));
    }
  });
}

template <typename T>
constexpr bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return v != v;
  } else {
    return false;
  }
}

// Sum of a contiguous run with 8 independent accumulators: vectorisable, and the partial
// sums keep float32 rounding error close to pairwise summation's.
template <typename T>
acc_t<T> sum_run(const T* p, int64_t n) {
  using Acc = acc_t<T>;
  Acc acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) acc[k] += static_cast<Acc>(p[i + k]);
  }
  Acc total = 0;
  for (; i < n; ++i) total += static_cast<Acc>(p[i]);
  return total + ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

template <typename T>
acc_t<T> prod_run(const T* p, int64_t n) {
  using Acc = acc_t<T>;
  Acc acc[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) acc[k] *= static_cast<Acc>(p[i + k]);
  }
  Acc total = 1;
  for (; i < n; ++i) total *= static_cast<Acc>(p[i]);
  return total * ((acc[0] * acc[1]) * (acc[2] * acc[3])) * ((acc[4] * acc[5]) * (acc[6] * acc[7]));
}

// Sum of squared deviations from `mean` of a contiguous run.
template <typename T>
acc_t<T> ssd_run(const T* p, int64_t n, acc_t<T> mean) {
  using Acc = acc_t<T>;
  Acc acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) {
      Acc d = static_cast<Acc>(p[i + k]) - mean;
      acc[k] += d * d;
    }
  }
  Acc total = 0;
  for (; i < n; ++i) {
    Acc d = static_cast<Acc>(p[i]) - mean;
    total += d * d;
  }
  return total + ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// out[o, i] = sum_r x[o, r, i].
void sum(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  dispatch_numeric(x.dtype(), "sum", [&]<typename T>() {
    using Acc = acc_t<T>;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    if (g.inner == 1) {
      for_each_outer(g, g.reduce, [&](int64_t o) {
        po[o] = static_cast<T>(sum_run(px + o * g.reduce, g.reduce));
      });
      return;
    }
    for_each_column_tile(g, 1, [&](int64_t o, int64_t i0, int64_t n) {
      Acc acc[kTile] = {};
      const T* base = px + o * g.reduce * g.inner + i0;
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) acc[i] += static_cast<Acc>(row[i]);
      }
      for (int64_t i = 0; i < n; ++i) po[o * g.inner + i0 + i] = static_cast<T>(acc[i]);
    });
  });
}

// out[o, i] = prod_r x[o, r, i].
void prod(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  dispatch_numeric(x.dtype(), "prod", [&]<typename T>() {
    using Acc = acc_t<T>;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    if (g.inner == 1) {
      for_each_outer(g, g.reduce, [&](int64_t o) {
        po[o] = static_cast<T>(prod_run(px + o * g.reduce, g.reduce));
      });
      return;
    }
    for_each_column_tile(g, 1, [&](int64_t o, int64_t i0, int64_t n) {
      Acc acc[kTile];
      std::fill(acc, acc + n, Acc(1));
      const T* base = px + o * g.reduce * g.inner + i0;
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) acc[i] *= static_cast<Acc>(row[i]);
      }
      for (int64_t i = 0; i < n; ++i) po[o * g.inner + i0 + i] = static_cast<T>(acc[i]);
    });
  });
}

// out[o, i] = sum_r (x[o, r, i] - mean)^2 / max(0, reduce - args.a). Two passes (mean,
// then squared deviations): unlike the one-pass E[x^2] - E[x]^2 it cannot cancel.
void var(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs& args) {
  dispatch_floating(x.dtype(), "var", [&]<typename T>() {
    using Acc = acc_t<T>;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const Acc n_red = static_cast<Acc>(g.reduce);
    const Acc divisor = static_cast<Acc>(std::max(0.0, static_cast<double>(g.reduce) - args.a));
    if (g.inner == 1) {
      for_each_outer(g, 2 * g.reduce, [&](int64_t o) {
        const T* row = px + o * g.reduce;
        Acc mean = sum_run(row, g.reduce) / n_red;
        po[o] = static_cast<T>(ssd_run(row, g.reduce, mean) / divisor);
      });
      return;
    }
    for_each_column_tile(g, 2, [&](int64_t o, int64_t i0, int64_t n) {
      Acc mean[kTile] = {};
      Acc ssd[kTile] = {};
      const T* base = px + o * g.reduce * g.inner + i0;
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) mean[i] += static_cast<Acc>(row[i]);
      }
      for (int64_t i = 0; i < n; ++i) mean[i] /= n_red;
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) {
          Acc d = static_cast<Acc>(row[i]) - mean[i];
          ssd[i] += d * d;
        }
      }
      for (int64_t i = 0; i < n; ++i) po[o * g.inner + i0 + i] = static_cast<T>(ssd[i] / divisor);
    });
  });
}

// values/indices of the largest (kIsMax) or smallest element along r. A candidate replaces
// the best unless the best is already NaN; it wins when it is NaN or strictly better, so the
// first NaN and, at ties, the first index win. reduce >= 1 (the front door checks).
template <bool kIsMax, typename T>
inline bool replaces(T candidate, T best) {
  if (is_nan(best)) return false;
  return is_nan(candidate) || (kIsMax ? candidate > best : candidate < best);
}

template <bool kIsMax>
void extremum(const Tensor& x, Tensor& values, Tensor& indices, ReduceGeometry g) {
  dispatch_numeric(x.dtype(), kIsMax ? "max" : "min", [&]<typename T>() {
    const T* px = x.data<T>();
    T* pv = values.data<T>();
    int64_t* pi = indices.data<int64_t>();
    if (g.inner == 1) {
      for_each_outer(g, g.reduce, [&](int64_t o) {
        const T* row = px + o * g.reduce;
        T best = row[0];
        int64_t best_r = 0;
        for (int64_t r = 1; r < g.reduce; ++r) {
          if (replaces<kIsMax>(row[r], best)) {
            best = row[r];
            best_r = r;
          }
        }
        pv[o] = best;
        pi[o] = best_r;
      });
      return;
    }
    for_each_column_tile(g, 1, [&](int64_t o, int64_t i0, int64_t n) {
      T best[kTile];
      int64_t best_r[kTile] = {};
      const T* base = px + o * g.reduce * g.inner + i0;
      std::copy(base, base + n, best);
      for (int64_t r = 1; r < g.reduce; ++r) {
        const T* row = base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) {
          if (replaces<kIsMax>(row[i], best[i])) {
            best[i] = row[i];
            best_r[i] = r;
          }
        }
      }
      std::copy(best, best + n, pv + o * g.inner + i0);
      std::copy(best_r, best_r + n, pi + o * g.inner + i0);
    });
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
    using Acc = acc_t<T>;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    if (g.inner == 1) {
      for_each_outer(g, g.reduce, [&](int64_t o) {
        const T* row = px + o * g.reduce;
        T* dst = po + o * g.reduce;
        Acc acc = 0;
        for (int64_t r = 0; r < g.reduce; ++r) {
          acc += static_cast<Acc>(row[r]);
          dst[r] = static_cast<T>(acc);
        }
      });
      return;
    }
    for_each_column_tile(g, 1, [&](int64_t o, int64_t i0, int64_t n) {
      Acc acc[kTile] = {};
      int64_t base = o * g.reduce * g.inner + i0;
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = px + base + r * g.inner;
        T* dst = po + base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) {
          acc[i] += static_cast<Acc>(row[i]);
          dst[i] = static_cast<T>(acc[i]);
        }
      }
    });
  });
}

// ---- softmax --------------------------------------------------------------------------------

// The loops over one contiguous row of R values of the softmax kernels, in AVX-512 / AVX2
// clones; exp_fast is the vectorisable exp_f32 for float32 (Note [Vectorised exp]).

// out = exp(x - m).
template <typename T>
EMBER_VECTOR_CLONES void row_exp_shifted(const T* __restrict x, T* __restrict out, int64_t R,
                                         T m) {
  for (int64_t r = 0; r < R; ++r) out[r] = exp_fast(x[r] - m);
}

// out *= a.
template <typename T>
EMBER_VECTOR_CLONES void row_scale(T* __restrict out, int64_t R, T a) {
  for (int64_t r = 0; r < R; ++r) out[r] *= a;
}

// out = (x - m) - c.
template <typename T>
EMBER_VECTOR_CLONES void row_log_softmax(const T* __restrict x, T* __restrict out, int64_t R, T m,
                                         T c) {
  for (int64_t r = 0; r < R; ++r) out[r] = (x[r] - m) - c;
}

// dx = y (g - dot).
template <typename T>
EMBER_VECTOR_CLONES void row_softmax_backward(const T* __restrict g, const T* __restrict y,
                                              T* __restrict dx, int64_t R, T dot) {
  for (int64_t r = 0; r < R; ++r) dx[r] = y[r] * (g[r] - dot);
}

// dx = g - exp(y) sum_g.
template <typename T>
EMBER_VECTOR_CLONES void row_log_softmax_backward(const T* __restrict g, const T* __restrict y,
                                                  T* __restrict dx, int64_t R, T sum_g) {
  for (int64_t r = 0; r < R; ++r) dx[r] = g[r] - exp_fast(y[r]) * sum_g;
}

// Softmax (or its log, kLog) along r with the max m subtracted: exp(x - m) never
// overflows and the largest term is 1, so the sum is at least 1. A row is done in one
// sweep of passes over cache-resident data: max, exp (into out), sum, scale. A NaN in the
// row is left out of the max but makes the sum NaN, hence every output, as in the reference.
template <bool kLog>
void softmax_impl(const Tensor& x, Tensor& out, ReduceGeometry g) {
  dispatch_floating(x.dtype(), kLog ? "log_softmax" : "softmax", [&]<typename T>() {
    static_assert(std::is_same_v<T, acc_t<T>>);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    if (g.inner == 1) {
      for_each_outer(g, 8 * g.reduce, [&](int64_t o) {
        const T* row = px + o * g.reduce;
        T* dst = po + o * g.reduce;
        const T m = row_max(row, g.reduce);
        row_exp_shifted(row, dst, g.reduce, m);
        const T s = row_sum(dst, g.reduce);
        if constexpr (kLog) {
          // (x - m) - log(s), not x - (m + log(s)): x - m is exact for the large entries.
          row_log_softmax(row, dst, g.reduce, m, std::log(s));
        } else {
          row_scale(dst, g.reduce, T(1) / s);
        }
      });
      return;
    }
    for_each_column_tile(g, 8, [&](int64_t o, int64_t i0, int64_t n) {
      T m[kTile];
      T s[kTile] = {};
      int64_t base = o * g.reduce * g.inner + i0;
      std::fill(m, m + n, -std::numeric_limits<T>::infinity());
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = px + base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) m[i] = (row[i] > m[i] || is_nan(row[i])) ? row[i] : m[i];
      }
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = px + base + r * g.inner;
        T* dst = po + base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) {
          T e = exp_fast(row[i] - m[i]);
          if constexpr (!kLog) dst[i] = e;
          s[i] += e;
        }
      }
      // s becomes what the last pass applies: log(s) to subtract, or 1 / s to scale by.
      for (int64_t i = 0; i < n; ++i) s[i] = kLog ? std::log(s[i]) : 1 / s[i];
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* row = px + base + r * g.inner;
        T* dst = po + base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) dst[i] = kLog ? (row[i] - m[i]) - s[i] : dst[i] * s[i];
      }
    });
  });
}

void softmax(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  softmax_impl<false>(x, out, g);
}
void log_softmax(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  softmax_impl<true>(x, out, g);
}

// dx from the output y: y (grad - sum_r grad y) for softmax, grad - exp(y) sum_r grad for
// log_softmax. A row takes two passes: its sum, then dx.
template <bool kLog>
void softmax_backward_impl(const Tensor& grad, const Tensor& y, Tensor& dx, ReduceGeometry g) {
  dispatch_floating(y.dtype(), kLog ? "log_softmax_backward" : "softmax_backward",
                    [&]<typename T>() {
    static_assert(std::is_same_v<T, acc_t<T>>);
    const T* pg = grad.data<T>();
    const T* py = y.data<T>();
    T* pdx = dx.data<T>();
    if (g.inner == 1) {
      for_each_outer(g, 4 * g.reduce, [&](int64_t o) {
        const int64_t off = o * g.reduce;
        if constexpr (kLog) {
          const T sum_g = row_sum(pg + off, g.reduce);
          row_log_softmax_backward(pg + off, py + off, pdx + off, g.reduce, sum_g);
        } else {
          const T dot = row_dot(pg + off, py + off, g.reduce);
          row_softmax_backward(pg + off, py + off, pdx + off, g.reduce, dot);
        }
      });
      return;
    }
    for_each_column_tile(g, 4, [&](int64_t o, int64_t i0, int64_t n) {
      T s[kTile] = {};
      const int64_t base = o * g.reduce * g.inner + i0;
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* gr = pg + base + r * g.inner;
        const T* yr = py + base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) s[i] += kLog ? gr[i] : gr[i] * yr[i];
      }
      for (int64_t r = 0; r < g.reduce; ++r) {
        const T* gr = pg + base + r * g.inner;
        const T* yr = py + base + r * g.inner;
        T* dr = pdx + base + r * g.inner;
        for (int64_t i = 0; i < n; ++i) {
          dr[i] = kLog ? gr[i] - exp_fast(yr[i]) * s[i] : yr[i] * (gr[i] - s[i]);
        }
      }
    });
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
  constexpr Backend C = Backend::cpu;
  kernels::sum.set(C, &cpu::sum);
  kernels::prod.set(C, &cpu::prod);
  kernels::var.set(C, &cpu::var);
  kernels::max.set(C, &cpu::max);
  kernels::min.set(C, &cpu::min);
  kernels::cumsum.set(C, &cpu::cumsum);
  kernels::softmax.set(C, &cpu::softmax);
  kernels::log_softmax.set(C, &cpu::log_softmax);
  kernels::softmax_backward.set(C, &cpu::softmax_backward);
  kernels::log_softmax_backward.set(C, &cpu::log_softmax_backward);
}

}  // namespace ember::cpu
