// ember's side of bench/compare_gemm.sh: cpu::sgemm timed by gemm_timer.h, exactly as
// openblas_sgemm.c times cblas_sgemm. Threads: EMBER_NUM_THREADS.
#include "gemm_timer.h"
#include "kernels/cpu/gemm/gemm.h"

namespace {

void ember_gemm(char ta, char tb, long M, long N, long K, const float* A, long lda, const float* B,
                long ldb, float* C, long ldc) {
  using ember::cpu::Transpose;
  ember::cpu::sgemm(ta == 'n' ? Transpose::no : Transpose::yes,
                    tb == 'n' ? Transpose::no : Transpose::yes, M, N, K, 1.f, A, lda, B, ldb, 0.f,
                    C, ldc);
}

}  // namespace

int main(int argc, char** argv) { return gemm_timer_main(argc, argv, ember_gemm); }
