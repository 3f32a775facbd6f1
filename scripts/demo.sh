#!/usr/bin/env bash
# The README's main job: from a fresh checkout to a trained, evaluated and plotted LeNet.
#
#   scripts/demo.sh
#
# Installs what is missing (scripts/setup.sh), configures and builds the release preset's
# `ember` tool, then trains LeNet on Fashion-MNIST for 2 epochs (Adam, batch 64, seed 0, with
# a one-cycle schedule peaking at lr 5e-3), evaluates the best checkpoint (accuracy, per-class
# accuracy, confusion matrix) and draws the loss and accuracy curves. Everything lands in
# runs/lenet/: metrics.jsonl, last.safetensors, best.safetensors, eval.txt, curves.svg. It
# ends with the test accuracy and the time the training took, and fails when the accuracy is
# below 88%.
#
# Why the schedule: with a constant lr of 1e-3, two epochs of this LeNet reach about 87% in
# ember and in PyTorch alike (86.8% and 87.6% at seed 0); one-cycle at 5e-3 reaches 88.7% to
# 89.3% over seeds 0-2 in the same two epochs (bench/accuracy/train_torch.py is the PyTorch
# side).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh

cmake --preset release
cmake --build build/release --target ember_cli --parallel "$(nproc)"
ember=build/release/tools/ember

start=$(date +%s)
"$ember" train --model lenet --data fashion-mnist --epochs 2 --batch-size 64 \
  --optimizer adam --lr 5e-3 --scheduler onecycle --seed 0 --out runs/lenet
train_seconds=$(($(date +%s) - start))

"$ember" eval --checkpoint runs/lenet/best.safetensors | tee runs/lenet/eval.txt
"$ember" plot runs/lenet

accuracy=$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' runs/lenet/eval.txt)
echo
echo "demo: LeNet on Fashion-MNIST, 2 epochs in ${train_seconds} s: test accuracy ${accuracy}"
echo "demo: curves in runs/lenet/curves.svg, checkpoints in runs/lenet/"
awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.88) }' ||
  { echo "demo: expected a test accuracy >= 0.88, got ${accuracy}" >&2; exit 1; }
