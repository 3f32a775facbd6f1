// Reference kernels: the batched matrix product, as the triple loop.
#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

namespace {

// a (B, M, K), b (B, K, N), any strides (0 for broadcast) -> out (B, M, N) contiguous,
// overwritten. Accumulates in double.
void bmm(const Tensor& a, const Tensor& b, Tensor& out) {
  dispatch_floating(a.dtype(), "bmm", [&]<typename T>() {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    const int64_t B = a.size(0), M = a.size(1), K = a.size(2), N = b.size(2);
    const Shape& sa = a.strides();
    const Shape& sb = b.strides();
    for (int64_t bi = 0; bi < B; ++bi) {
      for (int64_t m = 0; m < M; ++m) {
        for (int64_t n = 0; n < N; ++n) {
          double acc = 0;
          for (int64_t k = 0; k < K; ++k) {
            acc += static_cast<double>(pa[bi * sa[0] + m * sa[1] + k * sa[2]]) *
                   static_cast<double>(pb[bi * sb[0] + k * sb[1] + n * sb[2]]);
          }
          po[(bi * M + m) * N + n] = static_cast<T>(acc);
        }
      }
    }
  });
}

}  // namespace

void register_linalg() { kernels::bmm.set(Backend::ref, &ref::bmm); }

}  // namespace ember::ref
