// ThreadPool: the persistent workers behind parallel_for.
//
// Note [Why not OpenMP for parallel_for]
// libgomp's idle workers spin for a long time (GOMP_SPINCOUNT, ~300k iterations) before
// sleeping. When the machine has more runnable threads than cores (two test processes, a
// compiler, a data-loader thread) the spinning workers steal the cores the working threads
// need, and a 0.05 ms elementwise op can take 30 ms. Our workers spin only briefly (a few
// microseconds, enough to catch the next op of a training step) and then block on a
// condition variable, so an oversubscribed machine degrades gracefully.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace ember::detail {

/// A chunked job: run(ctx, chunk) for chunk in [0, chunks).
struct ParallelJob {
  void (*run)(const void* ctx, int64_t chunk);
  const void* ctx;
  int64_t chunks;
};

class ThreadPool {
 public:
  /// The process-wide pool (workers are started on first use and grow on demand).
  static ThreadPool& instance();
  ~ThreadPool();

  /// Runs the job on up to `threads` threads (the caller is one of them) and returns when
  /// every chunk is done. Runs it inline when called from a worker, or when another thread
  /// is already using the pool. Exceptions must not escape `run`.
  void run(const ParallelJob& job, int threads);

 private:
  ThreadPool() = default;
  void worker_loop(int index);
  void ensure_workers(int count);
  void work_on(const ParallelJob& job);

  std::mutex submit_mutex_;  // one job at a time
  std::mutex mutex_;
  std::condition_variable wake_cv_;
  std::condition_variable done_cv_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};
  // Guarded by mutex_: the published job and how many workers may join it. A worker copies
  // the job and counts itself busy under the same lock that publishes jobs, and run()
  // returns only when no worker is busy, so no worker can ever claim a chunk of a job other
  // than the one it copied. busy_ is incremented under the lock but decremented without it,
  // so that run() can see the last worker leave while it spins, instead of sleeping on
  // done_cv_ and paying a futex wake-up (microseconds) on every small parallel op.
  ParallelJob job_{};
  int active_workers_ = 0;
  std::atomic<int> busy_{0};
  bool stopping_ = false;
  std::atomic<int64_t> next_chunk_{0};
  std::atomic<int64_t> remaining_{0};
};

/// True on a pool worker thread, or on the caller while it runs a job.
bool in_pool_job();

}  // namespace ember::detail
