// Threading: ember's own worker pool, sized by EMBER_NUM_THREADS
// (default: all cores); parallel_for stays serial below a work threshold so small ops pay
// no threading cost.
#pragma once

#include <cstdint>

namespace ember {

/// Threads ember's kernels use.
int num_threads();
/// Sets the thread count for ember's kernels (>= 1).
void set_num_threads(int n);
/// True inside a parallel region (nested parallel_for calls then run serially).
bool in_parallel_region();

/// Below this many elements of work a loop runs on the calling thread.
inline constexpr int64_t kParallelGrain = 32768;

}  // namespace ember
