#!/usr/bin/env bash
# The main job: sets up, builds and runs it (README quick start).
#
# Until the training layer lands, the main job is examples/train_tiny: a two-layer MLP
# written directly with ember ops and autograd, trained on a 2-D spiral. Training LeNet on
# Fashion-MNIST (`ember train`) replaces it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
cmake --preset release
cmake --build --preset release --target train_tiny --parallel "$(nproc)"
exec build/release/examples/train_tiny
