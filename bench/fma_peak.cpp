// The machine's measured single-precision FMA peak, the ceiling every GEMM number in
// docs/benchmarks.md is compared with.
//
// Each thread runs a loop of fused multiply-adds on kAccumulators independent registers, so
// the loop is bound by FMA throughput and not by the FMA latency (4 cycles on Zen 4 and most
// Intel cores: latency x ports <= 12 chains keeps every port busy). The same loop runs with
// 512-bit (AVX-512) and 256-bit (AVX2) vectors: on Zen 4 a 512-bit FMA occupies both 256-bit
// FMA pipes, so both widths should show the same peak; on Intel server cores with two 512-bit
// units AVX-512 doubles it. Measured, never assumed from the data sheet: the clock under an
// all-core FMA load and a virtual machine's share of the core are unknown in advance.
//
// Usage: ember_fma_peak [--threads N ...] [--seconds S] [--repetitions R] [--quiet]
// Prints one line per (width, threads) with the median GFLOP/s over R runs; --quiet prints
// only the best width's GFLOP/s for the last thread count (for scripts).
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kAccumulators = 12;

// Runs `iterations` rounds of kAccumulators FMAs on `Lanes`-wide vectors; returns a value
// derived from every accumulator so that the compiler cannot drop the loop.
[[gnu::target("avx512f")]] float fma_loop_avx512(int64_t iterations, float seed) {
  __m512 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_set1_ps(seed + static_cast<float>(i));
  // x * 1 + tiny never overflows or goes subnormal, and the FMA cannot be folded away.
  const __m512 mul = _mm512_set1_ps(seed > 2.f ? 0.5f : 1.f);
  const __m512 add = _mm512_set1_ps(1e-9f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_fmadd_ps(acc[i], mul, add);
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kAccumulators; ++i) sum = _mm512_add_ps(sum, acc[i]);
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

[[gnu::target("avx2,fma")]] float fma_loop_avx2(int64_t iterations, float seed) {
  __m256 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_set1_ps(seed + static_cast<float>(i));
  const __m256 mul = _mm256_set1_ps(seed > 2.f ? 0.5f : 1.f);
  const __m256 add = _mm256_set1_ps(1e-9f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_fmadd_ps(acc[i], mul, add);
  }
  __m256 sum = acc[0];
  for (int i = 1; i < kAccumulators; ++i) sum = _mm256_add_ps(sum, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

struct Width {
  const char* name;
  int lanes;
  bool supported;
  float (*loop)(int64_t, float);
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// GFLOP/s of `threads` threads each running the loop for about `seconds`.
double measure(const Width& w, int threads, double seconds) {
  // Calibrate the iteration count on one thread, then time all threads together.
  int64_t iterations = 1 << 16;
  for (;;) {
    auto start = std::chrono::steady_clock::now();
    volatile float sink = w.loop(iterations, 1.f);
    (void)sink;
    double t = seconds_since(start);
    if (t > 0.05) {
      iterations = static_cast<int64_t>(static_cast<double>(iterations) * seconds / t);
      break;
    }
    iterations *= 4;
  }
  float sink_total = 0;
  auto start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : sink_total)
  sink_total += w.loop(iterations, 1.f + static_cast<float>(omp_get_thread_num()) * 1e-3f);
  double t = seconds_since(start);
  if (sink_total == 42.f) std::puts("");  // keeps sink_total alive
  double flops = 2.0 * w.lanes * kAccumulators * static_cast<double>(iterations) * threads;
  return flops / t * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> thread_counts;
  double seconds = 0.3;
  int repetitions = 5;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      thread_counts.push_back(std::atoi(argv[++i]));
    } else if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--repetitions" && i + 1 < argc) {
      repetitions = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--quiet") {
      quiet = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--threads N ...] [--seconds S] [--repetitions R] [--quiet]\n",
                   argv[0]);
      return 2;
    }
  }
  if (thread_counts.empty()) thread_counts = {1, 2};

  __builtin_cpu_init();
  const Width widths[] = {
      {"avx512", 16, __builtin_cpu_supports("avx512f") != 0, &fma_loop_avx512},
      {"avx2", 8, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &fma_loop_avx2},
  };
  double best_last = 0;
  for (int threads : thread_counts) {
    best_last = 0;
    for (const Width& w : widths) {
      if (!w.supported) continue;
      std::vector<double> runs;
      for (int r = 0; r < repetitions; ++r) runs.push_back(measure(w, threads, seconds));
      double med = median(runs);
      best_last = std::max(best_last, med);
      if (!quiet) {
        std::printf(
            "fma_peak %-6s threads=%d  median %.1f GFLOP/s  (min %.1f, max %.1f, %d runs)\n",
            w.name, threads, med, *std::min_element(runs.begin(), runs.end()),
            *std::max_element(runs.begin(), runs.end()), repetitions);
      }
    }
  }
  if (quiet) std::printf("%.1f\n", best_last);
  return 0;
}
