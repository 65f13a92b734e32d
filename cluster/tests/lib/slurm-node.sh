# A one-node Slurm cluster on this machine, for the tests in cluster/tests.
#
# start_slurm_node DIR starts munged (as the munge user, own key), slurmctld
# and slurmd with a minimal config (this host, CPUs=2 whatever the hardware,
# no cgroups, no accounting), everything under DIR, on free ports; it exports
# SLURM_CONF so sbatch/squeue/scontrol talk to this cluster, and registers
# the teardown.
# A requeued job waits cred_expire seconds before it may start again (Slurm
# default 120; 10 here to keep the test short).
# Needs common.sh sourced first. Facts behind the settings: shared/CLUSTER-NOTES.md.

ensure_slurm_installed() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then
        return
    fi
    command -v apt-get >/dev/null || skip "slurmctld/slurmd/munged missing and no apt-get to install them"
    log "installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null ||
        fail "apt-get install slurm-wlm munge failed; install them by hand and re-run"
}

start_munge() {
    local dir=$1/munge
    mkdir -p "$dir"
    # munged refuses keys and sockets that other users could touch.
    chown munge:munge "$dir"
    chmod 711 "$dir"
    head -c 128 /dev/urandom >"$dir/munge.key"
    chown munge:munge "$dir/munge.key"
    chmod 600 "$dir/munge.key"
    MUNGE_SOCKET=$dir/munge.socket
    at_exit stop_pidfile "$dir/munged.pid" munged
    runuser -u munge -- munged --key-file="$dir/munge.key" --socket="$MUNGE_SOCKET" \
        --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed" ||
        fail "munged did not start; log: $(cat "$dir/munged.log" 2>/dev/null)"
    wait_for 20 munged munge -S "$MUNGE_SOCKET" -n ||
        fail "munged does not answer on $MUNGE_SOCKET; log: $(cat "$dir/munged.log")"
}

write_slurm_conf() {
    local dir=$1 node=$2
    cat >"$dir/slurm.conf" <<CONF
ClusterName=mtrltest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET,cred_expire=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
JobRequeue=1
MailProg=/bin/true
SchedulerParameters=sched_interval=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
}

slurm_node_idle() { sinfo -h -N -o '%T' | grep -qx idle; }

start_slurm_node() {
    local dir=$1 node
    node=$(hostname -s)
    ensure_slurm_installed
    mkdir -p "$dir/state" "$dir/spool"
    start_munge "$dir"
    write_slurm_conf "$dir" "$node"
    export SLURM_CONF=$dir/slurm.conf
    at_exit stop_pidfile "$dir/slurmctld.pid" slurmctld
    at_exit stop_pidfile "$dir/slurmd.pid" slurmd
    slurmctld -c -f "$SLURM_CONF" || fail "slurmctld did not start; log: $(tail -n 20 "$dir/slurmctld.log")"
    slurmd -f "$SLURM_CONF" -N "$node" || fail "slurmd did not start; log: $(tail -n 20 "$dir/slurmd.log")"
    wait_for 60 "slurm node $node idle" slurm_node_idle ||
        fail "node $node not idle after 60 s: $(sinfo -N 2>&1); slurmd log: $(tail -n 20 "$dir/slurmd.log")"
}

# job_state JOBID: PENDING, RUNNING, COMPLETED, FAILED, ... (no accounting: scontrol).
job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }

# job_field JOBID FIELD: one field of `scontrol show job`, e.g. Restarts or ExitCode.
job_field() { scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

# wait_job_done JOBID SECONDS: wait until the job leaves PENDING/RUNNING/COMPLETING/REQUEUED.
wait_job_done() {
    local id=$1 deadline=$((SECONDS + $2)) state
    while ((SECONDS < deadline)); do
        state=$(job_state "$id")
        case $state in
            PENDING | RUNNING | COMPLETING | CONFIGURING | REQUEUED | REQUEUE_HOLD | REQUEUE_FED | SUSPENDED | "") sleep 1 ;;
            *) echo "$state"; return 0 ;;
        esac
    done
    echo "TIMEOUT(last state ${state:-unknown})"
}

# output_of JOBID: the last lines of the job's output file.
output_of() { tail -n 30 "$(job_field "$1" StdOut)" 2>/dev/null; }

# expect_completed JOBID WHAT [SECONDS]: the job ended COMPLETED with exit code 0:0 within SECONDS
# (default 300); fails showing the end of its output otherwise.
expect_completed() {
    local state
    state=$(wait_job_done "$1" "${3:-300}")
    [[ $state == COMPLETED && $(job_field "$1" ExitCode) == 0:0 ]] ||
        fail "$2 (job $1) ended $state, exit code $(job_field "$1" ExitCode); its output: $(output_of "$1")"
    log "$2 (job $1) COMPLETED"
}

# submitted_job NAME TEXT: the id in a submit script's line "NAME job ID: ...".
submitted_job() { sed -n "s/^$1 job \([0-9]*\):.*/\1/p" <<<"$2"; }
