// ember's float64 GEMM: the portable, blocked product behind float64 bmm and the float64
// convolutions (float32 runs on sgemm, gemm.h). Row-major, raw pointers, no validation, like
// sgemm; see Note [DGEMM blocking] in dgemm.cpp.
#pragma once

#include <cstdint>

namespace ember::cpu {

/// A float64 operand with arbitrary strides, in elements: element (i, j) of matrix b of the
/// batch is data[b * batch_stride + i * row_stride + j * col_stride] (0 broadcasts).
struct DgemmOperand {
  const double* data;
  int64_t row_stride;
  int64_t col_stride;
  int64_t batch_stride = 0;
};

/// For every b < batch: C_b (M, N) = A_b (M, K) B_b (K, N), or C_b += A_b B_b when
/// `accumulate`, with C_b at C + b * stride_c, row stride ldc and unit column stride. K == 0
/// zeroes C_b (or leaves it when accumulating). C must not overlap A or B. Threads: up to
/// num_threads() over the batch and output tiles (serial inside a parallel region).
void dgemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, const DgemmOperand& A,
                   const DgemmOperand& B, bool accumulate, double* C, int64_t ldc,
                   int64_t stride_c);

}  // namespace ember::cpu
