#!/bin/bash
# The PBS/Torque scripts, run the way pbs_mom runs them: no PBS server exists
# for Debian 12 (no torque/openpbs packages), so this test provides what PBS
# would: the environment (PBS_NODEFILE listing this host once per CPU,
# PBS_O_WORKDIR, PBS_JOBID, PBS_WALLTIME) and a `qrerun` stand-in that
# records the rerun request. Checks:
#  0. every script in cluster/pbs and cluster/slurm parses (bash -n);
#  1. train.pbs: PBS_NODEFILE -> hostfile, mpirun on 2 ranks, complete run folder;
#  2. train.pbs with a walltime ending mid-run: its own timer sends USR1 before the
#     walltime, the trainer checkpoints and exits 75, the script asks qrerun
#     for a rerun; the rerun resumes and ends with job 1's parameters;
#  3. bench-scaling.pbs: a table row for 1 and 2 ranks;
#  4. evaluate.pbs on job 1's run folder;
#  5. experiment.pbs: PREPARE_ONLY=data collects a smoke table1 grid's datasets
#     (3 cells: bc, oryx, cql), then array tasks with OpenPBS's PBS_ARRAY_INDEX=2,
#     Torque's PBS_ARRAYID=0 and 1 each train their cell and no other; all done;
#  6. experiment.pbs without an array index (the whole grid) and a walltime
#     ending mid-run: checkpoint, exit 75, qrerun; the rerun resumes the cell
#     and ends with all its updates;
#  7. online.pbs as array tasks PBS_ARRAY_INDEX=1 and PBS_ARRAYID=0 of a 2-task
#     list: each trains its own task and records its dataset; PBS_ARRAYID=2 is
#     refused as beyond the list; gather-online.sh finds both datasets.
# (The array itself, qsub -t/-J and its dependencies, needs a PBS server.)
# Exit 0 pass, 1 fail, 77 skip.

source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/training.sh"

cluster_dir=$(cd "$(dirname "$0")/.." && pwd)
for script in "$cluster_dir"/*.sh "$cluster_dir"/pbs/*.pbs "$cluster_dir"/slurm/*.sbatch "$cluster_dir"/slurm/*.sh "$cluster_dir"/lib/*.sh; do
    bash -n "$script" || fail "$script has a bash syntax error"
done

command -v mpirun >/dev/null || fail "mpirun not found; install openmpi-bin"
find_mtrl_dist

scratch=$(mktemp -d /tmp/mtrl-pbs.XXXXXX)
at_exit rm -rf "$scratch"
mkdir -p "$scratch/bin"
printf '#!/bin/sh\necho "$@" >>"%s/qrerun.calls"\n' "$scratch" >"$scratch/bin/qrerun"
chmod +x "$scratch/bin/qrerun"
printf '%s\n%s\n' "$(hostname)" "$(hostname)" >"$scratch/nodefile"
collect_tiny_dataset "$scratch/data"

# pbs_job NAME SCRIPT VAR=VALUE...: run SCRIPT as PBS would, output in NAME.out; prints the exit status.
pbs_job() {
    local name=$1 script=$2 status=0
    shift 2
    env PATH="$scratch/bin:$PATH" PBS_NODEFILE="$scratch/nodefile" PBS_O_WORKDIR="$scratch" PBS_JOBID="$name.sim" \
        MTRL_DIST="$MTRL_DIST" RANKS_PER_NODE=2 "$@" bash "$cluster_dir/pbs/$script" >"$scratch/$name.out" 2>&1 ||
        status=$?
    echo "$status"
}

started=$SECONDS
status=$(pbs_job plain train.pbs DATA_DIR="$scratch/data" "${TINY_JOB_SETTINGS[@]}" STEPS="$SIGNALLED_STEPS" RUN_DIR="$scratch/run-plain")
[[ $status == 0 ]] || fail "train.pbs exited $status: $(tail -n 30 "$scratch/plain.out")"
grep -q '1 hosts x 2 ranks x 1 BLAS threads' "$scratch/plain.out" ||
    fail "train.pbs did not turn PBS_NODEFILE into 1 host x 2 ranks x 1 thread: $(head -n 5 "$scratch/plain.out")"
[[ -s $scratch/run-plain/final.json ]] || fail "train.pbs wrote no final.json"
plain_checksum=$(json_field "$scratch/run-plain/final.json" parameter_checksum)
plain_seconds=$((SECONDS - started))
log "train.pbs completed in ${plain_seconds}s"

# The walltime timer fires a third into a run like job 1: after the trainer's start-up (a second
# or two), well before its end even when this run goes faster than job 1 did.
signal_after=$((plain_seconds / 3 > 3 ? plain_seconds / 3 : 3))
status=$(pbs_job first train.pbs DATA_DIR="$scratch/data" "${TINY_JOB_SETTINGS[@]}" STEPS="$SIGNALLED_STEPS" RUN_DIR="$scratch/run-rerun" \
    CHECKPOINT_MARGIN=1 PBS_WALLTIME=$((signal_after + 1)))
grep -q 'walltime - 1s: asking the trainer to checkpoint' "$scratch/first.out" ||
    fail "the walltime timer did not fire (did the run end within ${signal_after}s? raise SIGNALLED_STEPS): $(tail -n 30 "$scratch/first.out")"
[[ $status == 0 ]] || fail "train.pbs exited $status after the walltime signal: $(tail -n 30 "$scratch/first.out")"
[[ $(cat "$scratch/qrerun.calls" 2>/dev/null) == first.sim ]] ||
    fail "train.pbs did not call qrerun first.sim after exit 75: $(tail -n 30 "$scratch/first.out")"
[[ -e $scratch/run-rerun/checkpoints/latest.ckpt ]] || fail "no checkpoint after the walltime signal"
[[ ! -e $scratch/run-rerun/final.json ]] || fail "the run finished although it was told to stop"
log "walltime signal -> checkpoint, exit 75, qrerun"

status=$(pbs_job rerun train.pbs RUN_DIR="$scratch/run-rerun")
[[ $status == 0 ]] || fail "the rerun exited $status: $(tail -n 30 "$scratch/rerun.out")"
grep -q 'resuming from .*latest.ckpt' "$scratch/rerun.out" || fail "the rerun did not resume: $(head -n 5 "$scratch/rerun.out")"
expect_resumed_midway "$scratch/rerun.out" "$SIGNALLED_STEPS"
updates=$(json_field "$scratch/run-rerun/final.json" updates)
[[ $updates == "$SIGNALLED_STEPS" ]] || fail "the rerun's final.json says $updates updates; expected $SIGNALLED_STEPS"
rerun_checksum=$(json_field "$scratch/run-rerun/final.json" parameter_checksum)
[[ $rerun_checksum == "$plain_checksum" ]] ||
    fail "rerun ends with parameters $rerun_checksum, uninterrupted run with $plain_checksum"

status=$(pbs_job bench bench-scaling.pbs DATA_DIR="$scratch/data" ENV_NAME=lbf EMBEDS=64 STEPS=5 BATCH=8 OUT="$scratch/bench")
[[ $status == 0 ]] || fail "bench-scaling.pbs exited $status: $(tail -n 30 "$scratch/bench.out")"
for ranks in 1 2; do
    grep -Eq "^64 +$ranks +[0-9]" "$scratch/bench.out" ||
        fail "the benchmark table has no row for embedding 64, $ranks rank(s): $(cat "$scratch/bench.out")"
done
log "bench-scaling.pbs printed its table"

status=$(pbs_job evaluate evaluate.pbs RUN_DIR="$scratch/run-plain" EPISODES=16)
[[ $status == 0 ]] || fail "evaluate.pbs exited $status: $(tail -n 30 "$scratch/evaluate.out")"
log "evaluate.pbs completed"

exp=$scratch/table1
experiment_settings=(EXPERIMENT=table1 EXP_DIR="$exp" ENV_NAME=lbf SCALE=smoke SEEDS=1 ALGOS=bc,oryx,cql RANKS_PER_NODE=1)
status=$(pbs_job prepare experiment.pbs "${experiment_settings[@]}" PREPARE_ONLY=data)
[[ $status == 0 ]] || fail "experiment.pbs PREPARE_ONLY=data exited $status: $(tail -n 30 "$scratch/prepare.out")"
[[ -s $exp/data/lbf/collection.json && ! -e $exp/runs ]] ||
    fail "experiment.pbs PREPARE_ONLY=data did not collect the datasets alone: $(tail -n 30 "$scratch/prepare.out")"
# One after the other, in an order where a task that ignored its index would train another cell too.
for task in "2 PBS_ARRAY_INDEX" "0 PBS_ARRAYID" "1 PBS_ARRAYID"; do
    index=${task% *} variable=${task#* }
    status=$(pbs_job "cell$index" experiment.pbs "${experiment_settings[@]}" "$variable=$index")
    [[ $status == 0 ]] || fail "experiment.pbs with $variable=$index exited $status: $(tail -n 30 "$scratch/cell$index.out")"
    started=$(sed -n 's/.*\] run \([0-9]*\/[0-9]*\) \([^:]*\): starting.*/\1 \2/p' "$scratch/cell$index.out")
    [[ $started == "$((index + 1))/3 "* && $(wc -l <<<"$started") == 1 ]] ||
        fail "experiment.pbs with $variable=$index did not train cell $index alone (started: '$started'): $(tail -n 30 "$scratch/cell$index.out")"
    [[ -s $exp/runs/${started#* }/final.json ]] || fail "cell $index (${started#* }) has no final.json"
done
experiment_status=$("$MTRL_DIST" experiment status table1 --out "$exp")
grep -q '3 done, 0 running, 0 interrupted, 0 left of 3 runs' <<<"$experiment_status" ||
    fail "experiment status after the array tasks: $experiment_status"
log "experiment.pbs: a prepare job and three array tasks (PBS_ARRAYID, PBS_ARRAY_INDEX) trained the grid"

# The whole grid in one job, one cell long enough that the walltime timer (3 s) lands mid-run on
# an idle machine too: 400 updates at E = 64, B = 64 (about 15 s idle; 60 of them once ended within 3 s).
whole=$scratch/whole
rm -f "$scratch/qrerun.calls"
status=$(pbs_job whole experiment.pbs EXPERIMENT=table1 EXP_DIR="$whole" ENV_NAME=lbf SCALE=smoke SEEDS=1 ALGOS=oryx \
    DATA_DIR="$exp/data" SETTINGS=steps=400,embed=64,heads=4,batch=64,checkpoint-every=20,eval-every=400 CHECKPOINT_MARGIN=1 PBS_WALLTIME=4)
grep -q 'walltime - 1s: asking the trainer to checkpoint' "$scratch/whole.out" ||
    fail "the walltime timer did not fire in experiment.pbs: $(tail -n 30 "$scratch/whole.out")"
[[ $status == 0 && $(cat "$scratch/qrerun.calls" 2>/dev/null) == whole.sim ]] ||
    fail "experiment.pbs exited $status and did not call qrerun whole.sim after the walltime signal: $(tail -n 30 "$scratch/whole.out")"
cell=$whole/runs/lbf/oryx/mt/seed0
[[ -e $cell/checkpoints/latest.ckpt && ! -e $cell/final.json ]] || fail "no checkpoint (or a finished run) after the walltime signal"
status=$(pbs_job whole-rerun experiment.pbs EXPERIMENT=table1 EXP_DIR="$whole")
[[ $status == 0 ]] || fail "the experiment.pbs rerun exited $status: $(tail -n 30 "$scratch/whole-rerun.out")"
grep -q 'lbf/oryx/mt/seed0: resuming from its checkpoint' "$scratch/whole-rerun.out" ||
    fail "the experiment.pbs rerun did not resume the cell: $(tail -n 30 "$scratch/whole-rerun.out")"
updates=$(json_field "$cell/final.json" updates)
[[ $updates == 400 ]] || fail "the resumed cell's final.json says ${updates:-no} updates; expected 400"
log "experiment.pbs: walltime signal -> checkpoint, qrerun, the rerun resumed the cell to the end"
# online.pbs as array tasks of a 2-task list, in an order where a task that ignored its index
# would train the other task too; then an index beyond the list, and gather-online.sh.
online_tasks=(lbf-8x8-2p-2f-coop lbf-2s-8x8-2p-2f-coop)
online_settings=(TASKS="${online_tasks[*]}" RUNS_DIR="$scratch/online-runs" DATA_DIR="$scratch/online-data" RANKS_PER_NODE=1
    "ONLINE_ARGS=--embed 16 --envs 4 --steps 16 --epochs 2 --updates 6 --checkpoint-every 2 --eval-episodes 2 --final-eval-episodes 4 --snapshots 3 --record-episodes 3 --label-episodes 4")
for task in "1 PBS_ARRAY_INDEX" "0 PBS_ARRAYID"; do
    index=${task% *} variable=${task#* }
    status=$(pbs_job "online$index" online.pbs "${online_settings[@]}" "$variable=$index")
    [[ $status == 0 ]] || fail "online.pbs with $variable=$index exited $status: $(tail -n 30 "$scratch/online$index.out")"
    started=$(sed -n 's/^mtrl-dist online: \([^,]*\),.*/\1/p' "$scratch/online$index.out")
    [[ $started == "${online_tasks[index]}" ]] ||
        fail "online.pbs with $variable=$index trained '$started'; expected ${online_tasks[index]} alone: $(tail -n 30 "$scratch/online$index.out")"
    [[ -s $scratch/online-data/lbf/${online_tasks[index]}.mtds ]] || fail "online.pbs with $variable=$index recorded no dataset"
done
status=$(pbs_job online2 online.pbs "${online_settings[@]}" PBS_ARRAYID=2)
[[ $status == 2 ]] && grep -q 'error: index 2 is beyond the task list: 2 task(s), indices 0-1' "$scratch/online2.out" ||
    fail "online.pbs with PBS_ARRAYID=2 of 2 tasks exited $status: $(tail -n 5 "$scratch/online2.out")"
gathered=$(env PBS_O_WORKDIR="$scratch" MTRL_DIST="$MTRL_DIST" "${online_settings[@]}" bash "$cluster_dir/gather-online.sh" 2>&1) ||
    fail "gather-online.sh failed after the online.pbs array tasks: $gathered"
grep -q "^all 2 task(s) have their dataset and reference row in $scratch/online-data: ${online_tasks[*]}\$" <<<"$gathered" ||
    fail "gather-online.sh did not report both datasets: $gathered"
log "online.pbs: two array tasks (PBS_ARRAY_INDEX, PBS_ARRAYID) each trained their task and recorded its dataset; an index beyond the list is refused"
pass "scripts parse; train.pbs and a walltime-signalled, qrerun-resumed train.pbs match ($plain_checksum); the benchmark sweep, evaluate.pbs, experiment.pbs array tasks and a walltime-signalled, resumed experiment.pbs run, online.pbs array tasks and their gathered datasets (simulated PBS)"
