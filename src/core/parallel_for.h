// parallel_for: splits [begin, end) into one contiguous chunk per thread with OpenMP.
// Internal to the library (kernels include it); the public knobs are in core/parallel.h.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "ember/core/parallel.h"

namespace ember {

/// Calls f(chunk_begin, chunk_end) over [begin, end). `cost` is the work per index, in
/// elements: the loop runs serially when (end - begin) * cost is below kParallelGrain.
template <typename F>
void parallel_for(int64_t begin, int64_t end, int64_t cost, const F& f) {
  int64_t n = end - begin;
  if (n <= 0) return;
  int threads = num_threads();
  if (threads <= 1 || n == 1 || n * std::max<int64_t>(cost, 1) < kParallelGrain ||
      in_parallel_region()) {
    f(begin, end);
    return;
  }
  int64_t chunks = std::min<int64_t>(threads, n);
#pragma omp parallel num_threads(static_cast<int>(chunks))
  {
    int64_t t = omp_get_thread_num();
    int64_t per = n / chunks, extra = n % chunks;
    int64_t b = begin + t * per + std::min(t, extra);
    int64_t e = b + per + (t < extra ? 1 : 0);
    if (b < e) f(b, e);
  }
}

}  // namespace ember
