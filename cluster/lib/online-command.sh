# The task list and the `mtrl-dist online` command lines of the online job scripts
# (slurm/online.sbatch, slurm/submit-online.sh, pbs/online.pbs, gather-online.sh), built from
# their settings. Sourced by them; MTRL_DIST must be set.
#
#   online_task_list      sets online_tasks (ids) and online_task_env (id -> env) from TASKS or ENV_NAME/SPLITS
#   online_task_at INDEX  sets online_task to the list's task INDEX (an array task's index)
#   online_command TASK   sets online_run, the `mtrl-dist online` arguments for TASK
#   online_gather         checks DATA_DIR holds every listed task's dataset and reference row

# online_task_list: the tasks the settings name, in order: TASKS (ids separated by spaces or
# commas), else `mtrl-dist tasks --env ENV_NAME --split S` for each S of SPLITS (default
# train,test). Sets `online_tasks` and `online_task_env`; exits 2 naming the problem for no
# setting, an unknown environment, split or task, a task listed twice or an empty list.
online_task_list() {
    local listing split task env
    local -a splits
    online_tasks=()
    declare -gA online_task_env=()
    listing=$("$MTRL_DIST" tasks 2>&1) || { echo "error: \`$MTRL_DIST tasks\` failed: $listing" >&2; exit 2; }
    while read -r task env _; do online_task_env[$task]=$env; done < <(awk 'NR > 1 && NF >= 3 && !/task\(s\)$/' <<<"$listing")
    if [[ -n ${TASKS:-} ]]; then
        read -r -a online_tasks <<<"${TASKS//,/ }"
    elif [[ -n ${ENV_NAME:-} ]]; then
        read -r -a splits <<<"${SPLITS:-train,test}"
        read -r -a splits <<<"${splits[*]//,/ }"
        for split in "${splits[@]}"; do
            listing=$("$MTRL_DIST" tasks --env "$ENV_NAME" --split "$split" 2>&1) ||
                { echo "error: ENV_NAME=$ENV_NAME SPLITS=${SPLITS:-train,test}: $listing" >&2; exit 2; }
            online_tasks+=($(awk 'NR > 1 && NF >= 3 && !/task\(s\)$/ { print $1 }' <<<"$listing"))
        done
    else
        echo "error: set TASKS (task ids, see \`mtrl-dist tasks\`) or ENV_NAME (with SPLITS, default train,test)" >&2
        exit 2
    fi
    ((${#online_tasks[@]} > 0)) ||
        { echo "error: the task list is empty (TASKS='${TASKS:-}' ENV_NAME='${ENV_NAME:-}' SPLITS='${SPLITS:-train,test}')" >&2; exit 2; }
    local -A seen=()
    for task in "${online_tasks[@]}"; do
        [[ -n ${online_task_env[$task]:-} ]] || { echo "error: unknown task '$task' in TASKS; \`mtrl-dist tasks\` lists the ids" >&2; exit 2; }
        [[ -z ${seen[$task]:-} ]] || { echo "error: task $task is listed twice; each task needs its own run" >&2; exit 2; }
        seen[$task]=1
    done
}

# online_task_at INDEX: sets `online_task` to task INDEX (from 0) of `online_tasks`; exits 2 when
# INDEX is not a number or lies beyond the list.
online_task_at() {
    local count=${#online_tasks[@]}
    [[ $1 =~ ^[0-9]+$ ]] && ((10#$1 < count)) ||
        { echo "error: index $1 is beyond the task list: $count task(s), indices 0-$((count - 1)) (${online_tasks[*]})" >&2; exit 2; }
    online_task=${online_tasks[10#$1]}
}

# online_command TASK: sets `online_run` to `online --task TASK --out RUNS_DIR/TASK`, with
# `--record DATA_DIR` when DATA_DIR is set and the flags of ONLINE_ARGS (split on spaces), which
# may not set --task, --out or --record themselves.
online_command() {
    local flag
    local -a extra
    read -r -a extra <<<"${ONLINE_ARGS:-}"
    for flag in "${extra[@]}"; do
        case $flag in
            --task | --task=* | --out | --out=* | --record | --record=*)
                echo "error: ONLINE_ARGS sets $flag; the scripts set it per task (use TASKS, RUNS_DIR and DATA_DIR)" >&2
                exit 2
                ;;
        esac
    done
    online_run=(online --task "$1" --out "$RUNS_DIR/$1")
    [[ -z ${DATA_DIR:-} ]] || online_run+=(--record "$DATA_DIR")
    online_run+=("${extra[@]}")
}

# online_gather: for every task of the list, DATA_DIR/<env>/<task>.mtds and its row in
# DATA_DIR/<env>/reference-returns.tsv must exist; runs `dataset verify` on each environment's
# folder and prints `dataset inspect`. Returns 1 naming the missing tasks or a failed check.
online_gather() {
    local task env status=0
    local -a missing=() envs=()
    : "${DATA_DIR:?set DATA_DIR to the folder the online runs recorded into}"
    for task in "${online_tasks[@]}"; do
        env=${online_task_env[$task]}
        [[ " ${envs[*]} " == *" $env "* ]] || envs+=("$env")
        if [[ ! -s $DATA_DIR/$env/$task.mtds ]]; then
            missing+=("$task (no $env/$task.mtds)")
        elif ! awk -F '\t' -v task="$task" '$1 == task { found = 1 } END { exit !found }' "$DATA_DIR/$env/reference-returns.tsv" 2>/dev/null; then
            missing+=("$task (no row in $env/reference-returns.tsv)")
        fi
    done
    for env in "${envs[@]}"; do
        [[ -d $DATA_DIR/$env ]] || continue
        "$MTRL_DIST" dataset verify "$DATA_DIR/$env" || status=1
        "$MTRL_DIST" dataset inspect "$DATA_DIR/$env" || status=1
    done
    if ((${#missing[@]} > 0)); then
        echo "error: ${#missing[@]} of ${#online_tasks[@]} task(s) have no dataset in $DATA_DIR:" >&2
        printf '  %s\n' "${missing[@]}" >&2
        return 1
    fi
    ((status == 0)) || { echo "error: \`mtrl-dist dataset verify\` or \`inspect\` failed under $DATA_DIR" >&2; return 1; }
    echo "all ${#online_tasks[@]} task(s) have their dataset and reference row in $DATA_DIR: ${online_tasks[*]}"
}
