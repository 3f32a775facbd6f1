// The AVX-512 micro-kernel family (compiled with -mavx512f -mfma, run only on CPUs that
// report AVX-512F; see Note [GEMM ISA files] in kernel.h). Contract: MicroKernel in kernel.h.
//
// Note [AVX-512 register blocking]
// The tile is 8 rows x 48 columns: 8 x 3 = 24 zmm accumulators, 3 zmm for the row of B and 1
// for the broadcast of A, 28 of the 32 registers. Each k step loads 3 vectors of B and
// broadcasts 8 floats of A for 24 FMAs: 11 loads per 24 FMAs, well inside what two load
// ports sustain, and 24 independent chains cover the FMA latency (4 cycles) times the
// throughput (one 512-bit FMA per cycle on Zen 4, which splits it over its two 256-bit pipes;
// two on Intel server cores). Wider tiles (14 x 32: 28 accumulators) buy little more reuse
// but waste rows on power-of-two M (64 = 4 x 14 + 8); 8 rows divide every such M, and the
// 16/32/48-column variants below make any column tail waste less than one 16-lane vector.
#include "kernels/cpu/gemm/kernel.h"

#if EMBER_GEMM_X86_KERNELS

#include <immintrin.h>

#include <cstdint>

#include "kernels/cpu/gemm/activation.h"

namespace ember::cpu::gemm::avx512 {

namespace {

constexpr int kLanes = 16;

// vminps/vmaxps with every lane selected: GCC 12's plain _mm512_min_ps / _mm512_max_ps pass
// an undefined register as the merge source and trip -Wmaybe-uninitialized (GCC bug 105593).
inline __m512 min_ps(__m512 a, __m512 b) { return _mm512_maskz_min_ps(0xFFFF, a, b); }
inline __m512 max_ps(__m512 a, __m512 b) { return _mm512_maskz_max_ps(0xFFFF, a, b); }

// min/max return their second operand when either is NaN: x goes second so NaN propagates.
inline __m512 clamp(__m512 x, float limit) {
  x = min_ps(_mm512_set1_ps(limit), x);
  return max_ps(_mm512_set1_ps(-limit), x);
}

// x P(x^2) / Q(x^2), coefficients highest power first; see Note [GEMM activations].
template <int NP, int NQ>
inline __m512 odd_rational(__m512 x, const float (&p)[NP], const float (&q)[NQ]) {
  const __m512 x2 = _mm512_mul_ps(x, x);
  __m512 num = _mm512_set1_ps(p[0]);
  for (int i = 1; i < NP; ++i) num = _mm512_fmadd_ps(num, x2, _mm512_set1_ps(p[i]));
  __m512 den = _mm512_set1_ps(q[0]);
  for (int i = 1; i < NQ; ++i) den = _mm512_fmadd_ps(den, x2, _mm512_set1_ps(q[i]));
  return _mm512_div_ps(_mm512_mul_ps(x, num), den);
}

inline __m512 activate(__m512 x, GemmActivation act) {
  const __m512 half_x = _mm512_mul_ps(_mm512_set1_ps(0.5f), x);
  const __m512 one = _mm512_set1_ps(1.f);
  switch (act) {
    case GemmActivation::none:
      return x;
    case GemmActivation::relu:
      return max_ps(_mm512_setzero_ps(), x);
    case GemmActivation::gelu: {
      const __m512 z = clamp(_mm512_mul_ps(x, _mm512_set1_ps(kSqrtHalf)), kErfClamp);
      return _mm512_mul_ps(half_x, _mm512_add_ps(one, odd_rational(z, kErfP, kErfQ)));
    }
    case GemmActivation::gelu_tanh: {
      const __m512 x3 = _mm512_mul_ps(_mm512_mul_ps(x, x), x);
      const __m512 inner = _mm512_fmadd_ps(_mm512_set1_ps(kGeluTanhCubic), x3, x);
      const __m512 z = clamp(_mm512_mul_ps(_mm512_set1_ps(kSqrtTwoOverPi), inner), kTanhClamp);
      return _mm512_mul_ps(half_x, _mm512_add_ps(one, odd_rational(z, kTanhP, kTanhQ)));
    }
  }
  return x;
}

// The 8 x (16 NV) tile; n > 16 (NV - 1) columns are stored.
template <int NV, bool kRowMajorA>
[[gnu::always_inline]] inline void tile(int64_t kc, const float* a, int64_t a_stride,
                                        const float* b, int64_t b_stride, float* c, int64_t ldc,
                                        int64_t m, int64_t n, const TileUpdate& u) {
  // The C rows are read (beta != 0) and written only after the k loop: start fetching now.
  for (int64_t i = 0; i < m; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NV * kLanes - 1), _MM_HINT_T0);
  }
  // Columns past n are neither read nor written: the last vector's loads and store are masked.
  const int64_t last_lanes = n - (NV - 1) * kLanes;
  const __mmask16 last_mask =
      last_lanes >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << last_lanes) - 1);
  __m512 acc[kMR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) {
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k) {
    __m512 bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV - 1; ++v) bv[v] = _mm512_loadu_ps(b + v * kLanes);
    bv[NV - 1] = _mm512_maskz_loadu_ps(last_mask, b + (NV - 1) * kLanes);
#pragma GCC unroll 8
    for (int i = 0; i < kMR; ++i) {
      const __m512 ai = _mm512_set1_ps(kRowMajorA ? a[i * a_stride + k] : a[i]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    b += b_stride;
    if (!kRowMajorA) a += a_stride;
  }

  if (u.alpha != 1.f) {
    const __m512 alpha = _mm512_set1_ps(u.alpha);
#pragma GCC unroll 8
    for (int i = 0; i < kMR; ++i) {
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_mul_ps(alpha, acc[i][v]);
    }
  }
  if (u.beta == 0.f && u.bias == nullptr && u.activation == GemmActivation::none) {
    // The common case, C = alpha A B, without the epilogue's branches: for small products the
    // epilogue is a fair share of a tile's time.
#pragma GCC unroll 8
    for (int i = 0; i < kMR; ++i) {
      if (i >= m) break;
#pragma GCC unroll 3
      for (int v = 0; v < NV - 1; ++v) _mm512_storeu_ps(c + i * ldc + v * kLanes, acc[i][v]);
      _mm512_mask_storeu_ps(c + i * ldc + (NV - 1) * kLanes, last_mask, acc[i][NV - 1]);
    }
    return;
  }
  const __m512 beta = _mm512_set1_ps(u.beta);
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) {
    if (i >= m) break;
    float* ci = c + i * ldc;
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) {
      const __mmask16 mask = v == NV - 1 ? last_mask : __mmask16(0xFFFF);
      __m512 x = acc[i][v];
      if (u.beta != 0.f) x = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(mask, ci + v * kLanes), x);
      if (u.bias != nullptr) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask, u.bias + v * kLanes));
      _mm512_mask_storeu_ps(ci + v * kLanes, mask, activate(x, u.activation));
    }
  }
}

template <bool kRowMajorA>
inline void any_width(int64_t kc, const float* a, int64_t a_stride, const float* b,
                      int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                      const TileUpdate& u) {
  static_assert(kNR == 3 * kLanes);
  if (n > 2 * kLanes) {
    tile<3, kRowMajorA>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  } else if (n > kLanes) {
    tile<2, kRowMajorA>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  } else {
    tile<1, kRowMajorA>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  }
}

}  // namespace

void kernel_k_major(int64_t kc, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                    float* c, int64_t ldc, int64_t m, int64_t n,
                    const TileUpdate& update) noexcept {
  any_width<false>(kc, a, a_stride, b, b_stride, c, ldc, m, n, update);
}

void kernel_row_major(int64_t kc, const float* a, int64_t a_stride, const float* b,
                      int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                      const TileUpdate& update) noexcept {
  any_width<true>(kc, a, a_stride, b, b_stride, c, ldc, m, n, update);
}

}  // namespace ember::cpu::gemm::avx512

#endif  // EMBER_GEMM_X86_KERNELS
