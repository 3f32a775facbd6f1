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

// Lanes [0, count) set, for maskload.
inline __m256i lane_mask(int64_t count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Stores lanes [0, count) of x, 0 < count < 8. Not _mm256_maskstore_ps: AMD cores microcode
// vmaskmovps stores (tens of cycles each), which made packing a 6-wide panel slower than the
// product it fed.
inline void store_lanes(float* p, __m256 x, int64_t count) {
  __m128 part = _mm256_castps256_ps128(x);
  if (count >= 4) {
    _mm_storeu_ps(p, part);
    part = _mm256_extractf128_ps(x, 1);
    p += 4;
    count -= 4;
  }
  if (count >= 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(p), part);
    part = _mm_movehl_ps(part, part);
    p += 2;
    count -= 2;
  }
  if (count == 1) _mm_store_ss(p, part);
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

// The 6 x (8 NV) tile; n > 8 (NV - 1) columns are stored. Unless kFullLast, the last vector
// has fewer than 8 columns: its loads are masked (maskload never faults), its stores partial.
template <int NV, bool kRowMajorA, bool kFullLast>
[[gnu::always_inline]] inline void tile(int64_t kc, const float* a, int64_t a_stride,
                                        const float* b, int64_t b_stride, float* c, int64_t ldc,
                                        int64_t m, int64_t n, const TileUpdate& u) {
  const int64_t last_lanes = n - (NV - 1) * kLanes;
  const __m256i last_mask = lane_mask(last_lanes);
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
    for (int v = 0; v < NV - 1; ++v) bv[v] = _mm256_loadu_ps(b + v * kLanes);
    bv[NV - 1] = kFullLast ? _mm256_loadu_ps(b + (NV - 1) * kLanes)
                           : _mm256_maskload_ps(b + (NV - 1) * kLanes, last_mask);
#pragma GCC unroll 6
    for (int i = 0; i < kMR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(kRowMajorA ? a + i * a_stride + k : a + i);
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    b += b_stride;
    if (!kRowMajorA) a += a_stride;
  }

  if (u.alpha != 1.f) {
    const __m256 alpha = _mm256_set1_ps(u.alpha);
#pragma GCC unroll 6
    for (int i = 0; i < kMR; ++i) {
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_mul_ps(alpha, acc[i][v]);
    }
  }
  const bool plain = u.beta == 0.f && u.bias == nullptr && u.activation == GemmActivation::none;
  const __m256 beta = _mm256_set1_ps(u.beta);
#pragma GCC unroll 6
  for (int i = 0; i < kMR; ++i) {
    if (i >= m) break;
    float* ci = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      const bool full = v < NV - 1 || kFullLast;
      __m256 x = acc[i][v];
      if (!plain) {
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
      }
      if (full) {
        _mm256_storeu_ps(ci + v * kLanes, x);
      } else {
        store_lanes(ci + v * kLanes, x, last_lanes);
      }
    }
  }
}

template <bool kRowMajorA>
inline void any_width(int64_t kc, const float* a, int64_t a_stride, const float* b,
                      int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                      const TileUpdate& u) {
  static_assert(kNR == 2 * kLanes);
  if (n == kNR) {
    tile<2, kRowMajorA, true>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  } else if (n > kLanes) {
    tile<2, kRowMajorA, false>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  } else if (n == kLanes) {
    tile<1, kRowMajorA, true>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  } else {
    tile<1, kRowMajorA, false>(kc, a, a_stride, b, b_stride, c, ldc, m, n, u);
  }
}

// Writes the transpose of the 8 x 8 block of rows row[0..7] (8 floats each from column k):
// column j goes to out + j * width, lanes [0, count) of it (count < 8: masked), and lanes of
// rows >= valid are zeroed. Plain variables, not arrays, so that all 16 live vectors stay in
// registers.
inline void transpose_block(const float* const row[kLanes], int64_t k, int64_t valid, int64_t count,
                            int64_t width, float* out) {
  const __m256 r0 = _mm256_loadu_ps(row[0] + k), r1 = _mm256_loadu_ps(row[1] + k);
  const __m256 r2 = _mm256_loadu_ps(row[2] + k), r3 = _mm256_loadu_ps(row[3] + k);
  const __m256 r4 = _mm256_loadu_ps(row[4] + k), r5 = _mm256_loadu_ps(row[5] + k);
  const __m256 r6 = _mm256_loadu_ps(row[6] + k), r7 = _mm256_loadu_ps(row[7] + k);
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 cols[kLanes] = {
      _mm256_permute2f128_ps(s0, s4, 0x20), _mm256_permute2f128_ps(s1, s5, 0x20),
      _mm256_permute2f128_ps(s2, s6, 0x20), _mm256_permute2f128_ps(s3, s7, 0x20),
      _mm256_permute2f128_ps(s0, s4, 0x31), _mm256_permute2f128_ps(s1, s5, 0x31),
      _mm256_permute2f128_ps(s2, s6, 0x31), _mm256_permute2f128_ps(s3, s7, 0x31)};
  const __m256 keep = _mm256_castsi256_ps(lane_mask(valid));
#pragma GCC unroll 8
  for (int j = 0; j < kLanes; ++j) {
    const __m256 x = valid == kLanes ? cols[j] : _mm256_and_ps(cols[j], keep);
    if (count == kLanes) {
      _mm256_storeu_ps(out + j * width, x);
    } else {
      store_lanes(out + j * width, x, count);
    }
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

// Groups of 8 output lanes: 8 source rows (the missing ones read as a copy of the last row,
// then zeroed) are loaded 8 k at a time, transposed in registers and stored as 8 k-rows.
void transpose_pack(const float* src, int64_t ld, int64_t rows, int64_t cols, int64_t width,
                    float* out) noexcept {
  for (int64_t r0 = 0; r0 < width; r0 += kLanes) {
    const int64_t count = width - r0 < kLanes ? width - r0 : kLanes;  // lanes stored
    const int64_t valid = rows - r0 < 0 ? 0 : (rows - r0 < kLanes ? rows - r0 : kLanes);
    float* dst = out + r0;
    if (valid == 0) {
      for (int64_t k = 0; k < cols; ++k) {
        if (count == kLanes) {
          _mm256_storeu_ps(dst + k * width, _mm256_setzero_ps());
        } else {
          store_lanes(dst + k * width, _mm256_setzero_ps(), count);
        }
      }
      continue;
    }
    const float* row[kLanes];
    for (int64_t r = 0; r < kLanes; ++r) row[r] = src + (r0 + (r < valid ? r : valid - 1)) * ld;
    int64_t k = 0;
    for (; k + kLanes <= cols; k += kLanes)
      transpose_block(row, k, valid, count, width, dst + k * width);
    for (; k < cols; ++k) {
      for (int64_t r = 0; r < count; ++r) dst[k * width + r] = r < valid ? row[r][k] : 0.f;
    }
  }
}

}  // namespace ember::cpu::gemm::avx2

#endif  // EMBER_GEMM_X86_KERNELS
