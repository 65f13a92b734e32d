#!/usr/bin/env bash
# Runs the whole test suite (unit, MPI, environment traces, reference model, Slurm and multi-host
# cluster tests) in release mode. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-cluster
swift test -c release "$@"
