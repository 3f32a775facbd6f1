// Packing for the GEMM driver: copies a block of A or B into the k-major micro-panels that
// the micro-kernels read with unit stride (see Note [GEMM blocking] in gemm.cpp).
#pragma once

#include <cstdint>

#include "kernels/cpu/gemm/kernel.h"

namespace ember::cpu::gemm {

/// a(i, k) = a[i * rs + k * cs], any strides. Rows [0, m) (m <= f.mr) and k in [0, kc) ->
/// out[k * f.mr + i], rows m..f.mr-1 zero. Overwrites f.mr * kc floats of out.
void pack_a_panel(const float* a, int64_t rs, int64_t cs, int64_t m, int64_t kc,
                  const KernelFamily& f, float* out) noexcept;

/// b(k, j) = b[k * rs + j * cs], any strides. k in [0, kc) and columns [0, n) (n <= f.nr) ->
/// out[k * f.nr + j], columns n..f.nr-1 zero. Overwrites kc * f.nr floats of out.
void pack_b_panel(const float* b, int64_t rs, int64_t cs, int64_t kc, int64_t n,
                  const KernelFamily& f, float* out) noexcept;

}  // namespace ember::cpu::gemm
