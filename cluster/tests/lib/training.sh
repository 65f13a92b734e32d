# The tiny training the cluster tests run: a small LBF dataset and a few
# updates with small evaluations, so each test finishes in minutes on 2 cores.
# Needs common.sh sourced first, and find_mtrl_dist called.

# One BLAS thread per rank: the test machines have 2 cores and run 2 ranks.
export OPENBLAS_NUM_THREADS=1
export OMP_NUM_THREADS=1

TINY_STEPS=${TINY_STEPS:-40}
# Runs that get a stop signal (and their uninterrupted twins) last longer, so
# the signal lands mid-run even on a fast machine (about 0.02-0.2 s per update).
SIGNALLED_STEPS=${SIGNALLED_STEPS:-150}

# The tiny run as settings of the job scripts (train.sbatch, train.pbs); add STEPS=.
TINY_JOB_SETTINGS=(SEED=7 BATCH=8 CHUNK=8 CHECKPOINT_EVERY=10 EVAL_EVERY=20
    EVAL_EPISODES=16 FINAL_EVAL_EPISODES=16 "EXTRA_ARGS=--log-every 1")

# The same run as `mtrl-dist` arguments (add --data and --out).
TINY_TRAIN=(train --env lbf --algo oryx --tasks train --embed 64 --batch 8 --chunk 8 --steps "$TINY_STEPS"
    --seed 7 --checkpoint-every 10 --eval-every 20 --eval-episodes 16 --final-eval-episodes 16 --log-every 1)

# collect_tiny_dataset DIR: 10 LBF episodes per training task into DIR (collect wants
# a multiple of its 10 quality stages).
collect_tiny_dataset() {
    "$MTRL_DIST" collect --env lbf --split train --episodes 10 --out "$1" --seed 3 >"$1.log" 2>&1 ||
        fail "mtrl-dist collect failed: $(tail -n 20 "$1.log")"
}

# expect_resumed_midway LOG STEPS: the trainer's LOG says it resumed at an update between 1 and STEPS-1.
expect_resumed_midway() {
    local update
    update=$(sed -n 's/^resumed .* at update \([0-9]*\).*/\1/p' "$1" | head -n 1)
    [[ -n $update ]] || fail "the trainer did not report a resume in $1"
    ((update > 0 && update < $2)) || fail "the trainer resumed at update $update; expected a checkpoint between 1 and $(($2 - 1))"
    log "the trainer resumed at update $update of $2"
}
