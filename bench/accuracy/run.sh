#!/usr/bin/env bash
# Accuracy benchmark: ember vs PyTorch 1.13 on Fashion-MNIST, model by model.
#
#   bench/accuracy/run.sh                      all four models, 10 epochs (hours on 2 cores)
#   bench/accuracy/run.sh --models "mlp lenet" --epochs 1 --threads 2 --scheduler none
#   bench/accuracy/run.sh --models vgg --threads 1 --concurrent   both sides at once, a core each
#   bench/accuracy/run.sh --models resnet18 --resume   continue interrupted runs from their
#                                                       last epoch's checkpoints
#
# Both sides train the same architecture (include/ember/models/models.h, mirrored in
# train_torch.py) from PyTorch's default initialisation, with the same optimizer, learning
# rate, batch size, epochs and data (the IDX files of the Debian package
# dataset-fashion-mnist, normalised with the training split's statistics), and the same
# number of threads (EMBER_NUM_THREADS / OMP_NUM_THREADS / torch.set_num_threads, and taskset
# onto the same cores when it exists). The random streams differ, so accuracies agree within
# run-to-run noise (a few tenths of a percent). Writes a markdown table to --out (default
# bench/accuracy/results.md) and every log under --work (default runs/bench-accuracy).
# Needs a release build (scripts/demo.sh or cmake --preset release) and python3-torch
# (scripts/setup.sh --with bench).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

models="mlp lenet vgg resnet18"
epochs=10
threads=2
scheduler=onecycle
seed=0
concurrent=0
resume=0
out=bench/accuracy/results.md
work=runs/bench-accuracy
ember=build/release/tools/ember

usage() {
  echo "usage: $0 [--models \"mlp lenet vgg resnet18\"] [--epochs N] [--threads N]" \
       "[--scheduler onecycle|none] [--seed N] [--concurrent] [--resume] [--out FILE] [--work DIR]" >&2
  exit 2
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --scheduler) scheduler="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --concurrent) concurrent=1; shift ;;
    --resume) resume=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) usage ;;
  esac
done

[[ -x "$ember" ]] || { echo "run.sh: $ember not found; build the release preset first" >&2; exit 1; }
/usr/bin/python3 -c "import torch, numpy" 2>/dev/null ||
  { echo "run.sh: python3-torch and python3-numpy are needed (scripts/setup.sh --with bench)" >&2; exit 1; }

# The hyperparameters of each model, shared by both sides. The Adam models take a one-cycle
# schedule peaking at 2e-3 by default; --scheduler none gives Adam at a constant 1e-3.
# resnet18 takes SGD with momentum and weight decay, one-cycle peaking at 0.1 (which also
# cycles the momentum between 0.85 and 0.95, on both sides), or a constant 0.05.
hyper() {
  local adam="--optimizer adam --lr 1e-3 --batch-size 64"
  [[ "$scheduler" == onecycle ]] && adam="--optimizer adam --lr 2e-3 --scheduler onecycle --batch-size 64"
  case "$1" in
    mlp | lenet | vgg) echo "$adam" ;;
    resnet18)
      if [[ "$scheduler" == onecycle ]]; then
        echo "--optimizer sgd --lr 0.1 --momentum 0.9 --weight-decay 5e-4 --scheduler onecycle --batch-size 128"
      else
        echo "--optimizer sgd --lr 0.05 --momentum 0.9 --weight-decay 5e-4 --batch-size 128"
      fi ;;
    *) echo "run.sh: unknown model '$1'" >&2; exit 2 ;;
  esac
}

# --concurrent runs the two sides at the same time on disjoint cores (threads each), which
# halves the wall time of a comparison on a machine with 2 x threads cores.
ember_pin=()
torch_pin=()
if command -v taskset >/dev/null; then
  ember_pin=(taskset -c "0-$((threads - 1))")
  torch_pin=("${ember_pin[@]}")
  ((concurrent)) && torch_pin=(taskset -c "$threads-$((2 * threads - 1))")
fi
export EMBER_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads"
mkdir -p "$work"

run_ember() {
  local from=()
  ((resume)) && [[ -f "$work/$model/last.safetensors" ]] && from=(--resume "$work/$model")
  "${ember_pin[@]}" "$ember" train "${args[@]}" "${from[@]}" --out "$work/$model" --quiet \
    > "$work/$model.ember.log"
}
run_torch() {
  local from=()
  ((resume)) && from=(--resume)
  "${torch_pin[@]}" /usr/bin/python3 bench/accuracy/train_torch.py "${args[@]}" \
    --threads "$threads" --checkpoint "$work/$model.torch.pt" "${from[@]}" > "$work/$model.torch.json"
}
rows=()
per_epoch=()
for model in $models; do
  args=(--model "$model" --data fashion-mnist --epochs "$epochs" --seed "$seed" $(hyper "$model"))
  if ((concurrent)); then
    echo "== $model: ember and torch, concurrently" >&2
    run_ember & ember_job=$!
    run_torch & torch_job=$!
    wait "$ember_job"
    wait "$torch_job"
  else
    echo "== $model: ember" >&2
    run_ember
    echo "== $model: torch" >&2
    run_torch
  fi
  cat "$work/$model.ember.log" "$work/$model.torch.json"
  # Accuracies, seconds and per-epoch test accuracies as each side reports them: ember's
  # metrics.jsonl, PyTorch's JSON line. Both carry their seconds through a resume.
  read -r ember_acc ember_s ember_epochs < <(/usr/bin/python3 -c '
import json, sys
tests = [r for r in map(json.loads, open(sys.argv[1])) if r["kind"] == "epoch" and r["split"] == "test"]
print("%.4f %.0f %s" % (tests[-1]["accuracy"], tests[-1]["elapsed_s"],
                        ",".join("%.4f" % r["accuracy"] for r in tests)))' "$work/$model/metrics.jsonl")
  read -r torch_acc torch_s torch_epochs < <(/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("%.4f %.0f %s" % (r["test_accuracy"], r["seconds"], ",".join("%.4f" % a for a in r["per_epoch"])))' \
    "$work/$model.torch.json")
  rows+=("| $model | $ember_acc | $torch_acc | $ember_s s | $torch_s s | \`ember train ${args[*]}\` |")
  per_epoch+=("- $model, test accuracy after each epoch: ember ${ember_epochs//,/, }; PyTorch ${torch_epochs//,/, }")
done

{
  echo "# Accuracy: ember vs PyTorch 1.13 on Fashion-MNIST"
  echo
  echo "Epochs: $epochs; threads: $threads$( ((concurrent)) && echo ', both sides at once on disjoint cores'); seed: $seed; $(date -u +%Y-%m-%d), $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')."
  echo "Test accuracy after the last epoch. Times are each side's own count of training and per-epoch"
  echo "evaluation, summed over resumed runs (an epoch cut short by an interruption is not counted)."
  echo
  echo "| model | ember acc | torch acc | ember time | torch time | command |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  printf '%s\n' "${per_epoch[@]}"
} > "$out"
cat "$out"
