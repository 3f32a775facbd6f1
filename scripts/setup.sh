#!/usr/bin/env bash
# Installs the Debian 12 packages ember needs, and only the missing ones.
#
#   scripts/setup.sh                 build, test and main-job dependencies
#   scripts/setup.sh --with bench    also PyTorch, NumPy and OpenBLAS (regenerating fixtures,
#                                    benchmarks side by side with PyTorch)
#
# Idempotent: when every package is already installed it says so and touches nothing, so it
# is cheap to call from scripts/test.sh and scripts/demo.sh. Nothing is downloaded from
# anywhere but the system's apt sources.
set -euo pipefail

usage() {
  echo "usage: $0 [--with bench]" >&2
  exit 2
}

# Build: compiler, CMake, Ninja and the libraries the
# CMake files find. libcpp-httplib-dev and libbenchmark-dev are header/library deps of the
# server and bench/ layers. dataset-fashion-mnist is the main job's data.
required=(
  g++ cmake ninja-build
  zlib1g-dev nlohmann-json3-dev libcli11-dev libfmt-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  dataset-fashion-mnist
)
# Reference: PyTorch computes the committed fixtures (tests/reference/) and the baselines of
# the benchmarks; nothing in the default build or test run needs them.
bench=(python3 python3-torch python3-numpy libopenblas-dev)

packages=("${required[@]}")
add_group() {
  case "$1" in
    bench | reference) packages+=("${bench[@]}") ;;
    *) echo "setup.sh: unknown group '$1' (known: bench)" >&2; exit 2 ;;
  esac
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --with)
      [[ $# -ge 2 ]] || usage
      add_group "$2"
      shift 2
      ;;
    --with=*)
      add_group "${1#--with=}"
      shift
      ;;
    -h | --help) usage ;;
    *) echo "setup.sh: unknown argument '$1'" >&2; usage ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup.sh: all ${#packages[@]} required packages are installed; nothing to do"
  exit 0
fi

echo "setup.sh: installing ${#missing[@]} missing package(s): ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup.sh: need root to install packages, and sudo is not available;" \
    "run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

# Passed through env: sudo does not keep the caller's environment.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
echo "setup.sh: done"
