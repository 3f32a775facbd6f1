// ThreadPool. See Note [Why not OpenMP for parallel_for] in thread_pool.h.
#include "core/thread_pool.h"

#include <immintrin.h>

namespace ember::detail {

namespace {
thread_local bool tls_in_job = false;

// Spin iterations before blocking: a few microseconds on current x86 cores.
constexpr int kSpin = 2000;

struct InJob {
  InJob() { tls_in_job = true; }
  ~InJob() { tls_in_job = false; }
};
}  // namespace

bool in_pool_job() { return tls_in_job; }

ThreadPool& ThreadPool::instance() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::ensure_workers(int count) {
  while (static_cast<int>(workers_.size()) < count) {
    int index = static_cast<int>(workers_.size());
    workers_.emplace_back([this, index] { worker_loop(index); });
  }
}

void ThreadPool::work_on(const ParallelJob& job) {
  int64_t done = 0;
  for (int64_t c = next_chunk_.fetch_add(1, std::memory_order_relaxed); c < job.chunks;
       c = next_chunk_.fetch_add(1, std::memory_order_relaxed)) {
    job.run(job.ctx, c);
    ++done;
  }
  if (done > 0) remaining_.fetch_sub(done, std::memory_order_acq_rel);
}

void ThreadPool::worker_loop(int index) {
  tls_in_job = true;  // a nested parallel_for on a worker runs inline
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < kSpin && generation_.load(std::memory_order_acquire) == seen; ++i) {
      _mm_pause();
    }
    ParallelJob job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      seen = generation_.load(std::memory_order_acquire);
      if (stopping_) return;
      if (index >= active_workers_) continue;
      job = job_;
      busy_.fetch_add(1, std::memory_order_relaxed);
    }
    work_on(job);
    busy_.fetch_sub(1, std::memory_order_release);
    // Taking the lock orders this notify after run() has either seen busy_ drop or started
    // waiting on done_cv_ (it checks and waits under the lock): no lost wake-up.
    { std::lock_guard<std::mutex> lock(mutex_); }
    done_cv_.notify_all();
  }
}

void ThreadPool::run(const ParallelJob& job, int threads) {
  if (job.chunks <= 0) return;
  std::unique_lock<std::mutex> submit(submit_mutex_, std::try_to_lock);
  if (tls_in_job || threads <= 1 || job.chunks == 1 || !submit.owns_lock()) {
    InJob guard;
    for (int64_t c = 0; c < job.chunks; ++c) job.run(job.ctx, c);
    return;
  }
  int helpers = static_cast<int>(std::min<int64_t>(threads, job.chunks)) - 1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ensure_workers(helpers);
    job_ = job;
    active_workers_ = helpers;
    next_chunk_.store(0, std::memory_order_relaxed);
    remaining_.store(job.chunks, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_cv_.notify_all();
  {
    InJob guard;
    work_on(job);
  }
  auto done = [&] {
    return remaining_.load(std::memory_order_acquire) == 0 &&
           busy_.load(std::memory_order_acquire) == 0;
  };
  for (int i = 0; i < kSpin && !done(); ++i) _mm_pause();
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait(lock, done);
  active_workers_ = 0;
}

}  // namespace ember::detail
