#!/usr/bin/env bash
# Runs a benchmark of mtrl-bench in release mode with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset,
# so OpenBLAS picks the kernel for this CPU (the benchmark checks sgemm against a naive product
# and prints the kernel it ran). Usage: Benchmarks/run.sh <benchmark> [options]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product mtrl-bench >/dev/null
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/mtrl-bench "$@"
