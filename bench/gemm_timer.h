/* The timing loop shared by the two sides of bench/compare_gemm.sh: ember_gemm_timer.cpp
 * (ember's sgemm) and openblas_sgemm.c (cblas_sgemm). Valid C99 and C++ so that both sides
 * measure in exactly the same way.
 *
 * Usage: <program> [--min-time S] [--repetitions R] SHAPE...
 * SHAPE is MxNxK with an optional :nn, :nt, :tn or :tt suffix (transposes of A and B; nn by
 * default): C (M, N) = op(A) op(B), row-major, alpha = 1, beta = 0. For each shape: one
 * warm-up call, then R repetitions, each running enough calls to last at least S seconds;
 * prints "M N K ta tb median_seconds_per_call gflops" with the median over repetitions. */
#ifndef EMBER_BENCH_GEMM_TIMER_H
#define EMBER_BENCH_GEMM_TIMER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* C (M, N) = op(A) op(B); ta, tb are 'n' or 't'; leading dimensions as in BLAS row-major. */
typedef void (*gemm_timer_fn)(char ta, char tb, long M, long N, long K, const float* A, long lda,
                              const float* B, long ldb, float* C, long ldc);

static double gemm_timer_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int gemm_timer_compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static float* gemm_timer_alloc(long count) {
  size_t bytes = ((size_t)(count > 0 ? count : 1) * sizeof(float) + 63) / 64 * 64;
  float* p = (float*)aligned_alloc(64, bytes);
  long i;
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  /* Deterministic values in [-1, 1). */
  for (i = 0; i < count; ++i) p[i] = (float)((i * 7919 + 13) % 2000) / 1000.0f - 1.0f;
  return p;
}

static int gemm_timer_main(int argc, char** argv, gemm_timer_fn gemm) {
  double min_time = 0.2;
  int repetitions = 5, i;
  for (i = 1; i < argc; ++i) {
    long M, N, K;
    char ta = 'n', tb = 'n';
    char trans[3] = "nn";
    int r, n_fields;
    double times[64], flops, median;
    float *A, *B, *C;
    long lda, ldb;
    if (strcmp(argv[i], "--min-time") == 0 && i + 1 < argc) {
      min_time = atof(argv[++i]);
      continue;
    }
    if (strcmp(argv[i], "--repetitions") == 0 && i + 1 < argc) {
      repetitions = atoi(argv[++i]);
      if (repetitions < 1) repetitions = 1;
      if (repetitions > 64) repetitions = 64;
      continue;
    }
    n_fields = sscanf(argv[i], "%ldx%ldx%ld:%2[nt]", &M, &N, &K, trans);
    if (n_fields < 3 || M < 1 || N < 1 || K < 1) {
      fprintf(stderr, "bad shape '%s' (expected MxNxK[:nn|nt|tn|tt])\n", argv[i]);
      return 2;
    }
    ta = trans[0];
    tb = trans[1];
    A = gemm_timer_alloc(M * K);
    B = gemm_timer_alloc(K * N);
    C = gemm_timer_alloc(M * N);
    lda = ta == 'n' ? K : M;
    ldb = tb == 'n' ? N : K;
    gemm(ta, tb, M, N, K, A, lda, B, ldb, C, N);
    for (r = 0; r < repetitions; ++r) {
      long calls = 0;
      double start = gemm_timer_now(), elapsed;
      do {
        gemm(ta, tb, M, N, K, A, lda, B, ldb, C, N);
        ++calls;
        elapsed = gemm_timer_now() - start;
      } while (elapsed < min_time);
      times[r] = elapsed / (double)calls;
    }
    qsort(times, (size_t)repetitions, sizeof(double), gemm_timer_compare);
    median = repetitions % 2 ? times[repetitions / 2]
                             : 0.5 * (times[repetitions / 2 - 1] + times[repetitions / 2]);
    flops = 2.0 * (double)M * (double)N * (double)K;
    printf("%ld %ld %ld %c %c %.9f %.2f\n", M, N, K, ta, tb, median, flops / median * 1e-9);
    fflush(stdout);
    free(A);
    free(B);
    free(C);
  }
  return 0;
}

#endif /* EMBER_BENCH_GEMM_TIMER_H */
