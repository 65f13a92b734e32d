# Submitting jobs from the submit scripts (slurm/submit-experiment.sh, slurm/submit-online.sh). Sourced.

# sbatch_id ARGS...: submit, print the job id (--parsable prints "id[;cluster]"); exits 1 when
# sbatch refuses.
sbatch_id() {
    local id
    id=$(sbatch --parsable "$@") || { echo "error: sbatch $* was refused" >&2; exit 1; }
    echo "${id%%;*}"
}
