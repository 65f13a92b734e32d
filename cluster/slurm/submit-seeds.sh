#!/bin/bash
# Job array example: the same training with 3 seeds (SEED, SEED+1, SEED+2),
# one array task each, run folders RUN_DIR-seedN. Extra arguments go to sbatch.
#
#   DATA_DIR=data/lbf-train RUN_DIR=runs/lbf-oryx SEED=1 cluster/slurm/submit-seeds.sh
#   DATA_DIR=data/lbf-train ALGO=cql cluster/slurm/submit-seeds.sh --time=08:00:00
set -euo pipefail
exec sbatch --array=0-2 "$@" "$(dirname "$0")/train.sbatch"
