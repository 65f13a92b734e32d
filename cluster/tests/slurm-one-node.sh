#!/bin/bash
# A real one-node Slurm (munged, slurmctld, slurmd started here, CPUs=2) runs
# the job scripts in cluster/slurm on a tiny LBF dataset:
#  1. train.sbatch (srun --mpi=pmix): COMPLETED, exit 0, full run folder;
#  2. submit-seeds.sh: a 3-task job array, one run folder per seed;
#  3. train.sbatch (mpirun) with the same settings, sent the pre-timeout
#     signal (USR1 to the batch shell, as --signal=B:USR1@120 does): the
#     trainer checkpoints and exits 75, the script requeues the job, the
#     restarted job resumes from the checkpoint and ends with all updates and
#     the same parameters as job 1;
#  4. the same with SIGTERM to every step and the batch shell (what `scancel`
#     and a time limit deliver): rank 0 checkpoints at once, the job exits 75
#     (not requeued: TERM is how scancel cancels); resubmitted, it resumes and
#     ends equal to job 1;
#  5. bench-scaling.sbatch: a table row for 1 and 2 ranks;
#  6. evaluate.sbatch on job 1's run folder: COMPLETED.
# Exit 0 pass, 1 fail, 77 skip.

source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/slurm-node.sh"
source "$(dirname "$0")/lib/training.sh"

require_root
find_mtrl_dist
slurm_dir=$(cd "$(dirname "$0")/../slurm" && pwd)

scratch=$(mktemp -d /tmp/mtrl-slurm.XXXXXX)
chmod 755 "$scratch"
at_exit rm -rf "$scratch"
start_slurm_node "$scratch/slurm"
collect_tiny_dataset "$scratch/data"
cd "$scratch"

# submit SCRIPT VAR=VALUE...: sbatch a job script with settings for 2 ranks x 1 CPU.
submit() {
    local script=$1
    shift
    env "$@" MTRL_DIST="$MTRL_DIST" sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 \
        --time=00:15:00 "$slurm_dir/$script" || fail "sbatch $script was refused"
}

# expect_run_folder DIR STEPS: the files train writes, and final.json counting every update.
expect_run_folder() {
    local file updates
    for file in config.json metrics.jsonl metrics.csv checkpoints/latest.ckpt checkpoints/best.ckpt final.json; do
        [[ -s $1/$file ]] || fail "$1/$file is missing or empty"
    done
    updates=$(json_field "$1/final.json" updates)
    [[ $updates == "$2" ]] || fail "$1/final.json says $updates updates; expected $2"
}

job=$(submit train.sbatch LAUNCHER=srun DATA_DIR="$scratch/data" RUN_DIR="$scratch/run-plain" "${TINY_JOB_SETTINGS[@]}" \
    STEPS="$SIGNALLED_STEPS")
expect_completed "$job" "training with srun" 600
expect_run_folder "$scratch/run-plain" "$SIGNALLED_STEPS"
plain_checksum=$(json_field "$scratch/run-plain/final.json" parameter_checksum)

array=$(env MTRL_DIST="$MTRL_DIST" LAUNCHER=srun DATA_DIR="$scratch/data" RUN_DIR="$scratch/run-array" \
    "${TINY_JOB_SETTINGS[@]}" STEPS="$TINY_STEPS" "$slurm_dir/submit-seeds.sh" --parsable --nodes=1 --ntasks-per-node=1 --cpus-per-task=1 --time=00:15:00) ||
    fail "submit-seeds.sh was refused"
for task in 0 1 2; do
    expect_completed "${array}_$task" "array task $task" 600
    expect_run_folder "$scratch/run-array-seed$((7 + task))" "$TINY_STEPS"
done
[[ $(json_field "$scratch/run-array-seed7/final.json" parameter_checksum) != \
    $(json_field "$scratch/run-array-seed8/final.json" parameter_checksum) ]] ||
    fail "array tasks 0 and 1 (seeds 7 and 8) ended with the same parameters"

# start_signalled NAME SCANCEL_ARGS...: a train.sbatch (mpirun) job sent a signal once it trains; sets $job.
start_signalled() {
    local name=$1
    shift
    job=$(submit train.sbatch LAUNCHER=mpirun DATA_DIR="$scratch/data" RUN_DIR="$scratch/$name" \
        "${TINY_JOB_SETTINGS[@]}" STEPS="$SIGNALLED_STEPS")
    # Signal once the trainer is in its update loop (it has written metrics).
    wait_for 300 "job $job training" test -s "$scratch/$name/metrics.jsonl" ||
        fail "job $job wrote no metrics in 300 s; state $(job_state "$job"); output: $(tail -n 30 "$(job_field "$job" StdOut)")"
    scancel "$@" "$job" || fail "scancel $* $job failed"
    log "sent scancel $* to job $job"
}

# expect_resumed_equal NAME OUTPUT: the run resumed midway and ends with job 1's parameters.
expect_resumed_equal() {
    grep -q 'resuming from .*latest.ckpt' "$2" || fail "the restarted job did not resume from its checkpoint; output: $(tail -n 30 "$2")"
    expect_resumed_midway "$2" "$SIGNALLED_STEPS"
    expect_run_folder "$scratch/$1" "$SIGNALLED_STEPS"
    local checksum
    checksum=$(json_field "$scratch/$1/final.json" parameter_checksum)
    [[ $checksum == "$plain_checksum" ]] || fail "run $1 ends with parameters $checksum, uninterrupted run with $plain_checksum"
}

start_signalled run-usr1 --batch --signal=USR1
expect_completed "$job" "requeued training (USR1)" 600
output=$(job_field "$job" StdOut)
restarts=$(job_field "$job" Restarts)
((restarts >= 1)) || fail "job $job was not requeued (Restarts=$restarts); output: $(tail -n 30 "$output")"
grep -q 'trainer checkpointed (exit 75): requeueing' "$output" || fail "the trainer did not exit 75 after USR1; output: $(tail -n 30 "$output")"
expect_resumed_equal run-usr1 "$output"

start_signalled run-term --full --signal=TERM
state=$(wait_job_done "$job" 600)
[[ $(job_field "$job" ExitCode) == 75:0 ]] ||
    fail "job $job after TERM ended $state, exit code $(job_field "$job" ExitCode); expected 75:0; output: $(tail -n 30 "$(job_field "$job" StdOut)")"
grep -q 'checkpointed (exit 75) after TERM' "$(job_field "$job" StdOut)" ||
    fail "job $job did not report its checkpoint after TERM; output: $(tail -n 30 "$(job_field "$job" StdOut)")"
log "job $job checkpointed after TERM and exited 75"
job=$(submit train.sbatch LAUNCHER=mpirun DATA_DIR="$scratch/data" RUN_DIR="$scratch/run-term" "${TINY_JOB_SETTINGS[@]}" \
    STEPS="$SIGNALLED_STEPS")
expect_completed "$job" "resubmitted training after TERM" 600
expect_resumed_equal run-term "$(job_field "$job" StdOut)"

job=$(submit bench-scaling.sbatch LAUNCHER=srun DATA_DIR="$scratch/data" ENV_NAME=lbf EMBEDS=64 STEPS=5 BATCH=8 OUT="$scratch/bench")
expect_completed "$job" "scaling benchmark" 600
table=$(job_field "$job" StdOut)
for ranks in 1 2; do
    grep -Eq "^64 +$ranks +[0-9]" "$table" || fail "the benchmark table has no row for embedding 64, $ranks rank(s): $(cat "$table")"
done

job=$(submit evaluate.sbatch LAUNCHER=srun RUN_DIR="$scratch/run-plain" EPISODES=16 SPLIT=test)
expect_completed "$job" "evaluation" 600
pass "train (srun), a 3-seed array, a USR1-requeued and a TERM-stopped then resubmitted train (mpirun), the benchmark sweep and evaluate all COMPLETED; resumed run matches the uninterrupted one ($plain_checksum)"
