# How the training job scripts (slurm/train.sbatch, slurm/experiment.sbatch, pbs/train.pbs,
# pbs/experiment.pbs) start their MPI ranks, with BLAS threads from the allocation. Sourced.

# slurm_launcher: one rank per Slurm task, each with its task's CPUs as BLAS threads (exported
# as OPENBLAS_NUM_THREADS / OMP_NUM_THREADS); sets `launch` for LAUNCHER srun (default, Open MPI
# through PMIx) or mpirun.
slurm_launcher() {
    export OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
    export OMP_NUM_THREADS=$OPENBLAS_NUM_THREADS
    case ${LAUNCHER:=srun} in
        srun) launch=(srun --mpi=pmix --cpus-per-task="$OPENBLAS_NUM_THREADS") ;;
        mpirun)
            # Open MPI reads the Slurm allocation itself; Slurm confines the CPUs,
            # so no extra binding (default core binding would pin BLAS threads to one core).
            launch=(mpirun -n "$SLURM_NTASKS" --bind-to none -x OPENBLAS_NUM_THREADS -x OMP_NUM_THREADS)
            [[ $(id -u) != 0 ]] || launch+=(--allow-run-as-root)
            ;;
        *) echo "error: LAUNCHER=$LAUNCHER; expected srun or mpirun" >&2; exit 2 ;;
    esac
}

# pbs_launcher RANKS_PER_NODE: an Open MPI hostfile from PBS_NODEFILE (which lists each host once
# per CPU) with RANKS_PER_NODE slots per host, removed on exit; every rank gets CPUs per host /
# RANKS_PER_NODE BLAS threads. Sets `hosts` and `launch` (mpirun; remote ranks through ssh or
# MPI_LAUNCH_AGENT: Debian's Open MPI has no PBS tm support).
pbs_launcher() {
    local ranks=$1 cpus_per_host threads
    : "${PBS_NODEFILE:?PBS_NODEFILE is not set: submit this script with qsub}"
    pbs_hostfile=$(mktemp "${TMPDIR:-/tmp}/mtrl-hosts.XXXXXX")
    trap 'rm -f "$pbs_hostfile"' EXIT
    # One line per host: "host slots=RANKS_PER_NODE"; CPUs per host = its lines in PBS_NODEFILE.
    sort "$PBS_NODEFILE" | uniq -c | awk -v r="$ranks" '{ print $2 " slots=" r }' >"$pbs_hostfile"
    hosts=$(wc -l <"$pbs_hostfile")
    cpus_per_host=$(sort "$PBS_NODEFILE" | uniq -c | awk 'NR == 1 || $1 < min { min = $1 } END { print min }')
    threads=$((cpus_per_host / ranks))
    export OPENBLAS_NUM_THREADS=$((threads > 0 ? threads : 1))
    export OMP_NUM_THREADS=$OPENBLAS_NUM_THREADS
    launch=(mpirun -n $((hosts * ranks)) --hostfile "$pbs_hostfile" --map-by "ppr:$ranks:node"
        --bind-to none -x OPENBLAS_NUM_THREADS -x OMP_NUM_THREADS)
    [[ $(id -u) != 0 ]] || launch+=(--allow-run-as-root)
    [[ -z ${MPI_LAUNCH_AGENT:-} ]] || launch+=(--mca plm_rsh_agent "$MPI_LAUNCH_AGENT")
}
