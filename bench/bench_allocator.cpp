// Google Benchmark microbenchmarks of the caching CPU allocator (src/core/allocator.cpp)
// against the system path (aligned_alloc/free per block, what EMBER_ALLOCATOR=system selects).
//
//   BM_TrainingStep/cache/touch/batch
//                                 one step of a small transformer's allocation pattern (four
//                                 blocks of T=128, C=256, NH=4 at batch B: activations kept for
//                                 the backward, gradients freed as it goes); touch = 1 writes
//                                 every block once, as the kernel producing it would, so the
//                                 page faults of fresh memory are counted. At B=64 the largest
//                                 blocks (32 MiB) reach glibc's mmap threshold, which glibc
//                                 otherwise raises as blocks are freed and so caches by itself
//   BM_AllocFree/cache/bytes      one allocate + deallocate of one size: the per-call cost,
//                                 including the uncontended mutex
//   BM_AllocFreeShared/cache      the same from 1, 2 and 4 threads sharing one allocator: the
//                                 cost of contention on its mutex
//   BM_TensorTrainingStep         a real MLP step (forward, backward) on tensors, through the
//                                 process-wide allocator; run it once as is and once with
//                                 EMBER_ALLOCATOR=system to compare
//
// Usage: ember_bench_allocator --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>

#include "ember/core/allocator.h"
#include "ember/ember.h"

namespace {

using ember::AllocatorOptions;
using ember::CachingAllocator;

// Block sizes of one transformer block's forward at batch B, in allocation order (float32).
std::vector<size_t> layer_activations(size_t B) {
  constexpr size_t T = 128, C = 256, NH = 4, f = sizeof(float);
  return {
      B * T * C * f,       // ln1 out (B,T,C)
      B * T * f,           // ln1 mean (B,T)
      B * T * f,           // ln1 rstd (B,T)
      B * T * 3 * C * f,   // qkv (B,T,3C)
      B * NH * T * T * f,  // attention scores (B,NH,T,T)
      B * NH * T * T * f,  // attention probabilities (B,NH,T,T)
      B * T * C * f,       // attention out (B,T,C)
      B * T * C * f,       // residual (B,T,C)
      B * T * 4 * C * f,   // mlp up (B,T,4C)
      B * T * 4 * C * f,   // gelu (B,T,4C)
      B * T * C * f,       // mlp down (B,T,C)
      C * f,               // a bias-sized temporary (C)
  };
}

// Forward: every layer's activations stay live. Backward, in reverse: each activation's
// gradient is allocated, then the activation and its gradient are freed.
void training_step(CachingAllocator& alloc, const std::vector<size_t>& sizes, int layers,
                   bool touch) {
  std::vector<void*> live;
  live.reserve(sizes.size() * static_cast<size_t>(layers));
  for (int l = 0; l < layers; ++l) {
    for (size_t n : sizes) {
      void* p = alloc.allocate(n);
      if (touch) std::memset(p, 0, n);
      live.push_back(p);
    }
  }
  for (size_t i = live.size(); i-- > 0;) {
    size_t n = sizes[i % sizes.size()];
    void* grad = alloc.allocate(n);
    if (touch) std::memset(grad, 0, n);
    benchmark::DoNotOptimize(grad);
    alloc.deallocate(grad, n);
    alloc.deallocate(live[i], n);
  }
}

void BM_TrainingStep(benchmark::State& state) {
  CachingAllocator alloc(AllocatorOptions{.use_cache = state.range(0) != 0});
  const bool touch = state.range(1) != 0;
  const std::vector<size_t> sizes = layer_activations(static_cast<size_t>(state.range(2)));
  constexpr int kLayers = 4;
  size_t bytes_per_step = 0;
  for (size_t n : sizes) bytes_per_step += 2 * n * kLayers;
  training_step(alloc, sizes, kLayers, touch);  // warm-up: fills the cache
  for (auto _ : state) training_step(alloc, sizes, kLayers, touch);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes_per_step));
  state.counters["hit_rate"] = static_cast<double>(alloc.stats().cache_hits) /
                               static_cast<double>(alloc.stats().allocations);
}
BENCHMARK(BM_TrainingStep)
    ->ArgNames({"cache", "touch", "batch"})
    ->ArgsProduct({{1, 0}, {0, 1}, {8, 64}})
    ->Unit(benchmark::kMicrosecond);

void BM_AllocFree(benchmark::State& state) {
  CachingAllocator alloc(AllocatorOptions{.use_cache = state.range(0) != 0});
  const auto n = static_cast<size_t>(state.range(1));
  for (auto _ : state) {
    void* p = alloc.allocate(n);
    benchmark::DoNotOptimize(p);
    alloc.deallocate(p, n);
  }
}
BENCHMARK(BM_AllocFree)
    ->ArgNames({"cache", "bytes"})
    ->ArgsProduct({{1, 0}, {64, 4096, 256 << 10, 4 << 20}});

CachingAllocator* g_shared = nullptr;

void BM_AllocFreeShared(benchmark::State& state) {
  if (state.thread_index() == 0) {
    g_shared = new CachingAllocator(AllocatorOptions{.use_cache = state.range(0) != 0});
  }
  // Google Benchmark starts every thread's loop together, after thread 0's setup above.
  for (auto _ : state) {
    void* p = g_shared->allocate(4096);
    benchmark::DoNotOptimize(p);
    g_shared->deallocate(p, 4096);
  }
  if (state.thread_index() == 0) {
    delete g_shared;
    g_shared = nullptr;
  }
}
BENCHMARK(BM_AllocFreeShared)->ArgName("cache")->Arg(1)->Arg(0)->Threads(1)->Threads(2)->Threads(4);

void BM_TensorTrainingStep(benchmark::State& state) {
  ember::Generator gen(0);
  ember::Tensor x = ember::randn({64, 784}, {}, &gen);
  ember::Tensor w1 = (ember::randn({784, 512}, {}, &gen) * 0.03).requires_grad_();
  ember::Tensor w2 = (ember::randn({512, 10}, {}, &gen) * 0.03).requires_grad_();
  auto step = [&] {
    ember::Tensor h = ember::relu(ember::matmul(x, w1));  // (64,512)
    ember::Tensor loss = ember::sum(ember::matmul(h, w2));
    loss.backward();
    w1.set_grad(ember::Tensor());
    w2.set_grad(ember::Tensor());
  };
  step();
  for (auto _ : state) step();
  state.SetLabel(ember::cpu_allocator().is_caching() ? "caching" : "system");
}
BENCHMARK(BM_TensorTrainingStep)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
