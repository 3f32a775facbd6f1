#!/usr/bin/env bash
# ember against PyTorch 1.13 on the CPU (Debian's python3-torch), side by side in one run:
# op microbenchmarks (ember_bench_ops / torch_ops.py: conv2d, softmax, layer_norm, GELU,
# AdamW) and one Fashion-MNIST training epoch per model (ember_bench_epoch /
# epoch_torch.py). Each pair names its cases alike and times the same region (see the
# headers of those four files).
#
# Builds ember's programs (CMake, -DEMBER_BUILD_BENCH=ON, in $BUILD), then for $ROUNDS
# rounds runs, each as its own process, ember with EMBER_NUM_THREADS=$THREADS and PyTorch in
# three configurations (so that a burst of load on a shared machine hits all alike):
#   torch    torch.set_num_threads($THREADS), OpenMP's default (spinning) wait policy
#   passive  the same with OMP_WAIT_POLICY=PASSIVE (idle OpenMP threads sleep)
#   1thr     torch.set_num_threads(1)
# OMP_NUM_THREADS and OPENBLAS_NUM_THREADS are pinned to each configuration's thread count:
# Debian's torch runs Linear through OpenBLAS, whose own threads set_num_threads does not
# govern. Every process is pinned with taskset to the same $THREADS cores when it exists.
#
# Prints, per case, the median over rounds of each side's median time, PyTorch's best
# configuration and the ratio best / ember (> 1: ember is faster); per epoch also the peak
# RSS of ember's process and of PyTorch's in the first configuration, and ember / torch.
#
# Usage: bench/compare_torch.sh
# Environment: THREADS (default 2), ROUNDS (default 3), CASES (a regex over op case names,
# default all; "none" for no op rows), MODELS (default "mlp lenet"; "" for no epoch rows),
# MIN_TIME (seconds per repetition, default 0.5), REPETITIONS (per process, default 3),
# BUILD (default build/bench), EMBER_BUILD_LOCK (a file to flock while building).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
cases=${CASES:-.}
models=${MODELS-mlp lenet}
min_time=${MIN_TIME:-0.5}
repetitions=${REPETITIONS:-3}
build=${BUILD:-$root/build/bench}
python=/usr/bin/python3

"$python" -c "import torch, numpy" 2>/dev/null ||
  { echo "compare_torch.sh: $python cannot import torch and numpy (python3-torch)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The build's output is shown only when it fails (ninja reports errors on stdout).
quiet() { "$@" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }; }
lock=()
if [ -n "${EMBER_BUILD_LOCK:-}" ]; then lock=(flock "$EMBER_BUILD_LOCK"); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  quiet "${lock[@]}" cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DEMBER_BUILD_BENCH=ON -DEMBER_BUILD_TESTS=OFF -DEMBER_BUILD_TOOLS=OFF \
    -DEMBER_BUILD_EXAMPLES=OFF
fi
quiet "${lock[@]}" cmake --build "$build" --target ember_bench_ops ember_bench_epoch

pin=()
cpus="all"
if command -v taskset > /dev/null; then
  cpus="0-$(($(nproc) < threads ? $(nproc) - 1 : threads - 1))"
  pin=(taskset -c "$cpus")
fi
load_start=$(uptime | sed 's/.*load average: //')

# Every measurement becomes a line "<side> op <case> <seconds>" or
# "<side> epoch <model> <seconds> <peak_rss_kib>" in $work/results.
ember_ops() {
  # Google Benchmark's CSV: the "<case>/real_time_median" rows (plain "<case>/real_time"
  # with a single repetition), times in the unit column.
  EMBER_NUM_THREADS=$threads "${pin[@]}" "$build/bench/ember_bench_ops" \
    --benchmark_filter="$cases" --benchmark_min_time="$min_time" \
    --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
    --benchmark_format=csv 2> /dev/null |
    awk -F, '$1 ~ /\/real_time(_median)?"$/ {
      name = $1; gsub(/"/, "", name); sub(/\/real_time(_median)?$/, "", name)
      unit = $5; gsub(/"/, "", unit)
      scale = unit == "ns" ? 1e-9 : unit == "us" ? 1e-6 : unit == "ms" ? 1e-3 : 1
      printf "ember op %s %.9f\n", name, $3 * scale
    }'
}
# torch <side> <threads> [VAR=value...] -- <script> <args...>
torch() {
  local side=$1 n=$2
  shift 2
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  env -u OMP_WAIT_POLICY OMP_NUM_THREADS="$n" OPENBLAS_NUM_THREADS="$n" "${vars[@]}" \
    "${pin[@]}" "$python" "$@" --threads "$n" | sed "s/^/$side /"
}
torch_side() {
  local side=$1 n=$2
  shift 2
  if [ "$cases" != none ]; then
    torch "$side" "$n" "$@" -- "$root/bench/torch_ops.py" --filter "$cases" \
      --min-time "$min_time" --repetitions "$repetitions" | sed "s/^$side /$side op /"
  fi
  for model in $models; do
    torch "$side" "$n" "$@" -- "$root/bench/epoch_torch.py" --model "$model"
  done
}

for ((r = 1; r <= rounds; ++r)); do
  echo "round $r/$rounds" >&2
  {
    if [ "$cases" != none ]; then ember_ops; fi
    for model in $models; do
      EMBER_NUM_THREADS=$threads "${pin[@]}" "$build/bench/ember_bench_epoch" --model "$model" |
        sed 's/^/ember /'
    done
    torch_side torch "$threads"
    torch_side passive "$threads" OMP_WAIT_POLICY=PASSIVE
    torch_side 1thr 1
  } >> "$work/results"
done

echo "threads=$threads rounds=$rounds min_time=$min_time repetitions=$repetitions cpus=$cpus" \
  "torch=$("$python" -c 'import torch; print(torch.__version__)')" \
  "(load average at start: $load_start; at end: $(uptime | sed 's/.*load average: //'))"
awk -v threads="$threads" '
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  {
    key = $2 " " $3
    if (!(key in seen)) { seen[key] = 1; keys[++count] = key }
    times[$1, key] = times[$1, key] " " $4
    if ($2 == "epoch") rss[$1, key] = rss[$1, key] " " $5
  }
  function best(key,   b, s, t) {
    b = ""
    for (s = 1; s <= 3; ++s) {
      t = median(times[torch_sides[s], key])
      if (b == "" || t + 0 < b + 0) b = t
    }
    return b
  }
  END {
    split("torch passive 1thr", torch_sides, " ")
    printf "\n%-34s %10s %10s %10s %10s %10s %8s\n", "op (ms per call)", "ember",
      "torch" threads "t", "passive", "torch1t", "torch_best", "ratio"
    for (i = 1; i <= count; ++i) {
      split(keys[i], k, " ")
      if (k[1] != "op") continue
      te = median(times["ember", keys[i]]); tb = best(keys[i])
      printf "%-34s %10.3f %10.3f %10.3f %10.3f %10.3f %7.2fx\n", k[2], te * 1e3,
        median(times["torch", keys[i]]) * 1e3, median(times["passive", keys[i]]) * 1e3,
        median(times["1thr", keys[i]]) * 1e3, tb * 1e3, tb / te
    }
    printf "\n%-9s %8s %8s %8s %8s %10s %7s %10s %10s %9s\n", "epoch (s)", "ember",
      "torch" threads "t", "passive", "torch1t", "torch_best", "ratio", "ember_MiB",
      "torch_MiB", "rss_ratio"
    for (i = 1; i <= count; ++i) {
      split(keys[i], k, " ")
      if (k[1] != "epoch") continue
      te = median(times["ember", keys[i]]); tb = best(keys[i])
      re = median(rss["ember", keys[i]]) / 1024; rt = median(rss["torch", keys[i]]) / 1024
      printf "%-9s %8.2f %8.2f %8.2f %8.2f %10.2f %6.2fx %10.0f %10.0f %8.2fx\n", k[2], te,
        median(times["torch", keys[i]]), median(times["passive", keys[i]]),
        median(times["1thr", keys[i]]), tb, tb / te, re, rt, re / rt
    }
  }' "$work/results"
