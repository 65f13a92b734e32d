#!/bin/bash
# Checks the datasets that the online runs of a task list recorded (slurm/online.sbatch,
# pbs/online.pbs): every task must have DATA_DIR/<env>/<task>.mtds and its row in
# DATA_DIR/<env>/reference-returns.tsv; runs `mtrl-dist dataset verify` on each environment's
# folder and prints `dataset inspect`. Exits 1 naming the tasks without a dataset, 2 on bad
# settings. slurm/submit-online.sh runs it as a job after the array; by hand or under PBS:
#
#   TASKS=lbf-8x8-2p-2f-coop,lbf-2s-8x8-2p-2f-coop DATA_DIR=$PWD/data/online cluster/gather-online.sh
#   qsub -W depend=afterany:ARRAY -v ENV_NAME=lbf,DATA_DIR=$PWD/data/online cluster/gather-online.sh
#
# Settings from the environment: TASKS, or ENV_NAME with SPLITS (default train,test), as the
# job scripts; DATA_DIR (required); MTRL_DIST, MTRL_CLUSTER_DIR.
set -euo pipefail

# qsub runs a copy of this script: lib/ is found in MTRL_CLUSTER_DIR, next to this script, or in
# the submit folder's cluster/.
for cluster_dir in "${MTRL_CLUSTER_DIR:-}" "$(dirname "$0")" "${PBS_O_WORKDIR:-${SLURM_SUBMIT_DIR:-.}}/cluster"; do
    [[ ! -f $cluster_dir/lib/online-command.sh ]] || break
done
[[ -f $cluster_dir/lib/online-command.sh ]] ||
    { echo "error: cluster/lib/online-command.sh not found; set MTRL_CLUSTER_DIR to the repository's cluster folder" >&2; exit 2; }
source "$cluster_dir/lib/online-command.sh"

cd "${PBS_O_WORKDIR:-.}"
if [[ -z ${MTRL_DIST:-} ]]; then
    MTRL_DIST=$PWD/.build/release/mtrl-dist
    [[ -x $MTRL_DIST ]] || MTRL_DIST=mtrl-dist
fi
[[ -n ${DATA_DIR:-} ]] || { echo "error: set DATA_DIR to the folder the online runs recorded into" >&2; exit 2; }
online_task_list
online_gather
