// parallel_for: splits [begin, end) into one contiguous chunk per thread and runs the
// chunks on ember's thread pool (see Note [Why not OpenMP for parallel_for]). Internal to
// the library (kernels include it); the public knobs are in core/parallel.h.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/thread_pool.h"
#include "ember/core/parallel.h"

namespace ember {

/// Calls f(chunk_begin, chunk_end) over [begin, end). `cost` is the work per index, in
/// elements: the loop runs serially when (end - begin) * cost is below kParallelGrain.
/// f must not throw.
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
  struct Ctx {
    const F* f;
    int64_t begin, n, chunks;
  } ctx{&f, begin, n, chunks};
  detail::ParallelJob job{
      [](const void* p, int64_t c) {
        const auto* x = static_cast<const Ctx*>(p);
        int64_t per = x->n / x->chunks, extra = x->n % x->chunks;
        int64_t b = x->begin + c * per + std::min(c, extra);
        int64_t e = b + per + (c < extra ? 1 : 0);
        if (b < e) (*x->f)(b, e);
      },
      &ctx, chunks};
  detail::ThreadPool::instance().run(job, threads);
}

}  // namespace ember
