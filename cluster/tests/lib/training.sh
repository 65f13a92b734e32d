# The tiny training the cluster tests run: a small LBF dataset and a few
# updates with small evaluations, so each test finishes in minutes on 2 cores.
# Needs common.sh sourced first, and find_mtrl_dist called.

# One BLAS thread per rank: the test machines have 2 cores and run 2 ranks.
export OPENBLAS_NUM_THREADS=1
export OMP_NUM_THREADS=1

TINY_STEPS=${TINY_STEPS:-40}
TINY_TRAIN=(train --env lbf --algo oryx --tasks train --embed 64 --batch 8 --chunk 8
    --steps "$TINY_STEPS" --seed 7 --eval-every 0 --checkpoint-every 10
    --eval-episodes 16 --final-eval-episodes 16)

# collect_tiny_dataset DIR: LBF training-split episodes into DIR.
collect_tiny_dataset() {
    "$MTRL_DIST" collect --env lbf --split train --episodes 8 --out "$1" --seed 3 >"$1.log" 2>&1 ||
        fail "mtrl-dist collect failed: $(tail -n 20 "$1.log")"
}
