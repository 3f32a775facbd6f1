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

#include "kernels/cpu/gemm/epilogue_avx512.h"

namespace ember::cpu::gemm::avx512 {

namespace {

// The 8 x (16 NV) tile; n > 16 (NV - 1) columns are stored.
template <int NV, bool kRowMajorA>
[[gnu::always_inline]] inline void tile(int64_t kc, const float* a, int64_t a_stride,
                                        const float* b, int64_t b_stride, float* c, int64_t ldc,
                                        int64_t m, int64_t n, const TileUpdate& u) {
  __m512 acc[kMR][NV];
  // The last vector's loads of B are masked too.
  const __mmask16 last_mask = start_tile<NV>(acc, c, ldc, m, n);
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

  store_tile<NV>(acc, c, ldc, m, last_mask, u);
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
