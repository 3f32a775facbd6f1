// Google Benchmark microbenchmarks of ember's bfloat16 GEMM (src/kernels/cpu/gemm/bf16_gemm.h)
// against its SGEMM on the same shapes, through the internal API on raw buffers, and the
// instruction peaks that bound both. Every benchmark reports GFLOP/s (2 M N K per call, for
// both: the bfloat16 GEMM does the same multiply-adds on rounded operands) as the counter
// "GFLOPs". Threads: EMBER_NUM_THREADS (the peaks: Google Benchmark's threads/1, threads/2).
//
//   BM_Peak/kind               8 independent chains of 512-bit vfmadd231ps (kind 0) or
//                              vdpbf16ps (kind 1) per thread: FLOP/s the loops could reach
//   BM_Gemm/mode/M/N/K/tb      mode 0: sgemm; 1: bf16_gemm on float32 operands (rounded while
//                              packed); 2: bf16_gemm with B already bfloat16 (a model whose
//                              weights are stored as bfloat16); 3: mode 1 on the portable path.
//                              tb = 1 reads B transposed, as Linear does with its weight.
//   BM_LinearOp/precision      ember::linear on tensors, (4096, 384) x (1536, 384)^T + bias,
//                              at float32 matmul precision "highest" (0) and "medium" (1)
//
// Usage: ember_bench_gemm_bf16 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <immintrin.h>

#include <cstdlib>
#include <vector>

#include <benchmark/benchmark.h>

#include "ember/ember.h"
#include "kernels/cpu/gemm/bf16_gemm.h"

namespace {

using ember::BFloat16;
using ember::cpu::Bf16GemmIsa;
using ember::cpu::Bf16GemmOperand;
using ember::cpu::GemmOperand;
using ember::cpu::Transpose;

// A 64-byte aligned buffer of `count` T with values in [-1, 1).
template <typename T>
struct Buffer {
  T* data;
  explicit Buffer(int64_t count)
      : data(static_cast<T*>(
            std::aligned_alloc(64, (static_cast<size_t>(count) * sizeof(T) + 63) / 64 * 64))) {
    for (int64_t i = 0; i < count; ++i)
      data[i] = static_cast<float>((i * 7919 + 13) % 2000) / 1000.f - 1.f;
  }
  ~Buffer() { std::free(data); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

void set_flops(benchmark::State& state, double flop_per_iteration) {
  state.counters["GFLOPs"] =
      benchmark::Counter(1e-9 * flop_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

constexpr int kChains = 8;           // enough: 12 chains measured the same on Zen 4
constexpr int64_t kSteps = 1 << 16;  // per iteration

// A value derived from every accumulator, so that the loops cannot be dropped.
[[gnu::target("avx512f")]] float lane_sum(const __m512 (&acc)[kChains]) {
  float lanes[16] = {};
  for (int i = 0; i < kChains; ++i) {
    _mm512_storeu_ps(lanes, _mm512_add_ps(_mm512_loadu_ps(lanes), acc[i]));
  }
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

[[gnu::target("avx512f"), gnu::noinline]] float fma_chains(float seed) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(seed + static_cast<float>(i));
  const __m512 mul = _mm512_set1_ps(seed > 2.f ? 0.5f : 1.f), add = _mm512_set1_ps(1e-9f);
  for (int64_t s = 0; s < kSteps; ++s) {
#pragma GCC unroll 8
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], mul, add);
  }
  return lane_sum(acc);
}

[[gnu::target("avx512f,avx512bf16"), gnu::noinline]] float dpbf16_chains(float seed) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(seed + static_cast<float>(i));
  // Pairs (1, 1) against (2^-32, 2^-32): adds a tiny amount, never overflows or goes denormal.
  const __m512bh a = (__m512bh)_mm512_set1_epi32(seed > 2.f ? 0x3f003f00 : 0x3f803f80);
  const __m512bh b = (__m512bh)_mm512_set1_epi32(0x2f802f80);
  for (int64_t s = 0; s < kSteps; ++s) {
#pragma GCC unroll 8
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
  }
  return lane_sum(acc);
}

void BM_Peak(benchmark::State& state) {
  const bool bf16 = state.range(0) == 1;
  const ember::CpuFeatures& cpu = ember::cpu_features();
  if (!cpu.avx512f || (bf16 && !cpu.avx512_bf16)) {
    state.SkipWithError("this CPU lacks the instruction");
    return;
  }
  float seed = 1.f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(seed);  // a new call every iteration, never hoisted
    benchmark::DoNotOptimize(bf16 ? dpbf16_chains(seed) : fma_chains(seed));
  }
  // Per lane: an FMA is 2 FLOP, a vdpbf16ps 4 (two products, two sums).
  set_flops(state, static_cast<double>(kSteps) * kChains * 16 * (bf16 ? 4 : 2));
  state.SetLabel(bf16 ? "vdpbf16ps" : "vfmadd231ps");
}
BENCHMARK(BM_Peak)->Arg(0)->Arg(1)->Threads(1)->Threads(2)->UseRealTime();

void BM_Gemm(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  const int64_t M = state.range(1), N = state.range(2), K = state.range(3);
  const Transpose tb = state.range(4) ? Transpose::yes : Transpose::no;
  const int64_t ldb = tb == Transpose::yes ? K : N;
  if (mode == 3 && !ember::cpu::bf16_gemm_isa_supported(Bf16GemmIsa::avx512_bf16)) {
    state.SkipWithError("the portable path is the default here: see mode 1");
    return;
  }
  Buffer<float> a(M * K), b(K * N), c(M * N);
  Buffer<BFloat16> b16(K * N);
  const GemmOperand A{a.data, K, 1};
  const GemmOperand B =
      tb == Transpose::yes ? GemmOperand{b.data, 1, ldb} : GemmOperand{b.data, ldb, 1};
  const Bf16GemmOperand B16 =
      tb == Transpose::yes ? Bf16GemmOperand(b16.data, 1, ldb) : Bf16GemmOperand(b16.data, ldb, 1);
  ember::cpu::Bf16GemmIsaGuard guard(mode == 3 ? Bf16GemmIsa::portable
                                               : ember::cpu::bf16_gemm_isa());
  for (auto _ : state) {
    if (mode == 0) {
      ember::cpu::sgemm_batched(1, M, N, K, 1.f, A, B, 0.f, c.data, N, 0);
    } else {
      ember::cpu::bf16_gemm_batched(1, M, N, K, 1.f, A, mode == 2 ? B16 : Bf16GemmOperand(B), 0.f,
                                    c.data, N, 0);
    }
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K));
  const char* labels[] = {"sgemm", "bf16_gemm", "bf16_gemm, B bf16", "bf16_gemm portable"};
  state.SetLabel(labels[mode]);
}
BENCHMARK(BM_Gemm)
    ->ArgNames({"mode", "M", "N", "K", "tb"})
    ->ArgsProduct({{0, 1}, {256}, {256}, {256}, {0}})
    ->ArgsProduct({{0, 1}, {512}, {512}, {512}, {0}})
    ->ArgsProduct({{0, 1}, {1024}, {1024}, {1024}, {0}})
    ->ArgsProduct({{0, 1}, {2048}, {2048}, {2048}, {0}})
    ->ArgsProduct({{0, 1, 2, 3}, {4096}, {1152}, {384}, {1}})
    ->ArgsProduct({{0, 1, 2}, {4096}, {384}, {384}, {1}})
    ->ArgsProduct({{0, 1, 2}, {4096}, {384}, {1536}, {1}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_LinearOp(benchmark::State& state) {
  const int64_t M = 4096, N = 1536, K = 384;
  const bool medium = state.range(0) == 1;
  const std::string previous = ember::get_float32_matmul_precision();
  ember::set_float32_matmul_precision(medium ? "medium" : "highest");
  ember::Tensor x = ember::rand({M, K});
  ember::Tensor w = ember::rand({N, K});
  ember::Tensor bias = ember::rand({N});
  for (auto _ : state) {
    ember::Tensor y = ember::linear(x, w, bias);
    benchmark::DoNotOptimize(y.data<float>());
  }
  ember::set_float32_matmul_precision(previous);
  set_flops(state, 2.0 * M * N * K);
  state.SetLabel(medium ? "medium" : "highest");
}
BENCHMARK(BM_LinearOp)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
