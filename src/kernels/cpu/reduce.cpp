// Fast kernels: reductions, scans, softmax and batched matmul.
#include <algorithm>
#include <cstring>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

namespace {

using kernels::ReduceGeometry;
using kernels::ScalarArgs;

// Sum of a contiguous run with 8 independent accumulators: vectorisable, and the partial
// sums keep float32 rounding error close to pairwise summation's.
template <typename T>
acc_t<T> sum_run(const T* p, int64_t n) {
  using Acc = acc_t<T>;
  Acc acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) acc[k] += static_cast<Acc>(p[i + k]);
  }
  Acc total = 0;
  for (; i < n; ++i) total += static_cast<Acc>(p[i]);
  return total + ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

void sum(const Tensor& x, Tensor& out, ReduceGeometry g, const ScalarArgs&) {
  dispatch_numeric(x.dtype(), "sum", [&]<typename T>() {
    using Acc = acc_t<T>;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    if (g.inner == 1) {
      parallel_for(0, g.outer, g.reduce, [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) po[o] = static_cast<T>(sum_run(px + o * g.reduce, g.reduce));
      });
      return;
    }
    // Rows of `inner` contiguous elements are added into an accumulator row.
    parallel_for(0, g.outer, g.reduce * g.inner, [&](int64_t b, int64_t e) {
      std::vector<Acc> acc(static_cast<size_t>(g.inner));
      for (int64_t o = b; o < e; ++o) {
        std::fill(acc.begin(), acc.end(), Acc(0));
        for (int64_t r = 0; r < g.reduce; ++r) {
          const T* row = px + (o * g.reduce + r) * g.inner;
          for (int64_t i = 0; i < g.inner; ++i) acc[i] += static_cast<Acc>(row[i]);
        }
        for (int64_t i = 0; i < g.inner; ++i) po[o * g.inner + i] = static_cast<T>(acc[i]);
      }
    });
  });
}

}  // namespace

void register_reduce() {
  constexpr Backend C = Backend::cpu;
  kernels::sum.set(C, &cpu::sum);
}

}  // namespace ember::cpu
