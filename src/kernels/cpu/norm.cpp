// Fast kernels: layer_norm, batch_norm and their backwards.
//
// layer_norm: rows are independent, so both kernels split the N rows across threads. The
// forward reads a row once for its statistics (Note [Shifted one-pass variance]) and once to
// normalise it; the backward reads it once for the two row sums, once for dx, and once more
// to add the row's share of dweight/dbias into its thread's partial sums, which are reduced
// at the end in chunk order. Accumulation is float32 for float32 and double for float64; every
// row loop is an AVX-512 / AVX2 clone, its sums over 16 lanes (kernels/cpu/vectorize.h).
//
// batch_norm: channels are independent, so both kernels split the C channels across threads
// and each thread walks its channels' N rows of S values (S the spatial size). The forward
// takes the statistics in two passes (Note [Batch norm statistics]) and writes the output in
// a third; the backward takes both sums of a channel in one pass and writes dx in a second.
// A channel of a conv activation (N * S values, 200 KB for 64 x 28 x 28 float32) stays in L2
// between passes. Inputs with S < 8 ((N, C) after a Linear) walk row by row instead, so that
// the inner loop runs over contiguous channels rather than a handful of spatial values.
// Results do not depend on the thread count: no sum is split across threads.
//
// Note [Shifted one-pass variance]
// sum(x) and sum(x^2) taken in one pass lose every digit to cancellation when |mean| >> std
// (float32, mean 1000, std 0.01). Subtracting a shift K from each element first keeps the
// single pass: var = E[(x - K)^2] - E[x - K]^2 cancels only as much as (mean - K) / std is
// large, which stays small when K is an element of the row (we take the first one).
//
// Note [Batch norm statistics]
// Two passes, the "corrected two-pass" algorithm (Chan, Golub and LeVeque 1983): the first
// finds the mean, rounded to the compute type as mr; the second sums d = x - mr and d^2,
// and var = E[d^2] - E[d]^2, mean = mr + E[d]. Since mr is within a rounding of the mean, d
// is of the order of the spread and nothing cancels, however large |mean| / std (the
// one-pass sum(x^2) - count * mean^2 loses every digit there, and post-ReLU activations sit
// well above zero); the E[d] term removes the error of mr itself, and the output pass
// normalises (x - mr) - E[d], keeping the digits that x - mean with the mean rounded to T
// would lose. Welford's update would also be sound but costs a division per element and
// does not vectorise. Each row of S values is summed in acc_t over 16 lanes and the row sums
// are added in double, so rounding grows with S / 16, not with the N * S values of a channel
// (float32 sums of 50k terms).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/cpu/vectorize.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

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

// The loops over one row of contiguous values (a layer_norm row of C, a batch_norm run of S),
// each in EMBER_VECTOR_CLONES, with sums over lanes (kernels/cpu/vectorize.h). They compute in
// T: acc_t of float and of double is the type itself. kWeight: gw = g * w, else gw = g.

// {sum(d), sum(d^2)} with d = x - m.
template <typename T>
EMBER_VECTOR_CLONES std::pair<T, T> row_centered_sums(const T* __restrict x, int64_t S, T m) {
  Lanes<T> lanes_d = {}, lanes_d2 = {};
  int64_t s = 0;
  for (; s + kLanes <= S; s += kLanes) {
    Lanes<T> d;
    load_lanes(d, x + s);
    d -= m;
    lanes_d += d;
    lanes_d2 += d * d;
  }
  T sum_d = 0, sum_d2 = 0;
  for (; s < S; ++s) {
    const T d = x[s] - m;
    sum_d += d;
    sum_d2 += d * d;
  }
  for (int k = 0; k < kLanes; ++k) {
    sum_d += lanes_d[k];
    sum_d2 += lanes_d2[k];
  }
  return {sum_d, sum_d2};
}

// {sum(gw), sum(gw * (x - m))}; with kWeight, gw is also stored to `gw_out`.
template <bool kWeight, typename T>
EMBER_VECTOR_CLONES std::pair<T, T> row_grad_sums(const T* __restrict g, const T* __restrict w,
                                                  const T* __restrict x, T* __restrict gw_out,
                                                  int64_t S, T m) {
  Lanes<T> lanes_g = {}, lanes_gd = {};
  int64_t s = 0;
  for (; s + kLanes <= S; s += kLanes) {
    Lanes<T> gv, xv;
    load_lanes(gv, g + s);
    if constexpr (kWeight) {
      Lanes<T> wv;
      load_lanes(wv, w + s);
      gv *= wv;
      std::memcpy(gw_out + s, &gv, sizeof gv);
    }
    load_lanes(xv, x + s);
    lanes_g += gv;
    lanes_gd += gv * (xv - m);
  }
  T sum_g = 0, sum_gd = 0;
  for (; s < S; ++s) {
    T gv = g[s];
    if constexpr (kWeight) {
      gv *= w[s];
      gw_out[s] = gv;
    }
    sum_g += gv;
    sum_gd += gv * (x[s] - m);
  }
  for (int k = 0; k < kLanes; ++k) {
    sum_g += lanes_g[k];
    sum_gd += lanes_gd[k];
  }
  return {sum_g, sum_gd};
}

// out = ((x - m) - e) * scale + shift.
template <typename T>
EMBER_VECTOR_CLONES void row_normalise(const T* __restrict x, T* __restrict out, int64_t S, T m,
                                       T e, T scale, T shift) {
  for (int64_t s = 0; s < S; ++s) out[s] = ((x[s] - m) - e) * scale + shift;
}

// out = ((x - m) - e) * r, times w[c] and plus b[c] where kWeight and kBias.
template <bool kWeight, bool kBias, typename T>
EMBER_VECTOR_CLONES void row_normalise_affine(const T* __restrict x, const T* __restrict w,
                                              const T* __restrict b, T* __restrict out,
                                              int64_t S, T m, T e, T r) {
  for (int64_t s = 0; s < S; ++s) {
    T y = ((x[s] - m) - e) * r;
    if constexpr (kWeight) y *= w[s];
    if constexpr (kBias) y += b[s];
    out[s] = y;
  }
}

// dx = (g - mean_g - (x - m) * k) * scale; g may be dx itself (layer_norm passes gw there).
template <typename T>
EMBER_VECTOR_CLONES void row_dx(const T* g, const T* __restrict x, T* dx, int64_t S, T m,
                                T mean_g, T k, T scale) {
  for (int64_t s = 0; s < S; ++s) dx[s] = (g[s] - mean_g - (x[s] - m) * k) * scale;
}

// dw += g * (x - m) * r, db += g: a row's share of layer_norm's dweight and dbias.
template <typename T>
EMBER_VECTOR_CLONES void row_add_param_grads(const T* __restrict g, const T* __restrict x,
                                             T* __restrict dw, T* __restrict db, int64_t S, T m,
                                             T r) {
  for (int64_t s = 0; s < S; ++s) {
    dw[s] += g[s] * ((x[s] - m) * r);
    db[s] += g[s];
  }
}

// dx = g * scale.
template <typename T>
EMBER_VECTOR_CLONES void row_dx_eval(const T* __restrict g, T* __restrict dx, int64_t S, T scale) {
  for (int64_t s = 0; s < S; ++s) dx[s] = g[s] * scale;
}

// x (N, C) contiguous, weight/bias (C) or undefined -> out (N, C) overwritten;
// mean, rstd (N) overwritten. Parallel over rows.
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
                Tensor& mean, Tensor& rstd, double eps) {
  dispatch_floating(x.dtype(), "layer_norm", [&]<typename T>() {
    static_assert(std::is_same_v<T, acc_t<T>>);
    const int64_t N = x.size(0), C = x.size(1);
    const T* px = x.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    const T* pb = bias.defined() ? bias.data<T>() : nullptr;
    T* po = out.data<T>();
    T* pm = mean.data<T>();
    T* pr = rstd.data<T>();
    const T inv_c = T(1) / static_cast<T>(C);
    dispatch_affine(pw != nullptr, pb != nullptr, [&]<bool kWeight, bool kBias>() {
      parallel_for(0, N, C, [&](int64_t begin, int64_t end) {
        for (int64_t n = begin; n < end; ++n) {
          const T* row = px + n * C;
          // See Note [Shifted one-pass variance].
          const T shift = C > 0 ? row[0] : T(0);
          const auto [s, sq] = row_centered_sums(row, C, shift);
          const T shifted_mean = s * inv_c;
          const T var = std::max(sq * inv_c - shifted_mean * shifted_mean, T(0));
          const T r = T(1) / std::sqrt(var + static_cast<T>(eps));
          // (x - K) - E[x - K] rather than x - mean: the mean rounded to T would cost the
          // digits that the shift saved.
          row_normalise_affine<kWeight, kBias>(row, pw, pb, po + n * C, C, shift, shifted_mean,
                                               r);
          pm[n] = shift + shifted_mean;
          pr[n] = r;
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
    static_assert(std::is_same_v<T, acc_t<T>>);
    const int64_t N = x.size(0), C = x.size(1);
    const T* pg = dout.data<T>();
    const T* px = x.data<T>();
    const T* pm = mean.data<T>();
    const T* pr = rstd.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    T* pdx = dx.data<T>();
    const T inv_c = T(1) / static_cast<T>(C);
    const bool want_params = dweight.defined() || dbias.defined();
    // One chunk of rows per thread; chunk k adds into partial[k] = {dweight (C), dbias (C)}.
    const int64_t chunks =
        N * C < kParallelGrain ? 1 : std::max<int64_t>(1, std::min<int64_t>(num_threads(), N));
    std::vector<T> partial(want_params ? static_cast<size_t>(chunks * 2 * C) : 0, T(0));
    auto rows = [&]<bool kWeight>() {
      parallel_for(0, chunks, (N / chunks + 1) * C, [&](int64_t chunk_begin, int64_t chunk_end) {
        for (int64_t k = chunk_begin; k < chunk_end; ++k) {
          T* pdw = want_params ? partial.data() + k * 2 * C : nullptr;
          for (int64_t n = N * k / chunks; n < N * (k + 1) / chunks; ++n) {
            const T* g = pg + n * C;
            const T* row = px + n * C;
            const T m = pm[n], r = pr[n];
            // dx = r (gw - mean(gw) - xhat mean(gw xhat)), xhat = (x - m) r. gw = g w is
            // rounded into the dx row first: under FMA contraction, g w - mean(gw) computed
            // in one go would not cancel where it must (a row of one element has dx = 0).
            T* dxrow = pdx + n * C;
            const auto [sum_gw, sum_gwd] = row_grad_sums<kWeight>(g, pw, row, dxrow, C, m);
            const T mean_gw = sum_gw * inv_c, mean_gw_xhat = sum_gwd * r * inv_c;
            row_dx(kWeight ? dxrow : g, row, dxrow, C, m, mean_gw, r * mean_gw_xhat, r);
            if (want_params) row_add_param_grads(g, row, pdw, pdw + C, C, m, r);
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
        T acc = 0;
        for (int64_t k = 0; k < chunks; ++k) {
          acc += partial[static_cast<size_t>((k * 2 + which) * C + c)];
        }
        pt[c] = acc;
      }
    }
  });
}

// ---- batch_norm ----------------------------------------------------------------------------

// Below this spatial size batch_norm walks (N, C, S) row by row (see the file comment).
constexpr int64_t kMinSpatialRun = 8;

// Calls f.template operator()<kUnit>() with kUnit = (S == 1), so that the row-by-row loops
// of an (N, C) input see a constant spatial size and vectorise over channels.
template <typename F>
void dispatch_unit_spatial(int64_t S, F&& f) {
  if (S == 1) {
    f.template operator()<true>();
  } else {
    f.template operator()<false>();
  }
}

// x (N, C, S) contiguous, weight/bias (C) or undefined -> out (N, C, S) overwritten; invstd
// (C) overwritten; mean, var (C) overwritten (training) or read (eval). Parallel over
// channels. See Note [Batch norm statistics].
void batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
                Tensor& mean, Tensor& var, Tensor& invstd, const kernels::BatchNormArgs& args) {
  dispatch_floating(x.dtype(), "batch_norm", [&]<typename T>() {
    using Acc = acc_t<T>;
    const int64_t N = x.size(0), C = x.size(1), S = x.size(2);
    const T* px = x.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    const T* pb = bias.defined() ? bias.data<T>() : nullptr;
    T* po = out.data<T>();
    T* pm = mean.data<T>();
    T* pv = var.data<T>();
    T* pi = invstd.data<T>();
    const double inv_count = N * S > 0 ? 1.0 / static_cast<double>(N * S) : 0.0;
    // The first pass's rounded mean of a channel from its sum.
    auto rounded_mean = [&](double sum) { return static_cast<Acc>(sum * inv_count); };
    // The output pass's map y = ((x - mr) - e_d) * scale + shift: x - mr is exact near the
    // mean and e_d small, so y keeps the digits that the mean rounded to T would lose
    // (|mean| >> std). In eval mr is the running mean and e_d = 0.
    struct Affine {
      Acc mr, e_d, scale, shift;
    };
    // Channel c's statistics from the second pass's sums of d = x - mr and d^2 (training),
    // then invstd and the output map.
    auto finish = [&](int64_t c, Acc mr, double sum_d, double sum_d2) {
      double v, e_d = 0;
      if (args.training) {
        e_d = sum_d * inv_count;
        v = std::max(sum_d2 * inv_count - e_d * e_d, 0.0);
        pm[c] = static_cast<T>(static_cast<double>(mr) + e_d);
        pv[c] = static_cast<T>(v);
      } else {
        mr = static_cast<Acc>(pm[c]);
        v = static_cast<double>(pv[c]);
      }
      pi[c] = static_cast<T>(1.0 / std::sqrt(v + args.eps));
      const Acc w = pw != nullptr ? static_cast<Acc>(pw[c]) : Acc(1);
      return Affine{mr, static_cast<Acc>(e_d), static_cast<Acc>(pi[c]) * w,
                    pb != nullptr ? static_cast<Acc>(pb[c]) : Acc(0)};
    };
    auto normalise = [](const T* in, T* o, int64_t n, const Affine& a) {
      for (int64_t s = 0; s < n; ++s) {
        o[s] = static_cast<T>(((static_cast<Acc>(in[s]) - a.mr) - a.e_d) * a.scale + a.shift);
      }
    };

    if (S >= kMinSpatialRun) {
      parallel_for(0, C, 3 * N * S, [&](int64_t c_begin, int64_t c_end) {
        for (int64_t c = c_begin; c < c_end; ++c) {
          auto row = [&](int64_t n) { return px + (n * C + c) * S; };
          Acc mr = 0;
          double sum_d = 0, sum_d2 = 0;
          if (args.training) {
            double sum = 0;
            for (int64_t n = 0; n < N; ++n) sum += static_cast<double>(row_sum(row(n), S));
            mr = rounded_mean(sum);
            for (int64_t n = 0; n < N; ++n) {
              auto [sd, sd2] = row_centered_sums(row(n), S, mr);
              sum_d += static_cast<double>(sd);
              sum_d2 += static_cast<double>(sd2);
            }
          }
          const Affine a = finish(c, mr, sum_d, sum_d2);
          for (int64_t n = 0; n < N; ++n) {
            row_normalise(row(n), po + (n * C + c) * S, S, a.mr, a.e_d, a.scale, a.shift);
          }
        }
      });
      return;
    }
    // Row by row: the channels [c_begin, c_end) of each of the N rows in turn.
    dispatch_unit_spatial(S, [&]<bool kUnit>() {
      const int64_t SS = kUnit ? 1 : S;
      parallel_for(0, C, 3 * N * SS, [&](int64_t c_begin, int64_t c_end) {
        const int64_t width = c_end - c_begin;
        std::vector<double> sum(static_cast<size_t>(width), 0.0), sum_d(sum), sum_d2(sum);
        std::vector<Acc> mr(static_cast<size_t>(width), Acc(0));
        std::vector<Affine> affine(static_cast<size_t>(width));
        if (args.training) {
          for (int64_t n = 0; n < N; ++n) {
            const T* r = px + (n * C + c_begin) * SS;
            for (int64_t j = 0; j < width; ++j) {
              Acc a = 0;
              for (int64_t s = 0; s < SS; ++s) a += static_cast<Acc>(r[j * SS + s]);
              sum[j] += static_cast<double>(a);
            }
          }
          for (int64_t j = 0; j < width; ++j) mr[j] = rounded_mean(sum[j]);
          for (int64_t n = 0; n < N; ++n) {
            const T* r = px + (n * C + c_begin) * SS;
            for (int64_t j = 0; j < width; ++j) {
              Acc a = 0, b = 0;
              for (int64_t s = 0; s < SS; ++s) {
                Acc d = static_cast<Acc>(r[j * SS + s]) - mr[j];
                a += d;
                b += d * d;
              }
              sum_d[j] += static_cast<double>(a);
              sum_d2[j] += static_cast<double>(b);
            }
          }
        }
        for (int64_t j = 0; j < width; ++j)
          affine[j] = finish(c_begin + j, mr[j], sum_d[j], sum_d2[j]);
        for (int64_t n = 0; n < N; ++n) {
          const int64_t offset = (n * C + c_begin) * SS;
          for (int64_t j = 0; j < width; ++j)
            normalise(px + offset + j * SS, po + offset + j * SS, SS, affine[j]);
        }
      });
    });
  });
}

// dout, x (N, C, S); mean, invstd (C); weight (C) or undefined -> dx (N, C, S), dweight,
// dbias (C), each overwritten when defined. Formula in src/kernels/ref/norm.cpp; as
// PyTorch's, dx = (dout - mean(dout) - (x - mean) * k) * invstd * w with
// k = sum(dout * (x - mean)) * invstd^2 / count (training), dx = dout * invstd * w (eval).
// Parallel over channels; both sums of a channel in one pass, dx in a second.
void batch_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& mean,
                         const Tensor& invstd, const Tensor& weight, Tensor& dx, Tensor& dweight,
                         Tensor& dbias, const kernels::BatchNormArgs& args) {
  dispatch_floating(x.dtype(), "batch_norm_backward", [&]<typename T>() {
    using Acc = acc_t<T>;
    const int64_t N = x.size(0), C = x.size(1), S = x.size(2);
    const T* pg = dout.data<T>();
    const T* px = x.data<T>();
    const T* pm = mean.data<T>();
    const T* pi = invstd.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    T* pdx = dx.defined() ? dx.data<T>() : nullptr;
    T* pdw = dweight.defined() ? dweight.data<T>() : nullptr;
    T* pdb = dbias.defined() ? dbias.data<T>() : nullptr;
    const double inv_count = N * S > 0 ? 1.0 / static_cast<double>(N * S) : 0.0;
    // dx = (g - mean_g - (x - mean) * k) * scale; in eval mean_g = k = 0.
    struct DxMap {
      Acc mean, mean_g, k, scale;
    };
    // Channel c's parameter gradients and dx map from sum(g) and sum(g * (x - mean)).
    auto finish = [&](int64_t c, double sum_g, double sum_g_d) {
      const double r = static_cast<double>(pi[c]);
      if (pdw != nullptr) pdw[c] = static_cast<T>(sum_g_d * r);
      if (pdb != nullptr) pdb[c] = static_cast<T>(sum_g);
      const double w = pw != nullptr ? static_cast<double>(pw[c]) : 1.0;
      DxMap m{static_cast<Acc>(pm[c]), Acc(0), Acc(0), static_cast<Acc>(r * w)};
      if (args.training) {
        m.mean_g = static_cast<Acc>(sum_g * inv_count);
        m.k = static_cast<Acc>(sum_g_d * r * r * inv_count);
      }
      return m;
    };
    auto write_dx = [&](const T* g, const T* in, T* o, int64_t n, const DxMap& m) {
      if (args.training) {
        for (int64_t s = 0; s < n; ++s) {
          const Acc d = static_cast<Acc>(in[s]) - m.mean;
          o[s] = static_cast<T>((static_cast<Acc>(g[s]) - m.mean_g - d * m.k) * m.scale);
        }
      } else {
        for (int64_t s = 0; s < n; ++s) o[s] = static_cast<T>(static_cast<Acc>(g[s]) * m.scale);
      }
    };
    // Eval needs no sums for dx: skip the pass when no parameter gradient wants them.
    const bool want_sums = args.training || pdw != nullptr || pdb != nullptr;

    if (S >= kMinSpatialRun) {
      parallel_for(0, C, 3 * N * S, [&](int64_t c_begin, int64_t c_end) {
        for (int64_t c = c_begin; c < c_end; ++c) {
          const Acc m = static_cast<Acc>(pm[c]);
          double sum_g = 0, sum_g_d = 0;
          if (want_sums) {
            for (int64_t n = 0; n < N; ++n) {
              const int64_t offset = (n * C + c) * S;
              auto [a, b] =
                  row_grad_sums<false, T>(pg + offset, nullptr, px + offset, nullptr, S, m);
              sum_g += static_cast<double>(a);
              sum_g_d += static_cast<double>(b);
            }
          }
          const DxMap map = finish(c, sum_g, sum_g_d);
          if (pdx == nullptr) continue;
          for (int64_t n = 0; n < N; ++n) {
            const int64_t offset = (n * C + c) * S;
            if (args.training) {
              row_dx(pg + offset, px + offset, pdx + offset, S, map.mean, map.mean_g, map.k,
                     map.scale);
            } else {
              row_dx_eval(pg + offset, pdx + offset, S, map.scale);
            }
          }
        }
      });
      return;
    }
    dispatch_unit_spatial(S, [&]<bool kUnit>() {
      const int64_t SS = kUnit ? 1 : S;
      parallel_for(0, C, 3 * N * SS, [&](int64_t c_begin, int64_t c_end) {
        const int64_t width = c_end - c_begin;
        std::vector<double> sum_g(static_cast<size_t>(width), 0.0), sum_g_d(sum_g);
        std::vector<DxMap> maps(static_cast<size_t>(width));
        if (want_sums) {
          for (int64_t n = 0; n < N; ++n) {
            const int64_t offset = (n * C + c_begin) * SS;
            for (int64_t j = 0; j < width; ++j) {
              const Acc m = static_cast<Acc>(pm[c_begin + j]);
              Acc a = 0, b = 0;
              for (int64_t s = 0; s < SS; ++s) {
                const Acc gs = static_cast<Acc>(pg[offset + j * SS + s]);
                a += gs;
                b += gs * (static_cast<Acc>(px[offset + j * SS + s]) - m);
              }
              sum_g[j] += static_cast<double>(a);
              sum_g_d[j] += static_cast<double>(b);
            }
          }
        }
        for (int64_t j = 0; j < width; ++j) maps[j] = finish(c_begin + j, sum_g[j], sum_g_d[j]);
        if (pdx == nullptr) return;
        for (int64_t n = 0; n < N; ++n) {
          const int64_t offset = (n * C + c_begin) * SS;
          for (int64_t j = 0; j < width; ++j) {
            write_dx(pg + offset + j * SS, px + offset + j * SS, pdx + offset + j * SS, SS,
                     maps[j]);
          }
        }
      });
    });
  });
}

}  // namespace

void register_norm() {
  constexpr Backend C = Backend::cpu;
  kernels::layer_norm.set(C, &cpu::layer_norm);
  kernels::layer_norm_backward.set(C, &cpu::layer_norm_backward);
  kernels::batch_norm.set(C, &cpu::batch_norm);
  kernels::batch_norm_backward.set(C, &cpu::batch_norm_backward);
}

}  // namespace ember::cpu
