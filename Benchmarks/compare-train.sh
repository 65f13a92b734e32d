#!/usr/bin/env bash
# Trainer throughput of two mtrl-dist builds on the same data and machine, alternated (issue #17):
# each repetition runs --old, then --new, with the same settings, one rank, one BLAS thread.
# Per run two figures of agent-tokens/s (the trainer counts real agents only):
#   wall: the median of the per-update rates the trainer prints, the first update (warm-up) left out;
#   cpu:  all updates' agent-tokens over the process's user + system CPU seconds, set-up included;
#         less sensitive than wall time to other processes on a loaded machine.
# Then per build the mean, min and max over the repetitions, and the ratio new / old of the means.
#
# Usage: Benchmarks/compare-train.sh --old BIN --new BIN --env ENV --data DIR [--embed 64] [--steps 8]
#                                    [--batch 64] [--reps 3] [--out DIR]
# Collect DIR first, e.g. `mtrl-dist collect --env connector --episodes 40 --stages 2 --out DIR`.
# Build the old binary in a second worktree: `git worktree add ../base <commit>` and
# `swift build -c release --product mtrl-dist` there.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=""; NEW=""; ENV=""; DATA=""; EMBED=64; STEPS=8; BATCH=64; REPS=3; OUT=runs/compare-train
while (($#)); do
    case "$1" in
        --old) OLD="$2"; shift 2 ;; --new) NEW="$2"; shift 2 ;; --env) ENV="$2"; shift 2 ;;
        --data) DATA="$2"; shift 2 ;; --embed) EMBED="$2"; shift 2 ;; --steps) STEPS="$2"; shift 2 ;;
        --batch) BATCH="$2"; shift 2 ;; --reps) REPS="$2"; shift 2 ;; --out) OUT="$2"; shift 2 ;;
        *) echo "error: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done
for need in OLD NEW ENV DATA; do
    [[ -n "${!need}" ]] || { echo "error: --${need,,} is required (see the header of $0)" >&2; exit 2; }
done
for bin in "$OLD" "$NEW"; do [[ -x "$bin" ]] || { echo "error: $bin is not an executable; build it first" >&2; exit 2; }; done
((STEPS >= 3)) || { echo "error: --steps $STEPS: need at least 3 (the first update is left out)" >&2; exit 2; }
export OPENBLAS_NUM_THREADS=1
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
mkdir -p "$OUT"

# run NAME BIN REP: trains; prints "wall cpu" (see the header).
run() {
    local dir="$OUT/$1-$3"
    rm -rf "$dir"
    /usr/bin/time -f "%U %S" -o "$dir.time" "$2" train --env "$ENV" --data "$DATA" --tasks train --embed "$EMBED" \
        --batch "$BATCH" --steps "$STEPS" --log-every 1 --eval-every 0 --final-eval-episodes 0 --checkpoint-every 0 \
        --seed 1 --out "$dir" >"$dir.log" 2>&1 || { echo "error: $1 run $3 failed; see $dir.log" >&2; exit 1; }
    local wall tokens
    wall=$(sed -n 's/^update \([0-9]*\)\/.* \([0-9.]*\) agent-tokens\/s.*/\1 \2/p' "$dir.log" | awk '$1 > 1 {print $2}' | sort -g \
        | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}')
    tokens=$(tr ',' '\n' <"$dir/final.json" | awk -F: '/"elapsed_s"/ {e = $2} /"tokens_per_second"/ {r = $2} END {print e * r}')
    awk -v w="$wall" -v t="$tokens" '{print w, t / ($1 + $2)}' "$dir.time"
}

# summary VALUES...: "mean min max".
summary() { printf "%s\n" "$@" | awk '{s += $1; if (NR == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1} END {printf "%.0f %.0f %.0f", s / NR, lo, hi}'; }

echo "$ENV training tasks, E = $EMBED, B = $BATCH, $STEPS updates, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-4s %12s %12s %12s %12s\n" rep old-wall new-wall old-cpu new-cpu
ow=(); nw=(); oc=(); nc=()
for ((r = 1; r <= REPS; r++)); do
    read -r a b <<<"$(run old "$OLD" "$r")"
    read -r c d <<<"$(run new "$NEW" "$r")"
    ow+=("$a"); oc+=("$b"); nw+=("$c"); nc+=("$d")
    printf "%-4s %12.0f %12.0f %12.0f %12.0f\n" "$r" "$a" "$c" "$b" "$d"
done
for kind in wall cpu; do
    if [[ $kind == wall ]]; then old=("${ow[@]}"); new=("${nw[@]}"); else old=("${oc[@]}"); new=("${nc[@]}"); fi
    read -r om olo ohi <<<"$(summary "${old[@]}")"
    read -r nm nlo nhi <<<"$(summary "${new[@]}")"
    awk -v k="$kind" -v om="$om" -v olo="$olo" -v ohi="$ohi" -v nm="$nm" -v nlo="$nlo" -v nhi="$nhi" 'BEGIN {
        printf "%-4s old mean %.0f (min %.0f, max %.0f), new mean %.0f (min %.0f, max %.0f) agent-tokens/s: new/old %.2fx (range %.2fx..%.2fx)\n",
            k, om, olo, ohi, nm, nlo, nhi, nm / om, nlo / ohi, nhi / olo }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
