# The `mtrl-dist experiment run` command line of the experiment job scripts
# (slurm/experiment.sbatch, slurm/submit-experiment.sh, pbs/experiment.pbs),
# built from their settings. Sourced by them.

# experiment_command: checks EXPERIMENT, defaults EXP_DIR to experiments/EXPERIMENT and sets
# `experiment_run` to the command's arguments. An option is passed only when its setting is
# set (a continued experiment keeps the grid recorded in EXP_DIR/experiment.json):
#   SCALE ENV_NAME SEEDS ALGOS TASK_COUNTS TRAINING_TASKS DATA_DIR SETTINGS RANKS_PER_RUN CELL PREPARE_ONLY BLAS_THREADS REUSE
#   --scale --env --seeds --algos --task-counts --training-tasks --data --settings --ranks-per-run --cell --prepare-only --blas-threads --reuse
experiment_command() {
    : "${EXPERIMENT:?set EXPERIMENT to an experiment name (mtrl-dist experiment list)}"
    EXP_DIR=${EXP_DIR:-experiments/$EXPERIMENT}
    experiment_run=(experiment run "$EXPERIMENT" --out "$EXP_DIR")
    [[ -z ${SCALE:-} ]] || experiment_run+=(--scale "$SCALE")
    [[ -z ${ENV_NAME:-} ]] || experiment_run+=(--env "$ENV_NAME")
    [[ -z ${SEEDS:-} ]] || experiment_run+=(--seeds "$SEEDS")
    [[ -z ${ALGOS:-} ]] || experiment_run+=(--algos "$ALGOS")
    [[ -z ${TASK_COUNTS:-} ]] || experiment_run+=(--task-counts "$TASK_COUNTS")
    [[ -z ${TRAINING_TASKS:-} ]] || experiment_run+=(--training-tasks "$TRAINING_TASKS")
    [[ -z ${DATA_DIR:-} ]] || experiment_run+=(--data "$DATA_DIR")
    [[ -z ${SETTINGS:-} ]] || experiment_run+=(--settings "$SETTINGS")
    [[ -z ${RANKS_PER_RUN:-} ]] || experiment_run+=(--ranks-per-run "$RANKS_PER_RUN")
    [[ -z ${CELL:-} ]] || experiment_run+=(--cell "$CELL")
    [[ -z ${PREPARE_ONLY:-} ]] || experiment_run+=(--prepare-only "$PREPARE_ONLY")
    [[ -z ${BLAS_THREADS:-} ]] || experiment_run+=(--blas-threads "$BLAS_THREADS")
    [[ -z ${REUSE:-} ]] || experiment_run+=(--reuse "$REUSE")
}
