// Fast kernels: the batched matrix product. float32 runs on ember's SGEMM
// (src/kernels/cpu/gemm/: AVX-512, AVX2 or portable micro-kernels picked at run time), or on
// its bfloat16 GEMM when set_float32_matmul_precision("medium") allows (gemm/bf16_gemm.h);
// float64 on the portable blocked DGEMM beside it (gemm/dgemm.h).
#include <type_traits>

#include "core/dispatch.h"
#include "kernels/cpu/gemm/bf16_gemm.h"
#include "kernels/cpu/gemm/dgemm.h"
#include "kernels/cpu/gemm/gemm.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

// a (B, M, K), b (B, K, N), any strides (0 for broadcast) -> out (B, M, N) contiguous,
// overwritten. Sums in the input dtype (float32 for float32, as every BLAS); float32 operands
// are rounded to bfloat16 first when the float32 matmul precision is "medium".
void bmm(const Tensor& a, const Tensor& b, Tensor& out) {
  const int64_t B = a.size(0), M = a.size(1), K = a.size(2), N = b.size(2);
  if (out.numel() == 0) return;
  dispatch_floating(a.dtype(), "bmm", [&]<typename T>() {
    if constexpr (std::is_same_v<T, float>) {
      // beta = 0: C is overwritten (zeros when K == 0), never read.
      float32_matmul_gemm_batched(B, M, N, K, 1.0f,
                                  {a.data<float>(), a.stride(1), a.stride(2), a.stride(0)},
                                  {b.data<float>(), b.stride(1), b.stride(2), b.stride(0)}, 0.0f,
                                  out.data<float>(), N, M * N);
    } else {
      dgemm_batched(B, M, N, K, {a.data<double>(), a.stride(1), a.stride(2), a.stride(0)},
                    {b.data<double>(), b.stride(1), b.stride(2), b.stride(0)}, false,
                    out.data<double>(), N, M * N);
    }
  });
}

}  // namespace

void register_linalg() { kernels::bmm.set(Backend::cpu, &cpu::bmm); }

}  // namespace ember::cpu
