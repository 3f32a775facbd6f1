// Google Benchmark microbenchmarks of ember's SGEMM (src/kernels/cpu/gemm/), called through
// its internal API on raw buffers. Every benchmark reports GFLOP/s (2 M N K per call) as the
// counter "GFLOPs" (Google Benchmark prints it per second). Threads: EMBER_NUM_THREADS.
//
//   BM_Sgemm/M/N/K/tb          square 64..2048 and the transformer shapes; tb = 1 reads B
//                              transposed, as Linear does with its (out, in) weight
//   BM_SgemmFamily/isa/size    the generic, AVX2 and AVX-512 micro-kernels on one machine
//   BM_SgemmEpilogue/mode      the MLP up-projection with no epilogue (0), fused bias + GELU
//                              (1), and the same as a second pass over C (2)
//   BM_MatmulOp/M/N/K          ember::matmul on tensors: sgemm plus the op layer's cost
//                              (output allocation, dispatch), through bmm's float32 kernel
//
// Usage: ember_bench_gemm --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <cmath>
#include <cstdlib>
#include <vector>

#include <benchmark/benchmark.h>

#include "ember/ember.h"
#include "kernels/cpu/gemm/gemm.h"

namespace {

using ember::cpu::GemmActivation;
using ember::cpu::GemmEpilogue;
using ember::cpu::GemmIsa;
using ember::cpu::Transpose;

// A 64-byte aligned float buffer with values in [-1, 1).
struct Buffer {
  float* data;
  explicit Buffer(int64_t count)
      : data(static_cast<float*>(
            std::aligned_alloc(64, (static_cast<size_t>(count) * sizeof(float) + 63) / 64 * 64))) {
    for (int64_t i = 0; i < count; ++i)
      data[i] = static_cast<float>((i * 7919 + 13) % 2000) / 1000.f - 1.f;
  }
  ~Buffer() { std::free(data); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

void set_flops(benchmark::State& state, int64_t M, int64_t N, int64_t K) {
  state.counters["GFLOPs"] = benchmark::Counter(2e-9 * static_cast<double>(M * N * K),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Sgemm(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  const Transpose tb = state.range(3) ? Transpose::yes : Transpose::no;
  Buffer a(M * K), b(K * N), c(M * N);
  for (auto _ : state) {
    ember::cpu::sgemm(Transpose::no, tb, M, N, K, 1.f, a.data, K, b.data,
                      tb == Transpose::yes ? K : N, 0.f, c.data, N);
    benchmark::ClobberMemory();
  }
  set_flops(state, M, N, K);
}
BENCHMARK(BM_Sgemm)
    ->ArgNames({"M", "N", "K", "tb"})
    ->Args({64, 64, 64, 0})
    ->Args({128, 128, 128, 0})
    ->Args({256, 256, 256, 0})
    ->Args({512, 512, 512, 0})
    ->Args({1024, 1024, 1024, 0})
    ->Args({2048, 2048, 2048, 0})
    ->Args({4096, 1152, 384, 0})
    ->Args({4096, 384, 384, 0})
    ->Args({4096, 384, 1536, 0})
    ->Args({64, 65, 384, 0})
    ->Args({4096, 65, 384, 0})
    ->Args({4096, 1152, 384, 1})
    ->Args({4096, 384, 1536, 1})
    ->Args({64, 65, 384, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_SgemmFamily(benchmark::State& state) {
  const auto isa = static_cast<GemmIsa>(state.range(0));
  const int64_t n = state.range(1);
  if (!ember::cpu::gemm_isa_supported(isa)) {
    state.SkipWithError("this CPU cannot run these micro-kernels");
    return;
  }
  ember::cpu::GemmIsaGuard guard(isa);
  Buffer a(n * n), b(n * n), c(n * n);
  for (auto _ : state) {
    ember::cpu::sgemm(Transpose::no, Transpose::no, n, n, n, 1.f, a.data, n, b.data, n, 0.f, c.data,
                      n);
    benchmark::ClobberMemory();
  }
  set_flops(state, n, n, n);
  state.SetLabel(ember::cpu::gemm_isa_name(isa));
}
BENCHMARK(BM_SgemmFamily)
    ->ArgNames({"isa", "n"})
    ->ArgsProduct({{static_cast<int>(GemmIsa::generic), static_cast<int>(GemmIsa::avx2),
                    static_cast<int>(GemmIsa::avx512)},
                   {128, 512}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// x (4096, 384) @ W (1536, 384)^T + bias, then GELU: a transformer MLP's first layer.
void BM_SgemmEpilogue(benchmark::State& state) {
  const int64_t M = 4096, N = 1536, K = 384;
  const int mode = static_cast<int>(state.range(0));
  Buffer x(M * K), w(N * K), bias(N), c(M * N);
  const GemmEpilogue fused{bias.data, GemmActivation::gelu};
  for (auto _ : state) {
    ember::cpu::sgemm(Transpose::no, Transpose::yes, M, N, K, 1.f, x.data, K, w.data, K, 0.f,
                      c.data, N, mode == 1 ? &fused : nullptr);
    if (mode == 2) {
      // What an unfused Linear + GELU costs: one more read and write of C.
      for (int64_t i = 0; i < M; ++i) {
        float* row = c.data + i * N;
        for (int64_t j = 0; j < N; ++j) {
          const float v = row[j] + bias.data[j];
          row[j] = 0.5f * v * (1.f + std::erf(v * 0.70710678f));
        }
      }
    }
    benchmark::ClobberMemory();
  }
  set_flops(state, M, N, K);
  state.SetLabel(mode == 0   ? "no epilogue"
                 : mode == 1 ? "fused bias+gelu"
                             : "separate bias+gelu pass");
}
BENCHMARK(BM_SgemmEpilogue)->Arg(0)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_MatmulOp(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ember::Tensor a = ember::rand({M, K});
  ember::Tensor b = ember::rand({K, N});
  for (auto _ : state) {
    ember::Tensor c = ember::matmul(a, b);
    benchmark::DoNotOptimize(c.data<float>());
  }
  set_flops(state, M, N, K);
}
BENCHMARK(BM_MatmulOp)
    ->ArgNames({"M", "N", "K"})
    ->Args({64, 65, 384})
    ->Args({512, 512, 512})
    ->Args({4096, 1152, 384})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
