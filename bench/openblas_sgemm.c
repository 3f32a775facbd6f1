/* OpenBLAS's side of bench/compare_gemm.sh: cblas_sgemm timed by gemm_timer.h. Built by the
 * script (cc -O2 ... -lopenblas), never by CMake: OpenBLAS is not a dependency of ember. */
#include <cblas.h>

#include "gemm_timer.h"

static void openblas_gemm(char ta, char tb, long M, long N, long K, const float* A, long lda,
                          const float* B, long ldb, float* C, long ldc) {
  cblas_sgemm(CblasRowMajor, ta == 'n' ? CblasNoTrans : CblasTrans,
              tb == 'n' ? CblasNoTrans : CblasTrans, (int)M, (int)N, (int)K, 1.0f, A, (int)lda, B,
              (int)ldb, 0.0f, C, (int)ldc);
}

int main(int argc, char** argv) { return gemm_timer_main(argc, argv, openblas_gemm); }
