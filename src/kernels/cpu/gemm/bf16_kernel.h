// The contract between the bfloat16 GEMM driver (bf16_gemm.cpp) and its packers and
// micro-kernels (bf16_pack.cpp, microkernel_avx512_bf16.cpp). Declarations and plain structs
// only; the ISA rules of Note [GEMM ISA files] in kernel.h apply.
//
// Note [bfloat16 pair panels]
// vdpbf16ps takes 32-bit lanes that each hold two bfloat16 values and computes, per lane j,
// c[j] += a.lo[j] b.lo[j] + a.hi[j] b.hi[j] in float32 (two roundings: the products of two
// bfloat16 values are exact). The two halves must be two k of one dot product, so a packed
// panel holds 32-bit words, each the bfloat16 values of two consecutive k of one row of A (or
// column of B), the even k in the low half:
//   word (p, r) = bf16(x(r, 2p)) | bf16(x(r, 2p + 1)) << 16,  at out[p * width + r],
// k-pair-major like sgemm's k-major panels (kernel.h) with a pair where they have a k. An
// odd K slice ends with the pair (x(r, kc - 1), 0); vectors r past the operand's edge are
// zero words. A micro-kernel step then broadcasts row i's word of A against a row of B's
// words: 16 lanes x 2 products per instruction, twice what an FMA does. The driver makes
// every K slice but the last an even length, so only the product's last pair is padded.
#pragma once

#include <cstdint>

#include "kernels/cpu/gemm/kernel.h"

namespace ember::cpu::gemm {

/// Where a panel's values come from: element (r, k), r a row of A or a column of B, is
/// data[r * rs + k * ks], a float32 or (is_bf16) bfloat16 bits as uint16_t. Any strides.
struct PanelSource {
  const void* data;
  bool is_bf16;
  int64_t rs;
  int64_t ks;
};

/// Packs vectors r < count (count <= width) of kc values into `out`, zeros for
/// count <= r < width, in one of two layouts:
///  - pairs: uint32_t out[ceil(kc / 2) * width], Note [bfloat16 pair panels];
///  - rounded floats: float out[kc * width], out[k * width + r] = float(bf16(x(r, k))), the
///    k-major panel of sgemm's micro-kernels with the bfloat16-rounded values.
/// float32 values are rounded to nearest, ties to even (BFloat16::from_float).
using PanelPack = void(const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                       void* out) noexcept;

/// C (m, n) = update(A (MR, 2 kp) B (2 kp, n)), m <= MR, n <= NR, from packed pair panels:
/// a holds kp x MR words, b kp x NR words (zero-padded to NR columns). Only the m x n corner
/// of C is read (when beta != 0) and written.
using PairKernel = void(int64_t kp, const uint32_t* a, const uint32_t* b, float* c, int64_t ldc,
                        int64_t m, int64_t n, const TileUpdate& update) noexcept;

// The portable packers (bf16_pack.cpp), plain loops over BFloat16's conversion.
void pack_pairs_generic(const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                        void* out) noexcept;
void pack_rounded_generic(const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                          void* out) noexcept;

namespace avx512_bf16 {
inline constexpr int64_t kMR = 8, kNR = 48;
void kernel(int64_t kp, const uint32_t* a, const uint32_t* b, float* c, int64_t ldc, int64_t m,
            int64_t n, const TileUpdate& update) noexcept;
/// The pair layout: vector code for operands with a unit stride (rows of A or columns of B
/// contiguous in k, or the other way), pack_pairs_generic for the rest. Rounds with
/// vcvtne2ps2bf16, which is BFloat16::from_float except that float32 denormals become zero
/// (see Note [bfloat16 GEMM paths] in bf16_gemm.cpp).
void pack_pairs(const PanelSource& src, int64_t count, int64_t kc, int64_t width,
                void* out) noexcept;
}  // namespace avx512_bf16

}  // namespace ember::cpu::gemm
