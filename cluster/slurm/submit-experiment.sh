#!/bin/bash
# Submits an experiment as a Slurm job array, one grid cell per array task:
#  1. here, in seconds: `experiment run --prepare-only grid` records the grid in
#     EXP_DIR/experiment.json, `experiment status --count` gives its size N;
#  2. a prepare job (experiment.sbatch, PREPARE_ONLY=data) collects the datasets
#     on its ranks;
#  3. the array 0..N-1 of experiment.sbatch, once the prepare job succeeded
#     (a failed prepare job cancels it);
#  4. unless REPORT=0, a one-task job that writes EXP_DIR/report.md (`experiment
#     report`) when every array task has ended, however it ended.
# Settings as experiment.sbatch, from the environment (EXPERIMENT, EXP_DIR,
# SCALE, ENV_NAME, SEEDS, ALGOS, TASK_COUNTS, TRAINING_TASKS, DATA_DIR, SETTINGS, REUSE, RANKS_PER_RUN,
# LAUNCHER, MTRL_DIST); ARRAY_LIMIT=K runs at most K array tasks at a time.
# Arguments go to sbatch for the prepare job and the array (resources, time);
# a partition or account for all three jobs: SBATCH_PARTITION, SBATCH_ACCOUNT.
# Prints the job ids. Submitting again continues the experiment: finished
# cells end at once, interrupted ones resume.
#
#   EXPERIMENT=table1 EXP_DIR=$PWD/exp/table1 SCALE=cpu cluster/slurm/submit-experiment.sh
#   EXPERIMENT=fig5b EXP_DIR=$PWD/exp/fig5b ENV_NAME=lbf ARRAY_LIMIT=8 \
#     cluster/slurm/submit-experiment.sh --ntasks-per-node=2 --cpus-per-task=8 --time=08:00:00
set -euo pipefail

slurm_dir=$(cd "$(dirname "$0")" && pwd)
source "$slurm_dir/../lib/experiment-command.sh"
source "$slurm_dir/../lib/slurm-submit.sh"
# The array picks the cells, and only the prepare job collects.
unset CELL PREPARE_ONLY
experiment_command
if [[ -z ${MTRL_DIST:-} ]]; then
    MTRL_DIST=$PWD/.build/release/mtrl-dist
    [[ -x $MTRL_DIST ]] || MTRL_DIST=$(command -v mtrl-dist) ||
        { echo "error: no mtrl-dist: build it (swift build -c release) or set MTRL_DIST" >&2; exit 2; }
fi
# The jobs get the same binary and folder (sbatch passes the environment on).
export MTRL_DIST EXP_DIR

"$MTRL_DIST" "${experiment_run[@]}" --prepare-only grid
cells=$("$MTRL_DIST" experiment status "$EXPERIMENT" --out "$EXP_DIR" --count)
((cells > 0)) || { echo "error: the grid of $EXPERIMENT in $EXP_DIR has no runs" >&2; exit 2; }

prepare=$(PREPARE_ONLY=data sbatch_id --job-name=mtrl-exp-prepare "$@" "$slurm_dir/experiment.sbatch")
echo "prepare job $prepare: collects the datasets"
array=$(sbatch_id --array="0-$((cells - 1))${ARRAY_LIMIT:+%$ARRAY_LIMIT}" --dependency="afterok:$prepare" \
    --kill-on-invalid-dep=yes "$@" "$slurm_dir/experiment.sbatch")
echo "array job $array: cells 0-$((cells - 1)), one per task"
if [[ ${REPORT:-1} != 0 ]]; then
    report=$(sbatch_id --job-name=mtrl-exp-report --output=%x-%j.out --ntasks=1 --time=00:30:00 \
        --dependency="afterany:$array" --kill-on-invalid-dep=yes \
        --wrap="$(printf '%q ' "$MTRL_DIST" experiment report "$EXPERIMENT" --out "$EXP_DIR")")
    echo "report job $report: writes $EXP_DIR/report.md when the array has ended"
fi
