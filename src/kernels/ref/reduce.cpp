// Reference kernels: reductions, scans, softmax and batched matmul.
#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

namespace {

using kernels::ReduceGeometry;
using kernels::ScalarArgs;

// out[o, i] = sum_r x[o, r, i], accumulated in double (float64 for every float input, so the
// reference is at least as accurate as any fast kernel), int64 for integers.
void sum(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  dispatch_numeric(x.dtype(), "sum", [&]<typename T>() {
    using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < g.outer; ++o) {
      for (int64_t i = 0; i < g.inner; ++i) {
        Acc acc = 0;
        for (int64_t r = 0; r < g.reduce; ++r) acc += px[(o * g.reduce + r) * g.inner + i];
        po[o * g.inner + i] = static_cast<T>(acc);
      }
    }
  });
}

}  // namespace

void register_reduce() {
  constexpr Backend R = Backend::ref;
  kernels::sum.set(R, &ref::sum);
}

}  // namespace ember::ref
