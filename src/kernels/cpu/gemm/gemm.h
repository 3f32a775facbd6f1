// ember's single-precision GEMM: the internal API that fast kernels (bmm, linear, conv)
// call on raw float pointers. Row-major semantics throughout, as in the rest of ember.
//
// The implementation is BLIS-style (see Note [GEMM blocking] in gemm.cpp): operands packed
// into micro-panels, an AVX-512, AVX2 or portable micro-kernel chosen at run time from
// cpu_features(), ember's thread pool over micro-tiles, a no-packing path for small products and a fused
// epilogue (beta, bias, ReLU/GELU) applied while the output tile is in registers.
// Not here: other dtypes (double and 16-bit products stay in kernels/cpu/linalg.cpp), tensors,
// validation. Like every kernel these functions trust their arguments; the only allocation is
// the calling thread's packing buffer (about 1 MiB, kept for the thread's lifetime), whose
// failure is the one exception they can throw (std::bad_alloc).
#pragma once

#include <cstdint>

namespace ember::cpu {

enum class Transpose { no, yes };

/// Element-wise function applied to each output as the last step of the product.
/// gelu is the exact (erf) form, gelu_tanh the tanh approximation (PyTorch's
/// approximate="tanh"); both are evaluated with rational approximations accurate to a few
/// float ulps of the activation (see Note [GEMM activations] in activation.h).
enum class GemmActivation { none, relu, gelu, gelu_tanh };

/// What a product adds to each output after alpha * A B + beta * C, in this order: the bias
/// of the output's column, then the activation. Lets Linear and Conv fuse their epilogue into
/// the GEMM instead of running two more passes over the output.
struct GemmEpilogue {
  const float* bias = nullptr;  ///< (N) values, one per column; nullptr for none.
  GemmActivation activation = GemmActivation::none;
};

/// C (M, N) = act(alpha * op(A) op(B) + beta * C + bias), every matrix row-major:
/// op(A) is A (M, K) with row stride lda when trans_a is no, else A is stored (K, M) with row
/// stride lda; likewise op(B) is (K, N) from B (K, N) or B stored (N, K), row stride ldb; C has
/// row stride ldc. beta == 0 overwrites C without reading it (NaN or garbage in C is fine);
/// alpha == 0 or K == 0 reads neither A nor B. fp32 products and sums (as every SGEMM).
/// C must not overlap A, B or the bias. Threads: up to num_threads() (serial when called from
/// inside a parallel region); the result is identical for every thread count.
void sgemm(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K, float alpha,
           const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
           int64_t ldc, const GemmEpilogue* epilogue = nullptr);

/// `batch` independent products as sgemm: the i-th reads A + i * stride_a and B + i * stride_b
/// and writes C + i * stride_c. A stride of 0 broadcasts that operand to every product.
void sgemm_strided_batched(Transpose trans_a, Transpose trans_b, int64_t M, int64_t N, int64_t K,
                           float alpha, const float* A, int64_t lda, int64_t stride_a,
                           const float* B, int64_t ldb, int64_t stride_b, float beta, float* C,
                           int64_t ldc, int64_t stride_c, int64_t batch,
                           const GemmEpilogue* epilogue = nullptr);

/// An operand with arbitrary strides, in elements: element (i, j) of matrix b of the batch is
/// data[b * batch_stride + i * row_stride + j * col_stride]. Strides may be 0 (broadcast) and
/// need not include a 1 (such an operand is always packed). Maps a strided Tensor directly.
struct GemmOperand {
  const float* data;
  int64_t row_stride;
  int64_t col_stride;
  int64_t batch_stride = 0;
};

/// The general form the two above reduce to: for every b < batch,
/// C_b (M, N) = act(alpha * A_b (M, K) B_b (K, N) + beta * C_b + bias) with C_b at
/// C + b * stride_c, row stride ldc and unit column stride. Same contract as sgemm.
void sgemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, float alpha,
                   const GemmOperand& A, const GemmOperand& B, float beta, float* C, int64_t ldc,
                   int64_t stride_c, const GemmEpilogue* epilogue = nullptr);

/// The micro-kernel families, from the portable C++ one to the widest vectors.
enum class GemmIsa { generic, avx2, avx512 };

const char* gemm_isa_name(GemmIsa isa);
/// True when this build has the family and the CPU (and OS) can run it.
bool gemm_isa_supported(GemmIsa isa);
/// The family sgemm uses now: the widest supported one unless a GemmIsaGuard forces another.
GemmIsa gemm_isa();

/// Forces sgemm onto one micro-kernel family for its lifetime (tests and benchmarks compare
/// the families on one machine). Not thread-safe against concurrent sgemm calls; the forced
/// family must be supported (an unsupported one is ignored: the default stays in use).
class GemmIsaGuard {
 public:
  explicit GemmIsaGuard(GemmIsa isa);
  ~GemmIsaGuard();
  GemmIsaGuard(const GemmIsaGuard&) = delete;
  GemmIsaGuard& operator=(const GemmIsaGuard&) = delete;

 private:
  int previous_;
};

/// Makes sgemm pack both operands, whatever their size and layout, for its lifetime: small
/// products normally read them in place, and tests need the packing code on small shapes.
/// Same caveats as GemmIsaGuard.
class GemmPackAllGuard {
 public:
  GemmPackAllGuard();
  ~GemmPackAllGuard();
  GemmPackAllGuard(const GemmPackAllGuard&) = delete;
  GemmPackAllGuard& operator=(const GemmPackAllGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace ember::cpu
