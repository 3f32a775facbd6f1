// Fast kernels: layer_norm and its backward.
//
// Rows are independent, so both kernels split the N rows across threads. The forward reads
// a row once for its statistics (Note [Shifted one-pass variance]) and once to normalise
// it; the backward reads it once for the two row sums, once for dx, and once more to add
// the row's share of dweight/dbias into its thread's partial sums, which are reduced at the
// end in chunk order. Accumulation is float32 for float32 and double for float64; row sums
// use 8 independent accumulators so the loops vectorise without reassociating additions.
//
// Note [Shifted one-pass variance]
// sum(x) and sum(x^2) taken in one pass lose every digit to cancellation when |mean| >> std
// (float32, mean 1000, std 0.01). Subtracting a shift K from each element first keeps the
// single pass: var = E[(x - K)^2] - E[x - K]^2 cancels only as much as (mean - K) / std is
// large, which stays small when K is an element of the row (we take the first one).
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

// The sums over c in [0, C) of both halves of f(c) = {u, v}.
template <typename Acc, typename F>
std::pair<Acc, Acc> sum_pairs(int64_t C, const F& f) {
  Acc su[8] = {}, sv[8] = {};
  int64_t c = 0;
  for (; c + 8 <= C; c += 8) {
    for (int64_t k = 0; k < 8; ++k) {
      auto [u, v] = f(c + k);
      su[k] += u;
      sv[k] += v;
    }
  }
  Acc tu = 0, tv = 0;
  for (; c < C; ++c) {
    auto [u, v] = f(c);
    tu += u;
    tv += v;
  }
  tu += ((su[0] + su[1]) + (su[2] + su[3])) + ((su[4] + su[5]) + (su[6] + su[7]));
  tv += ((sv[0] + sv[1]) + (sv[2] + sv[3])) + ((sv[4] + sv[5]) + (sv[6] + sv[7]));
  return {tu, tv};
}

// Calls f.template operator()<has_weight, has_bias>(), so that the per-element loops carry
// no branch on the affine parameters.
template <typename F>
void dispatch_affine(bool has_weight, bool has_bias, F&& f) {
  if (has_weight && has_bias) {
    f.template operator()<true, true>();
  } else if (has_weight) {
    f.template operator()<true, false>();
  } else if (has_bias) {
    f.template operator()<false, true>();
  } else {
    f.template operator()<false, false>();
  }
}

// x (N, C) contiguous, weight/bias (C) or undefined -> out (N, C) overwritten;
// mean, rstd (N) overwritten. Parallel over rows.
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
                Tensor& mean, Tensor& rstd, double eps) {
  dispatch_floating(x.dtype(), "layer_norm", [&]<typename T>() {
    using Acc = acc_t<T>;
    const int64_t N = x.size(0), C = x.size(1);
    const T* px = x.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    const T* pb = bias.defined() ? bias.data<T>() : nullptr;
    T* po = out.data<T>();
    T* pm = mean.data<T>();
    T* pr = rstd.data<T>();
    const Acc inv_c = Acc(1) / static_cast<Acc>(C);
    dispatch_affine(pw != nullptr, pb != nullptr, [&]<bool kWeight, bool kBias>() {
      parallel_for(0, N, C, [&](int64_t begin, int64_t end) {
        for (int64_t n = begin; n < end; ++n) {
          const T* row = px + n * C;
          // See Note [Shifted one-pass variance].
          const Acc shift = C > 0 ? static_cast<Acc>(row[0]) : Acc(0);
          auto [s, sq] = sum_pairs<Acc>(C, [&](int64_t c) {
            Acc d = static_cast<Acc>(row[c]) - shift;
            return std::pair<Acc, Acc>{d, d * d};
          });
          const Acc shifted_mean = s * inv_c;
          const Acc var = std::max(sq * inv_c - shifted_mean * shifted_mean, Acc(0));
          const Acc r = Acc(1) / std::sqrt(var + static_cast<Acc>(eps));
          T* orow = po + n * C;
          for (int64_t c = 0; c < C; ++c) {
            // (x - K) - E[x - K] rather than x - mean: the mean rounded to T would cost the
            // digits that the shift saved.
            Acc y = ((static_cast<Acc>(row[c]) - shift) - shifted_mean) * r;
            if constexpr (kWeight) y *= static_cast<Acc>(pw[c]);
            if constexpr (kBias) y += static_cast<Acc>(pb[c]);
            orow[c] = static_cast<T>(y);
          }
          pm[n] = static_cast<T>(shift + shifted_mean);
          pr[n] = static_cast<T>(r);
        }
      });
    });
  });
}

// dout, x (N, C); mean, rstd (N); weight (C) or undefined -> dx (N, C) overwritten;
// dweight, dbias (C) overwritten when defined. Formula in src/kernels/ref/norm.cpp.
void layer_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& mean,
                         const Tensor& rstd, const Tensor& weight, Tensor& dx, Tensor& dweight,
                         Tensor& dbias) {
  dispatch_floating(x.dtype(), "layer_norm_backward", [&]<typename T>() {
    using Acc = acc_t<T>;
    const int64_t N = x.size(0), C = x.size(1);
    const T* pg = dout.data<T>();
    const T* px = x.data<T>();
    const T* pm = mean.data<T>();
    const T* pr = rstd.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    T* pdx = dx.data<T>();
    const Acc inv_c = Acc(1) / static_cast<Acc>(C);
    const bool want_params = dweight.defined() || dbias.defined();
    // One chunk of rows per thread; chunk k adds into partial[k] = {dweight (C), dbias (C)}.
    const int64_t chunks =
        N * C < kParallelGrain ? 1 : std::max<int64_t>(1, std::min<int64_t>(num_threads(), N));
    std::vector<Acc> partial(want_params ? static_cast<size_t>(chunks * 2 * C) : 0, Acc(0));
    auto rows = [&]<bool kWeight>() {
      parallel_for(0, chunks, (N / chunks + 1) * C, [&](int64_t chunk_begin, int64_t chunk_end) {
        for (int64_t k = chunk_begin; k < chunk_end; ++k) {
          Acc* pdw = want_params ? partial.data() + k * 2 * C : nullptr;
          Acc* pdb = want_params ? pdw + C : nullptr;
          for (int64_t n = N * k / chunks; n < N * (k + 1) / chunks; ++n) {
            const T* g = pg + n * C;
            const T* row = px + n * C;
            const Acc m = static_cast<Acc>(pm[n]), r = static_cast<Acc>(pr[n]);
            auto xhat = [&](int64_t c) { return (static_cast<Acc>(row[c]) - m) * r; };
            auto gw = [&](int64_t c) {
              if constexpr (kWeight) {
                return static_cast<Acc>(g[c]) * static_cast<Acc>(pw[c]);
              } else {
                return static_cast<Acc>(g[c]);
              }
            };
            auto [sum_gw, sum_gw_xhat] = sum_pairs<Acc>(C, [&](int64_t c) {
              Acc v = gw(c);
              return std::pair<Acc, Acc>{v, v * xhat(c)};
            });
            const Acc mean_gw = sum_gw * inv_c, mean_gw_xhat = sum_gw_xhat * inv_c;
            T* dxrow = pdx + n * C;
            for (int64_t c = 0; c < C; ++c) {
              dxrow[c] = static_cast<T>(r * (gw(c) - mean_gw - xhat(c) * mean_gw_xhat));
            }
            if (want_params) {
              for (int64_t c = 0; c < C; ++c) {
                pdw[c] += static_cast<Acc>(g[c]) * xhat(c);
                pdb[c] += static_cast<Acc>(g[c]);
              }
            }
          }
        }
      });
    };
    if (pw != nullptr) {
      rows.template operator()<true>();
    } else {
      rows.template operator()<false>();
    }
    // The partial sums, reduced in chunk order (the result depends only on the chunk count).
    for (int64_t which = 0; which < 2; ++which) {
      Tensor& target = which == 0 ? dweight : dbias;
      if (!target.defined()) continue;
      T* pt = target.data<T>();
      for (int64_t c = 0; c < C; ++c) {
        Acc acc = 0;
        for (int64_t k = 0; k < chunks; ++k) {
          acc += partial[static_cast<size_t>((k * 2 + which) * C + c)];
        }
        pt[c] = static_cast<T>(acc);
      }
    }
  });
}

}  // namespace

void register_norm() {
  constexpr Backend C = Backend::cpu;
  kernels::layer_norm.set(C, &cpu::layer_norm);
  kernels::layer_norm_backward.set(C, &cpu::layer_norm_backward);
}

}  // namespace ember::cpu
