// The way into and out of every AVX-512 micro-kernel: the accumulators zeroed and C prefetched,
// then alpha, beta, bias and the activation applied to an 8 x (16 NV) tile of float32
// accumulators, and the masked stores to C. Shared by the
// float32 kernels (microkernel_avx512.cpp) and the bfloat16 ones (microkernel_avx512_bf16.cpp),
// whose tiles differ only in how the accumulators are filled.
// Include only from files compiled with -mavx512f; everything here has internal linkage (see
// Note [GEMM ISA files] in kernel.h).
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/cpu/gemm/activation.h"
#include "kernels/cpu/gemm/kernel.h"

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

// The lanes [0, count) of 16, as a mask (count may be <= 0 or >= 16).
inline __mmask16 first_lanes(int64_t count) {
  return count >= kLanes ? __mmask16(0xFFFF)
         : count <= 0    ? __mmask16(0)
                         : __mmask16((1u << count) - 1);
}

// What every tile does before its k loop: zero the accumulators and start fetching the first
// m rows of C, which are read (beta != 0) and written only after the loop. Returns the mask of
// the last vector of each row (n > 16 (NV - 1)): columns past n are neither read nor written.
template <int NV>
[[gnu::always_inline]] inline __mmask16 start_tile(__m512 (&acc)[kMR][NV], const float* c,
                                                   int64_t ldc, int64_t m, int64_t n) {
  for (int64_t i = 0; i < m; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NV * kLanes - 1), _MM_HINT_T0);
  }
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) {
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  return first_lanes(n - (NV - 1) * kLanes);
}

// C (m, 16 NV) = act(alpha acc + beta C + bias) for the first m <= kMR rows; the last vector
// of each row is stored through last_mask (columns past the tile's n are neither read nor
// written).
template <int NV>
[[gnu::always_inline]] inline void store_tile(__m512 (&acc)[kMR][NV], float* c, int64_t ldc,
                                              int64_t m, __mmask16 last_mask, const TileUpdate& u) {
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

}  // namespace

}  // namespace ember::cpu::gemm::avx512
