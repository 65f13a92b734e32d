#!/usr/bin/env bash
# First-time set-up and the main job end to end, on the embedded default:
#   1. installs missing Debian packages (OpenMPI, OpenBLAS), 2. builds mtrl-dist in release mode,
#   3. collects small LBF datasets (5 training tasks; reference returns for the 6 test tasks too),
#   4. trains MT Oryx with `mpirun -n 2` for a few minutes,
#   5. evaluates the best checkpoint zero-shot on the held-out test tasks and prints a report.
# Outputs go to demo/ (git-ignored). Re-running starts the demo afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product mtrl-dist
BIN=.build/release/mtrl-dist
"$BIN" info

MPIRUN=(mpirun -n 2)
if [[ $(id -u) -eq 0 ]]; then MPIRUN+=(--allow-run-as-root); fi
# Two single-threaded ranks on a 2-core machine.
export OPENBLAS_NUM_THREADS=1

rm -rf demo
echo "== collecting LBF datasets (train tasks: 300 episodes each, 10 quality stages)"
"${MPIRUN[@]}" "$BIN" collect --env lbf --split train --episodes 300 --out demo/data --seed 1
echo "== training MT Oryx on 2 ranks"
"${MPIRUN[@]}" "$BIN" train --env lbf --algo oryx --data demo/data --tasks train --embed 64 --batch 32 --chunk 20 \
    --steps 2500 --seed 1 --out demo/run --eval-every 500 --checkpoint-every 500 --eval-episodes 32 \
    --final-eval-episodes 96 --log-every 100
echo "== report"
"$BIN" report --run demo/run
