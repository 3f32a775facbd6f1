// ember's bfloat16 GEMM: float32 C from operands rounded to bfloat16 (or stored as bfloat16),
// with every product summed in float32, and the alpha / beta / bias / activation contract of
// sgemm (gemm.h). It is what float32 matmul, bmm, linear and conv run on when
// set_float32_matmul_precision("medium") permits (float32_matmul_gemm_batched below), and
// what bfloat16 operands can call directly.
//
// The driver has sgemm's shape (bf16_gemm.cpp: Note [bfloat16 GEMM paths]): cache blocks,
// packing, ember's thread pool; the packing does the rounding, into the bfloat16 pairs that
// AVX512-BF16's vdpbf16ps multiplies (Note [bfloat16 pair panels] in bf16_kernel.h), or on
// CPUs without it into float32 panels for sgemm's own micro-kernels. Not here: validation,
// tensors; the only allocation is the calling thread's packing buffer (std::bad_alloc).
#pragma once

#include <cstdint>

#include "ember/core/dtype.h"
#include "kernels/cpu/gemm/gemm.h"

namespace ember::cpu {

/// An operand of the bfloat16 GEMM: GemmOperand's layout (element (i, j) of matrix b at
/// data[b * batch_stride + i * row_stride + j * col_stride], any strides, 0 broadcasts) with
/// float32 elements, rounded to bfloat16 as they are packed (to nearest, ties to even:
/// BFloat16's conversion, as PyTorch's .to(torch.bfloat16)), or bfloat16 elements, used as
/// they are.
struct Bf16GemmOperand {
  /// float32 elements, rounded while packed.
  Bf16GemmOperand(const GemmOperand& op)  // NOLINT: float32 operands convert implicitly
      : data(op.data),
        dtype(DType::float32),
        row_stride(op.row_stride),
        col_stride(op.col_stride),
        batch_stride(op.batch_stride) {}
  /// bfloat16 elements.
  Bf16GemmOperand(const BFloat16* values, int64_t rs, int64_t cs, int64_t bs = 0)
      : data(values), dtype(DType::bfloat16), row_stride(rs), col_stride(cs), batch_stride(bs) {}

  const void* data;
  DType dtype;  ///< float32 or bfloat16
  int64_t row_stride;
  int64_t col_stride;
  int64_t batch_stride;
};

/// For every b < batch: C_b (M, N) = act(alpha * bf16(A_b) (M, K) bf16(B_b) (K, N) + beta * C_b
/// + bias), C_b at C + b * stride_c with row stride ldc, unit column stride, float32.
/// The products of the bfloat16 values are exact in float32; they are summed in float32
/// (in pairs on the AVX512-BF16 path), so the result is within K float32 roundings of the
/// exact product of the rounded operands, like sgemm's of its operands. Otherwise sgemm's
/// contract: beta == 0 never reads C, alpha == 0 or K == 0 reads neither A nor B, C must not
/// overlap the operands or the bias, the result is identical for every thread count.
/// Denormals: vdpbf16ps treats inputs and results below 2^-126 in magnitude as zero (it has
/// no mode for them); the portable path does not, so the two paths can differ there.
void bf16_gemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, float alpha,
                       const Bf16GemmOperand& A, const Bf16GemmOperand& B, float beta, float* C,
                       int64_t ldc, int64_t stride_c, const GemmEpilogue* epilogue = nullptr);

/// sgemm's interface (row-major, op(A) and op(B) per Transpose, leading dimensions) on the
/// bfloat16 GEMM, float32 operands rounded to bfloat16.
void bf16_gemm(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K, float alpha,
               const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
               int64_t ldc, const GemmEpilogue* epilogue = nullptr);

/// The same with bfloat16 operands.
void bf16_gemm(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K, float alpha,
               const BFloat16* A, int64_t lda, const BFloat16* B, int64_t ldb, float beta, float* C,
               int64_t ldc, const GemmEpilogue* epilogue = nullptr);

/// The GEMM of float32 matmul, bmm, linear and conv: sgemm_batched, or bf16_gemm_batched when
/// float32_matmul_precision() is medium (include/ember/core/matmul_precision.h). "highest"
/// and "high" are sgemm_batched itself, bit for bit. Contract: sgemm_batched's.
void float32_matmul_gemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, float alpha,
                                 const GemmOperand& A, const GemmOperand& B, float beta, float* C,
                                 int64_t ldc, int64_t stride_c,
                                 const GemmEpilogue* epilogue = nullptr);

/// The bfloat16 GEMM's two paths: vdpbf16ps micro-kernels (CPUs with AVX512-BF16), or the
/// portable one: float32 panels of bfloat16-rounded values on sgemm's micro-kernels (the
/// family gemm_isa() names, so a GemmIsaGuard chooses among those too).
enum class Bf16GemmIsa { portable, avx512_bf16 };

const char* bf16_gemm_isa_name(Bf16GemmIsa isa);
/// True when this build has the path and the CPU (and OS) can run it; portable always is.
bool bf16_gemm_isa_supported(Bf16GemmIsa isa);
/// The path bf16_gemm uses now: avx512_bf16 where supported unless a Bf16GemmIsaGuard
/// forces the portable one.
Bf16GemmIsa bf16_gemm_isa();

/// Forces the bfloat16 GEMM onto one path for its lifetime (tests and benchmarks compare
/// them on one machine). Not thread-safe against concurrent products; an unsupported path is
/// ignored (the default stays in use).
class Bf16GemmIsaGuard {
 public:
  explicit Bf16GemmIsaGuard(Bf16GemmIsa isa);
  ~Bf16GemmIsaGuard();
  Bf16GemmIsaGuard(const Bf16GemmIsaGuard&) = delete;
  Bf16GemmIsaGuard& operator=(const Bf16GemmIsaGuard&) = delete;

 private:
  int previous_;
};

}  // namespace ember::cpu
