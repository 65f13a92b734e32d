#!/bin/bash
# An experiment on a real one-node Slurm (as slurm-one-node.sh: munged,
# slurmctld, slurmd started here, CPUs=2), at smoke scale:
#  1. submit-experiment.sh for table1 on LBF with bc and oryx, one seed: it
#     records the 2-cell grid, submits the prepare job (datasets), the 2-task
#     array after it and the report job after the array. Every job COMPLETES,
#     array task I trains cell I and no other, both cells end with final.json,
#     `experiment status` counts 2 done, the report job writes report.md;
#  2. experiment.sbatch without an array (the whole grid in one job, mpirun)
#     on a longer one-cell grid, sent the pre-timeout USR1: the running cell
#     checkpoints, `experiment run` exits 75, the job requeues itself, resumes
#     the cell and finishes all its updates.
# Exit 0 pass, 1 fail, 77 skip.

source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/slurm-node.sh"

require_root
find_mtrl_dist
slurm_dir=$(cd "$(dirname "$0")/../slurm" && pwd)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

scratch=$(mktemp -d /tmp/mtrl-slurm-exp.XXXXXX)
chmod 755 "$scratch"
at_exit rm -rf "$scratch"
start_slurm_node "$scratch/slurm"
cd "$scratch"

# Smoke table1 on LBF, bc and oryx, one seed: 2 cells, one rank x 1 CPU per job.
exp=$scratch/table1
# ARRAY_LIMIT=1: one task at a time, so a task that ran more than its cell would show it.
submitted=$(env EXPERIMENT=table1 EXP_DIR="$exp" ENV_NAME=lbf SCALE=smoke SEEDS=1 ALGOS=bc,oryx LAUNCHER=srun ARRAY_LIMIT=1 \
    MTRL_DIST="$MTRL_DIST" "$slurm_dir/submit-experiment.sh" --nodes=1 --ntasks-per-node=1 --cpus-per-task=1 \
    --time=00:10:00 2>&1) || fail "submit-experiment.sh failed: $submitted"
log "submit-experiment.sh: $submitted"
prepare=$(submitted_job prepare "$submitted") array=$(submitted_job array "$submitted") report=$(submitted_job report "$submitted")
[[ -n $prepare && -n $array && -n $report ]] || fail "submit-experiment.sh did not print the prepare, array and report jobs: $submitted"
[[ $(job_field "$array" ArrayTaskId) == 0-1%1 ]] || fail "array job $array has tasks $(job_field "$array" ArrayTaskId); expected 0-1%1"
# Asked at once, while the prepare job still runs: the array waits for it, the report for the array.
[[ $(job_field "$array" Dependency) == afterok:$prepare* ]] ||
    fail "array job $array depends on '$(job_field "$array" Dependency)'; expected afterok:$prepare"
[[ $(job_field "$report" Dependency) == afterany:${array}_\** ]] ||
    fail "report job $report depends on '$(job_field "$report" Dependency)'; expected afterany:${array}_*"

expect_completed "$prepare" "prepare job"
[[ -s $exp/data/lbf/collection.json ]] || fail "the prepare job collected no datasets; output: $(output_of "$prepare")"
started=()
for task in 0 1; do
    expect_completed "${array}_$task" "array task $task"
    # The runner names the run it starts: "run I+1/2 <cell id>: starting".
    started[task]=$(sed -n 's/.*\] run \([0-9]*\/[0-9]*\) \([^:]*\): starting.*/\1 \2/p' "$(job_field "${array}_$task" StdOut)")
    [[ ${started[task]} == "$((task + 1))/2 "* && $(wc -l <<<"${started[task]}") == 1 ]] ||
        fail "array task $task did not train cell $task alone (started: '${started[task]}'); output: $(output_of "${array}_$task")"
    cell=${started[task]#* }
    [[ -s $exp/runs/$cell/final.json ]] || fail "cell $task ($cell) has no final.json"
done
[[ ${started[0]#* } != "${started[1]#* }" ]] || fail "both array tasks trained ${started[0]#* }"
status=$("$MTRL_DIST" experiment status table1 --out "$exp")
grep -q '2 done, 0 running, 0 interrupted, 0 left of 2 runs' <<<"$status" || fail "experiment status after the array: $status"
expect_completed "$report" "report job"
[[ -s $exp/report.md ]] || fail "the report job wrote no report.md; output: $(output_of "$report")"
log "array: cells ${started[0]#* } and ${started[1]#* } done, report.md written"

# The whole grid in one job (no array), a cell long enough to be signalled mid-run on an idle
# machine too: 400 updates at E = 64, B = 64 (about 15 s idle; 60 of them once ended within 3 s).
whole=$scratch/whole
cell=$whole/runs/lbf/oryx/mt/seed0
job=$(env EXPERIMENT=table1 EXP_DIR="$whole" ENV_NAME=lbf SCALE=smoke SEEDS=1 ALGOS=oryx DATA_DIR="$exp/data" \
    SETTINGS=steps=400,embed=64,heads=4,batch=64,checkpoint-every=20,eval-every=400,log-every=1 LAUNCHER=mpirun MTRL_DIST="$MTRL_DIST" \
    sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --time=00:10:00 "$slurm_dir/experiment.sbatch") ||
    fail "sbatch experiment.sbatch was refused"
wait_for 300 "job $job training" test -s "$cell/metrics.jsonl" ||
    fail "job $job wrote no metrics in 300 s; state $(job_state "$job"); output: $(output_of "$job")"
scancel --batch --signal=USR1 "$job" || fail "scancel --batch --signal=USR1 $job failed"
log "sent USR1 to job $job"
expect_completed "$job" "requeued whole-grid job"
output=$(job_field "$job" StdOut)
(($(job_field "$job" Restarts) >= 1)) || fail "job $job was not requeued; output: $(tail -n 30 "$output")"
grep -q 'trainer checkpointed (exit 75): requeueing' "$output" ||
    fail "experiment run did not checkpoint and exit 75 after USR1; output: $(tail -n 30 "$output")"
grep -q 'lbf/oryx/mt/seed0: resuming from its checkpoint' "$output" ||
    fail "the requeued job did not resume the cell; output: $(tail -n 30 "$output")"
updates=$(json_field "$cell/final.json" updates)
[[ $updates == 400 ]] || fail "the resumed cell's final.json says ${updates:-no} updates; expected 400"
pass "submit-experiment.sh: prepare job, 2-task array (one cell each), report.md; a whole-grid job requeued after USR1 resumed its cell to the end"
