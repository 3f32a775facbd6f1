#!/usr/bin/env bash
# ember's SGEMM against OpenBLAS's cblas_sgemm, side by side on the same shapes, the same
# thread count and the same timing loop (bench/gemm_timer.h), in one run.
#
# Builds ember's timer and the FMA peak probe (CMake, -DEMBER_BUILD_BENCH=ON, in $BUILD) and
# OpenBLAS's timer (cc ... -lopenblas: libopenblas-dev, the "bench" group of
# scripts/setup.sh), measures the FMA peak, then runs the two timers alternately for $ROUNDS
# rounds (so that a burst of load on a shared machine hits both alike) and prints, per shape,
# the median over rounds of each side's median time, its GFLOP/s, its share of the measured
# peak and the ratio ember / OpenBLAS in GFLOP/s (> 1: ember is faster).
#
# Usage: bench/compare_gemm.sh [SHAPE...]   (SHAPE: MxNxK[:nn|nt|tn|tt], row-major C = op(A) op(B))
# Environment: THREADS (default 2), ROUNDS (default 5), MIN_TIME (seconds per repetition,
# default 0.2), BUILD (default build/bench), EMBER_BUILD_LOCK (a file to flock while building).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
threads=${THREADS:-2}
rounds=${ROUNDS:-5}
min_time=${MIN_TIME:-0.2}
build=${BUILD:-$root/build/bench}
shapes=("$@")
if [ ${#shapes[@]} -eq 0 ]; then
  shapes=(64x64x64 128x128x128 256x256x256 512x512x512 1024x1024x1024 2048x2048x2048
          4096x1152x384 4096x384x384 4096x384x1536 64x65x384 4096x65x384
          4096x1152x384:nt 4096x384x1536:nt 64x65x384:nt)
fi

lock=()
if [ -n "${EMBER_BUILD_LOCK:-}" ]; then lock=(flock "$EMBER_BUILD_LOCK"); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  "${lock[@]}" cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DEMBER_BUILD_BENCH=ON -DEMBER_BUILD_TESTS=OFF -DEMBER_BUILD_TOOLS=OFF \
    -DEMBER_BUILD_EXAMPLES=OFF > /dev/null
fi
"${lock[@]}" cmake --build "$build" --target ember_gemm_timer ember_fma_peak > /dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200112L -Wall -o "$build/bench/openblas_sgemm" \
  "$root/bench/openblas_sgemm.c" -lopenblas

export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads EMBER_NUM_THREADS=$threads
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

peak=$("$build/bench/ember_fma_peak" --threads "$threads" --quiet)
for ((r = 1; r <= rounds; ++r)); do
  "$build/bench/ember_gemm_timer" --min-time "$min_time" --repetitions 3 "${shapes[@]}" >> "$work/ember"
  "$build/bench/openblas_sgemm" --min-time "$min_time" --repetitions 3 "${shapes[@]}" >> "$work/openblas"
done

echo "threads=$threads rounds=$rounds measured FMA peak=$peak GFLOP/s ($(uptime | sed 's/.*load/load/'))"
printf "%-22s %11s %8s %6s %11s %8s %6s %7s\n" shape ember_ms GFLOP/s %peak openblas_ms GFLOP/s %peak ratio
# Per shape (key "M N K ta tb"): the median over rounds of each side's seconds per call.
awk -v peak="$peak" '
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  FNR == 1 { side++ }
  {
    key = $1 " " $2 " " $3 " " $4 " " $5
    if (!(key in order)) { order[key] = ++count; keys[count] = key }
    times[side, key] = times[side, key] " " $6
  }
  END {
    for (i = 1; i <= count; ++i) {
      split(keys[i], f, " ")
      flops = 2 * f[1] * f[2] * f[3]
      te = median(times[1, keys[i]]); to = median(times[2, keys[i]])
      ge = flops / te * 1e-9; go = flops / to * 1e-9
      printf "%-22s %11.3f %8.1f %5.0f%% %11.3f %8.1f %5.0f%% %6.2fx\n", \
        f[1] "x" f[2] "x" f[3] ":" f[4] f[5], te * 1e3, ge, 100 * ge / peak, to * 1e3, go, 100 * go / peak, ge / go
    }
  }' "$work/ember" "$work/openblas"
