#!/bin/bash
# Submits the online runs of a task list as a Slurm job array and gathers their datasets:
#  1. here, in seconds: the task list from TASKS, or every task of ENV_NAME in SPLITS
#     (`mtrl-dist tasks`), N tasks;
#  2. the array 0..N-1 of online.sbatch: array task I trains task I of the list in
#     RUNS_DIR/<task> and records its dataset into DATA_DIR;
#  3. a one-task gather job when every array task has ended, however it ended
#     (cluster/gather-online.sh): every task must have DATA_DIR/<env>/<task>.mtds and
#     its reference row; `dataset verify`, `dataset inspect`; it fails naming the
#     tasks without a dataset.
# Settings from the environment, as online.sbatch: TASKS or ENV_NAME (+ SPLITS), RUNS_DIR
# (default runs/online), DATA_DIR (required), ONLINE_ARGS, LAUNCHER, MTRL_DIST;
# ARRAY_LIMIT=K runs at most K array tasks at a time. Arguments go to sbatch for the array
# (resources, time); a partition or account for both jobs: SBATCH_PARTITION, SBATCH_ACCOUNT.
# Prints the job ids. Submitting again continues: finished runs end at once, interrupted
# ones resume.
#
#   ENV_NAME=lbf DATA_DIR=$PWD/data/online ONLINE_ARGS="--updates 2000" cluster/slurm/submit-online.sh
#   TASKS=lbf-8x8-2p-2f-coop,lbf-2s-8x8-2p-2f-coop DATA_DIR=$PWD/data/online ARRAY_LIMIT=4 \
#     cluster/slurm/submit-online.sh --ntasks-per-node=2 --cpus-per-task=8 --time=08:00:00
set -euo pipefail

slurm_dir=$(cd "$(dirname "$0")" && pwd)
cluster_dir=$(dirname "$slurm_dir")
source "$cluster_dir/lib/online-command.sh"
source "$cluster_dir/lib/slurm-submit.sh"
if [[ -z ${MTRL_DIST:-} ]]; then
    MTRL_DIST=$PWD/.build/release/mtrl-dist
    [[ -x $MTRL_DIST ]] || MTRL_DIST=$(command -v mtrl-dist) ||
        { echo "error: no mtrl-dist: build it (swift build -c release) or set MTRL_DIST" >&2; exit 2; }
fi
[[ -n ${DATA_DIR:-} ]] || { echo "error: set DATA_DIR to the folder the datasets go to" >&2; exit 2; }
RUNS_DIR=$(realpath -m "${RUNS_DIR:-runs/online}") DATA_DIR=$(realpath -m "$DATA_DIR")
online_task_list
online_command "${online_tasks[0]}"  # checks ONLINE_ARGS before anything is submitted
# The jobs get this list, binary and folders (sbatch passes the environment on); the array
# must not pick its own index.
TASKS="${online_tasks[*]}"
unset TASK_INDEX
export TASKS MTRL_DIST RUNS_DIR DATA_DIR
count=${#online_tasks[@]}

array=$(sbatch_id --array="0-$((count - 1))${ARRAY_LIMIT:+%$ARRAY_LIMIT}" "$@" "$slurm_dir/online.sbatch")
echo "array job $array: tasks 0-$((count - 1)), one per array task: $TASKS"
gather=$(sbatch_id --job-name=mtrl-online-gather --output=%x-%j.out --ntasks=1 --time=00:30:00 \
    --dependency="afterany:$array" --kill-on-invalid-dep=yes \
    --wrap="$(printf '%q ' bash "$cluster_dir/gather-online.sh")")
echo "gather job $gather: checks the $count dataset(s) in $DATA_DIR when the array has ended"
