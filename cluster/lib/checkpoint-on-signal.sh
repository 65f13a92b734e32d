# Stop signal -> checkpoint -> requeue, for the job scripts that train
# (slurm/train.sbatch, slurm/experiment.sbatch, pbs/train.pbs, pbs/experiment.pbs).
# Sourced by them. The trainers (`mtrl-dist train`, `mtrl-dist experiment run`)
# answer SIGUSR1 or SIGTERM by finishing their update; rank 0 writes a
# checkpoint and they exit 75.
#
#   checkpoint_timer SECONDS LABEL     (optional, PBS) ask for a checkpoint after SECONDS
#   run_checkpointable RUNS COMMAND... run the launcher; sets launch_status, stop_signals
#   finish_slurm_job HINT              requeue, or exit with the launcher's status
#   finish_pbs_job RESUBMIT_VARS       qrerun (or qsub SUBMIT_SCRIPT), or exit likewise

stop_signals="" signal_time="" launcher_pid="" timer_seconds="" timer_label="" wait_interrupted=0

# ask_checkpoint LABEL: record the stop signal and forward USR1 to the launcher.
ask_checkpoint() {
    wait_interrupted=1
    stop_signals+=" $1"
    signal_time=${signal_time:-$(date +%s)}
    echo "$1: asking the trainer to checkpoint"
    [[ -z $launcher_pid ]] || kill -USR1 "$launcher_pid" 2>/dev/null || true
}

# checkpoint_timer SECONDS LABEL: once run_checkpointable starts, ask for a checkpoint after
# SECONDS (PBS sends no signal ahead of its walltime). The timer signals this shell with ALRM.
checkpoint_timer() { timer_seconds=$1 timer_label=$2; }

# run_checkpointable RUNS COMMAND...: runs COMMAND (the launcher) in the background and waits
# for it. USR1 or TERM to this shell, or the timer, forwards USR1 to it. Sets launch_status (its
# exit status) and stop_signals (the signals received: USR1, TERM, the timer's LABEL).
# mpirun killed by a SIGTERM of its own exits 1 although rank 0 checkpointed at once (within
# Open MPI's 1 s before SIGKILL): when the launcher failed, a checkpoints/latest.ckpt under RUNS
# written after the signal counts as exit 75 (a launcher that ended well trained to the end). (Under an experiment's runs/ that may be another job's checkpoint; resuming
# is safe either way, the next `experiment run` takes whatever checkpoint a run has.)
run_checkpointable() {
    local runs=$1 timer_pid="" code
    shift
    trap 'ask_checkpoint USR1' USR1
    trap 'ask_checkpoint TERM' TERM
    trap 'ask_checkpoint "$timer_label"' ALRM
    "$@" &
    launcher_pid=$!
    if [[ -n $timer_seconds ]]; then
        # Its own TERM trap stops the sleep too, so no stray sleep outlives the job.
        (
            trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
            sleep "$timer_seconds" &
            sleeper=$!
            wait "$sleeper" && kill -ALRM $$
        ) &
        timer_pid=$!
    fi
    # A trap makes `wait` return early (status > 128): wait again until the launcher has ended.
    launch_status=""
    while true; do
        wait_interrupted=0
        wait "$launcher_pid" && code=0 || code=$?
        # 127: the previous wait had collected the status already, the signal came just after.
        [[ $code == 127 && -n $launch_status ]] || launch_status=$code
        ((wait_interrupted)) || break
    done
    [[ -z $timer_pid ]] || kill "$timer_pid" 2>/dev/null || true
    if [[ $launch_status != 0 && $launch_status != 75 && -n $signal_time ]] && checkpoint_written_since "$runs" "$signal_time"; then
        echo "launcher exited $launch_status after the signal; a checkpoint under $runs was written after it: checkpointed"
        launch_status=75
    fi
}

# checkpoint_written_since RUNS TIME: a checkpoints/latest.ckpt under RUNS is dated TIME (s) or later.
checkpoint_written_since() {
    find "$1" -path '*/checkpoints/latest.ckpt' -printf '%T@\n' 2>/dev/null |
        awk -v since="$2" '$1 >= since { found = 1 } END { exit !found }'
}

# finish_slurm_job HINT: after a USR1 checkpoint (exit 75) requeue the job and exit 0; after
# TERM exit 75 without requeue (TERM is how `scancel` cancels; HINT says how to continue);
# otherwise exit with the launcher's status.
finish_slurm_job() {
    if [[ $launch_status == 75 && $stop_signals == *USR1* ]]; then
        echo "trainer checkpointed (exit 75): requeueing job $SLURM_JOB_ID"
        scontrol requeue "$SLURM_JOB_ID"
        exit 0
    elif [[ $launch_status == 75 && $stop_signals == *TERM* ]]; then
        echo "trainer checkpointed (exit 75) after TERM: not requeued; $1"
    else
        echo "trainer exited with status $launch_status"
    fi
    exit "$launch_status"
}

# finish_pbs_job RESUBMIT_VARS: after a checkpoint asked for by a signal, rerun the job with
# `qrerun`, or where users may not, qsub SUBMIT_SCRIPT again with `-v RESUBMIT_VARS`; otherwise
# exit with the launcher's status.
finish_pbs_job() {
    if [[ $launch_status == 75 && -n $stop_signals ]]; then
        echo "trainer checkpointed (exit 75): rerunning job ${PBS_JOBID:-?}"
        if qrerun "${PBS_JOBID:-}"; then
            exit 0
        elif [[ -n ${SUBMIT_SCRIPT:-} ]]; then
            qsub -v "$1,SUBMIT_SCRIPT=$SUBMIT_SCRIPT" "$SUBMIT_SCRIPT"
            exit 0
        fi
        echo "qrerun refused and SUBMIT_SCRIPT is unset: qsub this script again with $1 to resume" >&2
        exit 75
    fi
    echo "trainer exited with status $launch_status"
    exit "$launch_status"
}
