#!/usr/bin/env bash
# The committed experiment results (README, Experiments → Results): each NAME:ENV pair is an
# `mtrl-dist experiment run NAME --env ENV --scale cpu` (or --scale) under WORK/NAME-ENV (datasets shared per
# machine under WORK/data), trained RANKS runs at a time (`--ranks-per-run 1`), then reported and
# copied to results/ENV/NAME[-SCALE][-LABEL]/ (SCALE only when not cpu; report.md, results.json, marl-eval.json, plots), with the
# greedy-acting diagnostic (`experiment evaluate`) measured first.
# Resumable: stop it at any time and run it again; finished runs are kept, interrupted ones resume.
# Only a finished grid is copied to results/; a stopped or unfinished one gets its partial report
# in WORK and the script stops. Runs equal to a finished table1 run of the same environment and
# data under WORK are copied from it, not trained again.
# Usage: scripts/experiments-cpu.sh [--work DIR] [--ranks R] [--seeds N] [--bin PATH] [--scale cpu|smoke|paper]
#        [--runs "table1:lbf table1:connector table1:rware fig1:lbf ..."] [--data DIR --label LABEL]
#        [--options "--training-tasks 3 --algos oryx" --label LABEL] [--reuse DIR,DIR]
# (--bin: a prebuilt mtrl-dist, e.g. on a machine without Swift; default: build it here.
#  --data: other datasets, e.g. `scripts/online-cpu.sh`'s recorded ones; with them --label names the
#  results ENV/NAME-LABEL and the work folder NAME-ENV-LABEL, so they never mix with WORK/data's;
#  --options: more `experiment run` options for every pair, e.g. a subset a small machine can run;
#  with them, too, --label names the results.
#  --reuse: more experiment folders (comma-separated) whose equal runs are copied, besides WORK's table1.)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=experiments-cpu RANKS=$(nproc) SEEDS=3 RUNS="table1:lbf table1:connector table1:rware" BIN="" SCALE=cpu DATA="" LABEL="" OPTIONS="" REUSE=""
while (($#)); do
    case $1 in
        --work) WORK=$2 ;; --ranks) RANKS=$2 ;; --seeds) SEEDS=$2 ;; --runs) RUNS=$2 ;; --bin) BIN=$2 ;; --scale) SCALE=$2 ;;
        --data) DATA=$2 ;; --label) LABEL=$2 ;; --options) OPTIONS=$2 ;; --reuse) REUSE=$2 ;;
        *) echo "error: unknown option $1; see the header of $0" >&2; exit 2 ;;
    esac
    shift 2
done
if [[ (-n $DATA || -n $OPTIONS) && -z $LABEL ]]; then
    echo "error: --data and --options need --label (it names the results, so they do not overwrite the full grid's)" >&2; exit 2
fi
read -r -a extra <<<"$OPTIONS"
suffix=${LABEL:+-$LABEL}
if [[ -z $BIN ]]; then
    swift build -c release --product mtrl-dist >/dev/null
    BIN=.build/release/mtrl-dist
fi
mpirun=(mpirun --bind-to none -n "$RANKS")
[[ $(id -u) != 0 ]] || mpirun+=(--allow-run-as-root)
((RANKS <= $(nproc))) || mpirun+=(--oversubscribe)
mkdir -p "$WORK"
for pair in $RUNS; do
    name=${pair%%:*} env=${pair#*:}
    out=$WORK/$name-$env$suffix
    echo "== $name on $env ($RANKS runs at a time) → $out"
    # fig1's MT runs, fig4's k = M and fig6's full runs are table1's: copied from it when it ran here
    # (only runs with exactly the same settings are; a subset's grid may match none).
    sources=()
    for table1 in "$WORK/table1-$env$suffix" "$WORK/table1-$env"; do
        [[ $table1 == "$out" || ! -f $table1/experiment.json || " ${sources[*]} " == *" $table1 "* ]] || sources+=("$table1")
    done
    if [[ -n $REUSE ]]; then IFS=, read -r -a more <<<"$REUSE"; sources+=("${more[@]}"); fi
    reuse=()
    ((${#sources[@]} == 0)) || reuse=(--reuse "$(IFS=,; echo "${sources[*]}")")
    status=0
    "${mpirun[@]}" "$BIN" experiment run "$name" --env "$env" --scale "$SCALE" --seeds "$SEEDS" --ranks-per-run 1 \
        --data "${DATA:-$WORK/data}" --out "$out" "${reuse[@]}" "${extra[@]}" > "$out.log" 2>&1 || status=$?
    # "D done, R running, I interrupted, L left[, F failed] of N runs"
    summary=$("$BIN" experiment status "$name" --out "$out" | grep -E '^[0-9]+ done, ' || true)
    echo "$summary"
    if [[ $status == 75 ]]; then echo "stopped by a signal after a checkpoint: run this script again to continue"; exit 75; fi
    total=${summary##* of }; total=${total%% runs}
    if [[ $status != 0 || -z $summary || ${summary%% done*} != "$total" ]]; then
        "$BIN" experiment report "$name" --out "$out" >/dev/null 2>&1 || true
        echo "the grid has not finished (experiment run exit $status; see $out.log): partial report in $out/report.md," \
            "results/ left as it was; run this script again to continue" >&2
        exit "$((status == 0 ? 1 : status))"
    fi
    # The greedy-acting diagnostic for the report (finished Oryx / BC runs not measured yet).
    "${mpirun[@]}" "$BIN" experiment evaluate "$name" --out "$out" >> "$out.log" 2>&1 \
        || echo "experiment evaluate failed (see $out.log); the report goes without it"
    "$BIN" experiment report "$name" --out "$out" >/dev/null
    scale_suffix=-$SCALE
    [[ $SCALE != cpu ]] || scale_suffix=""
    target=results/$env/$name$scale_suffix$suffix
    mkdir -p "$target"
    # results.json holds the grid (with the data directory relative to EXP_DIR); experiment.json
    # holds this machine's absolute paths and stays behind.
    cp -r "$out/report.md" "$out/results.json" "$out/marl-eval.json" "$out/plots" "$target/"
    echo "copied the report to $target (exit $status)"
done
