// The portable micro-kernel family: plain loops over a 6 x 8 register tile that the compiler
// vectorises for whatever the build targets (SSE2 on a default x86-64 build: 12 accumulators
// of 4 floats, 2 registers for the B row, 1 for the broadcast A value, within the 16 xmm).
// It is the path for CPUs without AVX2 and the baseline the SIMD families are tested
// against; it is not tuned further. It has no row-major kernel: strided broadcasts from A's
// rows defeat the vectoriser (8 GFLOP/s against 25 from a packed panel on Zen 4), so the
// driver packs such an A. Contract: MicroKernel in kernel.h.
#include <cstdint>

#include "kernels/cpu/gemm/activation.h"
#include "kernels/cpu/gemm/kernel.h"

namespace ember::cpu::gemm::generic {

namespace {

// Unless kFull, only the first n < kNR columns of B are read (the rest count as zero).
template <bool kFull>
inline void tile(int64_t kc, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                 float* c, int64_t ldc, int64_t m, int64_t n, const TileUpdate& u) {
  float acc[kMR][kNR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const float* ak = a + k * a_stride;
    float bk[kNR];
    for (int64_t j = 0; j < kNR; ++j) bk[j] = kFull || j < n ? b[k * b_stride + j] : 0.f;
#pragma GCC unroll 8
    for (int64_t i = 0; i < kMR; ++i) {
#pragma GCC unroll 8
      for (int64_t j = 0; j < kNR; ++j) acc[i][j] += ak[i] * bk[j];
    }
  }
  for (int64_t i = 0; i < m; ++i) {
    float* ci = c + i * ldc;
    for (int64_t j = 0; j < n; ++j) {
      float v = u.alpha * acc[i][j];
      if (u.beta != 0.f) v += u.beta * ci[j];
      if (u.bias != nullptr) v += u.bias[j];
      ci[j] = apply_activation(v, u.activation);
    }
  }
}

}  // namespace

void kernel_k_major(int64_t kc, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                    float* c, int64_t ldc, int64_t m, int64_t n,
                    const TileUpdate& update) noexcept {
  if (n == kNR) {
    tile<true>(kc, a, a_stride, b, b_stride, c, ldc, m, n, update);
  } else {
    tile<false>(kc, a, a_stride, b, b_stride, c, ldc, m, n, update);
  }
}

}  // namespace ember::cpu::gemm::generic
