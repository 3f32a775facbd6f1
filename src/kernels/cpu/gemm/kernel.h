// The contract between the GEMM driver (gemm.cpp, pack.cpp) and the micro-kernel families
// (microkernel_{generic,avx2,avx512}.cpp). Declarations and plain structs only. The bfloat16
// GEMM's contract is bf16_kernel.h.
//
// Note [GEMM ISA files]
// The AVX2 and AVX-512 files are compiled with -mavx2 / -mavx512f (cmake/gemm.cmake) and
// their functions are called only after cpu_features() said the CPU has those extensions.
// Such a file must not emit out-of-line copies of inline functions or templates that other
// files also emit (std::min, std::vector, an inline helper from a header): the linker keeps
// one copy of each, maybe the AVX-512 one, which would then run on a CPU without AVX-512.
// Hence these files include only <immintrin.h>, <cstdint>, this header, bf16_kernel.h,
// activation.h and epilogue_avx512.h, whose helpers are constants or have internal linkage,
// and keep their own helpers in an anonymous namespace (bfloat16 data is raw uint16_t bits
// there, never ember's BFloat16 with its inline conversions).
#pragma once

#include <cstdint>

#include "kernels/cpu/gemm/gemm.h"

namespace ember::cpu::gemm {

/// How a micro-kernel writes its tile: C = act(alpha * acc + beta * C + bias).
struct TileUpdate {
  float alpha;
  float beta;         ///< 0: C is written without being read.
  const float* bias;  ///< nullptr, or the bias of the tile's first column.
  GemmActivation activation;
};

/// C (m, n) = update(A (MR, kc) B (kc, n)), m <= MR and n <= NR, C row stride ldc.
/// B: b(k, j) = b[k * b_stride + j]; only columns j < n are read, so an unpacked B needs no
/// padding. A: all MR rows are read (partial panels are packed, zero-padded):
/// a(i, k) = a[k * a_stride + i] for the k-major kernel (packed panels, a_stride = MR, and
/// transposed operands), a[i * a_stride + k] for the row-major one.
/// Only the m x n corner of C is read (when beta != 0) and written.
using MicroKernel = void(int64_t kc, const float* a, int64_t a_stride, const float* b,
                         int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                         const TileUpdate& update) noexcept;

/// out[k * width + r] = src[r * ld + k] for r < rows and k < cols, 0 for rows <= r < width:
/// `rows` rows of contiguous k transposed into a k-major panel (the packing of a row-major A
/// and of a transposed B).
using TransposePack = void(const float* src, int64_t ld, int64_t rows, int64_t cols, int64_t width,
                           float* out) noexcept;

/// One micro-kernel family and the blocking it is tuned for (see Note [GEMM blocking]).
struct KernelFamily {
  GemmIsa isa;
  int64_t mr;  ///< Rows of a micro-tile (broadcast from A).
  int64_t nr;  ///< Columns of a micro-tile (vectors of B); a multiple of the vector width.
  int64_t kc;  ///< Largest K slice.
  int64_t nc;  ///< Largest column block of packed B (a multiple of nr).
  MicroKernel* kernel_k_major;
  MicroKernel* kernel_row_major;  ///< nullptr: a row-major A is always packed.
  TransposePack* transpose_pack;
};

/// The family `isa` (which must be supported) with its blocking (gemm.cpp). bf16_gemm.cpp's
/// portable path runs these micro-kernels on bfloat16-rounded panels.
const KernelFamily& kernel_family(GemmIsa isa);

// The scalar transposer every family may use (pack.cpp).
void transpose_pack_generic(const float* src, int64_t ld, int64_t rows, int64_t cols, int64_t width,
                            float* out) noexcept;

namespace generic {
inline constexpr int64_t kMR = 6, kNR = 8;
void kernel_k_major(int64_t kc, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                    float* c, int64_t ldc, int64_t m, int64_t n, const TileUpdate& update) noexcept;
}  // namespace generic

namespace avx2 {
inline constexpr int64_t kMR = 6, kNR = 16;
void kernel_k_major(int64_t kc, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                    float* c, int64_t ldc, int64_t m, int64_t n, const TileUpdate& update) noexcept;
void kernel_row_major(int64_t kc, const float* a, int64_t a_stride, const float* b,
                      int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                      const TileUpdate& update) noexcept;
/// 8 x 8 in-register transposes; used by the AVX2 and AVX-512 families.
void transpose_pack(const float* src, int64_t ld, int64_t rows, int64_t cols, int64_t width,
                    float* out) noexcept;
}  // namespace avx2

namespace avx512 {
inline constexpr int64_t kMR = 8, kNR = 48;
void kernel_k_major(int64_t kc, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                    float* c, int64_t ldc, int64_t m, int64_t n, const TileUpdate& update) noexcept;
void kernel_row_major(int64_t kc, const float* a, int64_t a_stride, const float* b,
                      int64_t b_stride, float* c, int64_t ldc, int64_t m, int64_t n,
                      const TileUpdate& update) noexcept;
}  // namespace avx512

}  // namespace ember::cpu::gemm
