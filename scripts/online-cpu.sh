#!/usr/bin/env bash
# The committed online Sable results (README, Online Sable → Results): `mtrl-dist online` with Mava's
# latest settings on each TASK:UPDATES pair, one rank, recording its dataset into WORK/data, then the
# learning curve (online-curve, with the heuristic's reference return as a dashed line when REFS names
# it) and the run's figures copied to results/online/<task>/ (final.json, eval.csv, metrics.csv,
# learning-curve.svg, dataset.txt = `dataset inspect` of the recorded data). Resumable: stop it at
# any time and run it again; a finished run is only reported again.
# Usage: scripts/online-cpu.sh [--work DIR] [--bin PATH] [--runs "lbf-8x8-2p-2f-coop:200 con-5x5x3a:600 ..."]
#        [--refs "con-5x5x3a:observed:2.46 ..."]   (TASK:BEHAVIOUR:RETURN: the heuristic's reference line)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=online-cpu BIN="" RUNS="lbf-8x8-2p-2f-coop:300 con-5x5x3a:600 rware-tiny-2ag:1000" REFS=""
while (($#)); do
    case $1 in
        --work) WORK=$2 ;; --bin) BIN=$2 ;; --runs) RUNS=$2 ;; --refs) REFS=$2 ;;
        *) echo "error: unknown option $1; see the header of $0" >&2; exit 2 ;;
    esac
    shift 2
done
if [[ -z $BIN ]]; then
    swift build -c release --product mtrl-dist >/dev/null
    BIN=.build/release/mtrl-dist
fi
BIN=$(realpath "$BIN")
mkdir -p "$WORK"
for pair in $RUNS; do
    task=${pair%%:*} updates=${pair#*:}
    run=$WORK/$task
    echo "== $task: $updates updates → $run"
    status=0
    "$BIN" online --task "$task" --updates "$updates" --record "$WORK/data" --out "$run" >> "$run.log" 2>&1 || status=$?
    if [[ $status == 75 ]]; then echo "stopped by a signal: run this script again to continue"; exit 75; fi
    ((status == 0)) || { echo "error: online run of $task failed (exit $status); see $run.log" >&2; exit 1; }
    reference=()
    for ref in $REFS; do
        IFS=: read -r name behaviour value <<<"$ref"
        [[ $name != "$task" ]] || reference=(--reference "$behaviour heuristic=$value")
    done
    target=results/online/$task
    mkdir -p "$target"
    "$BIN" online-curve --run "$run" --out "$target/learning-curve.svg" "${reference[@]}" >/dev/null
    cp "$run/final.json" "$run/eval.csv" "$run/metrics.csv" "$target/"
    env=$(sed -n 's/.*"task" *: *"\([a-z]*\)-.*/\1/p' "$run/final.json")
    [[ $env != con ]] || env=connector
    (cd "$WORK/data" && "$BIN" dataset inspect "$env/$task.mtds") > "$target/dataset.txt"
    echo "copied the results to $target"
done
