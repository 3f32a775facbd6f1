// The AVX2 micro-kernel family (compiled with -mavx2 -mfma, run only on CPUs that report
// AVX2 and FMA; see Note [GEMM ISA files] in kernel.h), and the 8 x 8 transposing packer
// that the AVX2 and AVX-512 families share. Contracts: MicroKernel and TransposePack in
// kernel.h.
//
// Note [AVX2 register blocking]
// 16 ymm registers: a 6 x 16 tile keeps 6 x 2 = 12 accumulators, 2 registers for the row of
// B and 1 for the broadcast of A. Each k step loads 2 vectors and broadcasts 6 floats for 12
// FMAs, and 12 chains cover the FMA latency (4-5 cycles) times two FMA ports (the classic
// Haswell blocking, also BLIS's). A 16-column tail shrinks to an 8-column variant.
#include "kernels/cpu/gemm/kernel.h"

#if EMBER_GEMM_X86_KERNELS

#include <immintrin.h>

#include <cstdint>

#include "kernels/cpu/gemm/activation.h"

namespace ember::cpu::gemm::avx2 {

namespace {

constexpr int kLanes = 8;

// Lanes [0, count) set, for maskload / maskstore.
inline __m256i lane_mask(int64_t count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// min/max return their second operand when either is NaN: x goes second so NaN propagates.
inline __m256 clamp(__m256 x, float limit) {
  x = _mm256_min_ps(_mm256_set1_ps(limit), x);
  return _mm256_max_ps(_mm256_set1_ps(-limit), x);
}

// x P(x^2) / Q(x^2), coefficients highest power first; see Note [GEMM activations].
template <int NP, int NQ>
inline __m256 odd_rational(__m256 x, const float (&p)[NP], const float (&q)[NQ]) {
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 num = _mm256_set1_ps(p[0]);
  for (int i = 1; i < NP; ++i) num = _mm256_fmadd_ps(num, x2, _mm256_set1_ps(p[i]));
  __m256 den = _mm256_set1_ps(q[0]);
  for (int i = 1; i < NQ; ++i) den = _mm256_fmadd_ps(den, x2, _mm256_set1_ps(q[i]));
  return _mm256_div_ps(_mm256_mul_ps(x, num), den);
}

inline __m256 activate(__m256 x, GemmActivation act) {
  const __m256 half_x = _mm256_mul_ps(_mm256_set1_ps(0.5f), x);
  const __m256 one = _mm256_set1_ps(1.f);
  switch (act) {
    case GemmActivation::none:
      return x;
    case GemmActivation::relu:
      return _mm256_max_ps(_mm256_setzero_ps(), x);
    case GemmActivation::gelu: {
      const __m256 z = clamp(_mm256_mul_ps(x, _mm256_set1_ps(kSqrtHalf)), kErfClamp);
      return _mm256_mul_ps(half_x, _mm256_add_ps(one, odd_rational(z, kErfP, kErfQ)));
    }
    case GemmActivation::gelu_tanh: {
      const __m256 x3 = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
      const __m256 inner = _mm256_fmadd_ps(_mm256_set1_ps(kGeluTanhCubic), x3, x);
      const __m256 z = clamp(_mm256_mul_ps(_mm256_set1_ps(kSqrtTwoOverPi), inner), kTanhClamp);
      return _mm256_mul_ps(half_x, _mm256_add_ps(one, odd_rational(z, kTanhP, kTanhQ)));
    }
  }
  return x;
}

// The 6 x (8 NV) tile; n > 8 (NV - 1) columns are stored.
template <int NV, bool kRowMajorA>
[[gnu::always_inline]] inline void tile(int64_t kc, const float* a, int64_t a_stride,
                                        const float* b, int64_t b_stride, float* c, int64_t ldc,
                                        int64_t m, int64_t n, const TileUpdate& u) {
  __m256 acc[kMR][NV];
#pragma GCC unroll 6
  for (int i = 0; i < kMR; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_ps();
  }
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k) {
    __m256 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_ps(b + v * kLanes);
#pragma GCC unroll 6
    for (int i = 0; i < kMR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(kRowMajorA ? a + i * a_stride + k : a + i);
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    b += b_stride;
    if (!kRowMajorA) a += a_stride;
  }

  const int64_t last_lanes = n - (NV - 1) * kLanes;
  const __m256i last_mask = lane_mask(last_lanes);
  const __m256 alpha = _mm256_set1_ps(u.alpha);
  const __m256 beta = _mm256_set1_ps(u.beta);
#pragma GCC unroll 6
  for (int i = 0; i < kMR; ++i) {
    if (i >= m) break;
    float* ci = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      const bool full = v < NV - 1 || last_lanes == kLanes;
      __m256 x = _mm256_mul_ps(alpha, acc[i][v]);
      if (u.beta != 0.f) {
        const __m256 old = full ? _mm256_loadu_ps(ci + v * kLanes)
                                : _mm256_maskload_ps(ci + v * kLanes, last_mask);
        x = _mm256_fmadd_ps(beta, old, x);
      }
      if (u.bias != nullptr) {
        x = _mm256_add_ps(x, full ? _mm256_loadu_ps(u.bias + v * kLanes)
                                  : _mm256_maskload_ps(u.bias + v * kLanes, last_mask));
      }
      x = activate(x, u.activation);
      if (full) {
        _mm256_storeu_ps(ci + v * kLanes, x);
      } else {
        _mm256_maskstore_ps(ci + v * kLanes, last_mask, x);
      }
    }
  }
}

template <bool kRowMajorA>
inline void any_width(int64_t kc, const float* a, int64_t a_stride, const float* b,
                      int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                      const TileUpdate& u) {
  static_assert(kNR == 2 * kLanes);
  if (n > kLanes) {
    tile<2, kRowMajorA>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  } else {
    tile<1, kRowMajorA>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  }
}

// Columns j of the 8 x 8 block whose rows are r[0..7]: r[i][j] -> r[j][i].
inline void transpose8x8(__m256 r[8]) {
  __m256 t[8], s[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int h = 0; h < 2; ++h) {
    s[4 * h + 0] = _mm256_shuffle_ps(t[4 * h + 0], t[4 * h + 2], _MM_SHUFFLE(1, 0, 1, 0));
    s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h + 0], t[4 * h + 2], _MM_SHUFFLE(3, 2, 3, 2));
    s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(1, 0, 1, 0));
    s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int j = 0; j < 4; ++j) {
    r[j] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x20);
    r[j + 4] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x31);
  }
}

}  // namespace

void kernel_k_major(int64_t kc, const float* a, int64_t a_stride, const float* b,
                    int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                    const TileUpdate& update) noexcept {
  any_width<false>(kc, a, a_stride, b, b_stride, c, ldc, m, n, update);
}

void kernel_row_major(int64_t kc, const float* a, int64_t a_stride, const float* b,
                      int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                      const TileUpdate& update) noexcept {
  any_width<true>(kc, a, a_stride, b, b_stride, c, ldc, m, n, update);
}

// Groups of 8 output lanes: 8 source rows (the missing ones read as a copy of the last row,
// then zeroed) are loaded 8 k at a time, transposed in registers and stored as 8 k-rows.
void transpose_pack(const float* src, int64_t ld, int64_t rows, int64_t cols, int64_t width,
                    float* out) noexcept {
  for (int64_t r0 = 0; r0 < width; r0 += kLanes) {
    const int64_t lanes = width - r0 < kLanes ? width - r0 : kLanes;  // lanes stored
    const int64_t valid = rows - r0 < 0 ? 0 : (rows - r0 < kLanes ? rows - r0 : kLanes);
    float* dst = out + r0;
    if (valid == 0) {
      for (int64_t k = 0; k < cols; ++k) {
        for (int64_t r = 0; r < lanes; ++r) dst[k * width + r] = 0.f;
      }
      continue;
    }
    const float* row[kLanes];
    for (int64_t r = 0; r < kLanes; ++r) row[r] = src + (r0 + (r < valid ? r : valid - 1)) * ld;
    const __m256i keep = lane_mask(valid);
    const __m256i store_mask = lane_mask(lanes);
    int64_t k = 0;
    for (; k + kLanes <= cols; k += kLanes) {
      __m256 v[kLanes];
      for (int r = 0; r < kLanes; ++r) v[r] = _mm256_loadu_ps(row[r] + k);
      transpose8x8(v);
      for (int j = 0; j < kLanes; ++j) {
        const __m256 x = valid == kLanes ? v[j] : _mm256_and_ps(v[j], _mm256_castsi256_ps(keep));
        if (lanes == kLanes) {
          _mm256_storeu_ps(dst + (k + j) * width, x);
        } else {
          _mm256_maskstore_ps(dst + (k + j) * width, store_mask, x);
        }
      }
    }
    for (; k < cols; ++k) {
      for (int64_t r = 0; r < lanes; ++r) dst[k * width + r] = r < valid ? row[r][k] : 0.f;
    }
  }
}

}  // namespace ember::cpu::gemm::avx2

#endif  // EMBER_GEMM_X86_KERNELS
