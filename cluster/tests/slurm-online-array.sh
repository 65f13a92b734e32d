#!/bin/bash
# Online runs of a task list on a real one-node Slurm (as slurm-one-node.sh:
# munged, slurmctld, slurmd started here, CPUs=2), at a tiny scale:
#  1. submit-online.sh with TASKS of two LBF tasks: it submits the 2-task array
#     of online.sbatch and the gather job after it. Every job COMPLETES, array
#     task I trains task I of the list and no other, both runs end with
#     final.json, DATA_DIR/lbf holds both datasets and a reference table with
#     both rows, and the gather job's output names both tasks and passes
#     `dataset verify`;
#  2. online.sbatch without an array (two tasks one after the other, mpirun on
#     2 ranks), sent the pre-timeout USR1 during the first run: it stops after
#     the update in flight, exits 75, the job requeues itself, resumes the first
#     run, trains the second, and both record their datasets.
# Exit 0 pass, 1 fail, 77 skip.

source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/slurm-node.sh"

require_root
find_mtrl_dist
slurm_dir=$(cd "$(dirname "$0")/../slurm" && pwd)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

scratch=$(mktemp -d /tmp/mtrl-slurm-online.XXXXXX)
chmod 755 "$scratch"
at_exit rm -rf "$scratch"
start_slurm_node "$scratch/slurm"
cd "$scratch"

# expect_dataset DATA TASK: DATA/lbf/TASK.mtds and TASK's row in DATA/lbf/reference-returns.tsv exist.
expect_dataset() {
    [[ -s $1/lbf/$2.mtds ]] || fail "no dataset $1/lbf/$2.mtds; $(ls -R "$1" 2>&1 | head -n 20)"
    awk -F '\t' -v task="$2" '$1 == task { found = 1 } END { exit !found }' "$1/lbf/reference-returns.tsv" 2>/dev/null ||
        fail "$1/lbf/reference-returns.tsv has no row for $2: $(cat "$1/lbf/reference-returns.tsv" 2>&1)"
}

tasks=(lbf-8x8-2p-2f-coop lbf-2s-8x8-2p-2f-coop)
tiny="--embed 16 --envs 4 --steps 16 --epochs 2 --updates 6 --checkpoint-every 2 --eval-episodes 2 --final-eval-episodes 4"
recording="--snapshots 3 --record-episodes 3 --label-episodes 4"
# ARRAY_LIMIT=1: one task at a time, so a task that trained more than its own would show it.
submitted=$(env TASKS="${tasks[*]}" RUNS_DIR="$scratch/runs" DATA_DIR="$scratch/data" ONLINE_ARGS="$tiny $recording" \
    LAUNCHER=srun ARRAY_LIMIT=1 MTRL_DIST="$MTRL_DIST" "$slurm_dir/submit-online.sh" --nodes=1 --ntasks-per-node=1 \
    --cpus-per-task=1 --time=00:10:00 2>&1) || fail "submit-online.sh failed: $submitted"
log "submit-online.sh: $submitted"
array=$(submitted_job array "$submitted") gather=$(submitted_job gather "$submitted")
[[ -n $array && -n $gather ]] || fail "submit-online.sh did not print the array and gather jobs: $submitted"
[[ $(job_field "$array" ArrayTaskId) == 0-1%1 ]] || fail "array job $array has tasks $(job_field "$array" ArrayTaskId); expected 0-1%1"
[[ $(job_field "$gather" Dependency) == afterany:${array}_\** ]] ||
    fail "gather job $gather depends on '$(job_field "$gather" Dependency)'; expected afterany:${array}_*"

for index in 0 1; do
    expect_completed "${array}_$index" "array task $index"
    # The trainer names its task when it starts: "mtrl-dist online: <task>, ...".
    started=$(sed -n 's/^mtrl-dist online: \([^,]*\),.*/\1/p' "$(job_field "${array}_$index" StdOut)")
    [[ $started == "${tasks[index]}" ]] ||
        fail "array task $index trained '$started'; expected ${tasks[index]} alone; output: $(output_of "${array}_$index")"
    [[ $(json_field "$scratch/runs/${tasks[index]}/final.json" task) == "${tasks[index]}" ]] ||
        fail "run folder runs/${tasks[index]} has no final.json of its task"
    expect_dataset "$scratch/data" "${tasks[index]}"
done
[[ $(ls "$scratch/runs") == "$(printf '%s\n' "${tasks[@]}" | sort)" ]] || fail "run folders: $(ls "$scratch/runs"); expected ${tasks[*]}"
expect_completed "$gather" "gather job"
gathered=$(cat "$(job_field "$gather" StdOut)")
grep -q '^2 of 2 files passed' <<<"$gathered" || fail "the gather job did not verify 2 datasets: $gathered"
for task in "${tasks[@]}"; do
    grep -q "task $task (lbf" <<<"$gathered" || fail "the gather job's output does not show $task: $gathered"
done
grep -q "^all 2 task(s) have their dataset and reference row in $scratch/data: ${tasks[*]}\$" <<<"$gathered" ||
    fail "the gather job did not report both tasks' datasets: $gathered"
# The gather names a task of the list without a dataset, and fails.
missing=$(TASKS="${tasks[*]} lbf-10x10-3p-3f" DATA_DIR="$scratch/data" "$slurm_dir/../gather-online.sh" 2>&1) &&
    fail "gather-online.sh passed although lbf-10x10-3p-3f has no dataset: $missing"
grep -q "^  lbf-10x10-3p-3f (no lbf/lbf-10x10-3p-3f.mtds)" <<<"$missing" || fail "gather-online.sh did not name the missing task: $missing"
log "array: each task trained its own task and recorded its dataset; the gather job verified both"

# Two tasks in one job (no array), runs long enough to be signalled mid-run on an idle machine
# too: 200 updates at E = 32, 8 envs x 64 steps on 2 ranks (about 10 s idle).
long="--embed 32 --envs 8 --steps 64 --epochs 2 --updates 200 --checkpoint-every 10 --eval-episodes 2 --final-eval-episodes 4"
job=$(env TASKS="${tasks[*]}" RUNS_DIR="$scratch/long-runs" DATA_DIR="$scratch/long-data" ONLINE_ARGS="$long $recording" \
    LAUNCHER=mpirun MTRL_DIST="$MTRL_DIST" sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 \
    --time=00:10:00 "$slurm_dir/online.sbatch") || fail "sbatch online.sbatch was refused"
first=$scratch/long-runs/${tasks[0]}
training() { (($(wc -l <"$first/metrics.csv") > 3)); }
wait_for 300 "job $job training" training ||
    fail "job $job trained no updates in 300 s; state $(job_state "$job"); output: $(output_of "$job")"
scancel --batch --signal=USR1 "$job" || fail "scancel --batch --signal=USR1 $job failed"
log "sent USR1 to job $job"
expect_completed "$job" "requeued two-task job"
output=$(job_field "$job" StdOut)
(($(job_field "$job" Restarts) >= 1)) || fail "job $job was not requeued; output: $(tail -n 30 "$output")"
grep -q "^signal received after update [0-9]*: .*exiting with code 75" "$output" ||
    fail "the first run did not stop on USR1 with exit 75; output: $(tail -n 30 "$output")"
grep -q 'trainer checkpointed (exit 75): requeueing' "$output" || fail "the job did not requeue after exit 75; output: $(tail -n 30 "$output")"
grep -q "^resumed $first at update" "$output" || fail "the requeued job did not resume ${tasks[0]}; output: $(tail -n 30 "$output")"
for task in "${tasks[@]}"; do
    updates=$(json_field "$scratch/long-runs/$task/final.json" updates)
    [[ $updates == 200 ]] || fail "$task's final.json says ${updates:-no} updates; expected 200"
    expect_dataset "$scratch/long-data" "$task"
done
"$MTRL_DIST" dataset verify "$scratch/long-data/lbf" >/dev/null || fail "the requeued job's datasets do not verify"
pass "submit-online.sh: 2-task array (one task each), both datasets and reference rows, gather job verified them; a two-task job requeued after USR1 resumed its first run and trained both"
