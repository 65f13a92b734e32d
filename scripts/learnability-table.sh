#!/usr/bin/env bash
# The learnability table of the README: for one task per environment and 200, 500 and 2,000
# episodes of epsilon-0.05 data (one quality stage) of a behaviour, behaviour cloning with
# `mtrl-dist dataset learnability`; JSON per cell under OUT, then a Markdown table.
# Cells already measured (their JSON exists) are skipped, so the script can be stopped and rerun.
# Usage: scripts/learnability-table.sh [--behaviour observed|oracle] [--out results/learnability]
#        [--tasks "rware-tiny-2ag con-5x5x3a lbf-8x8-2p-2f-coop"] [--episodes "200 500 2000"] [--updates 3000]
set -euo pipefail
cd "$(dirname "$0")/.."
BEHAVIOUR=observed OUT=results/learnability TASKS="rware-tiny-2ag con-5x5x3a lbf-8x8-2p-2f-coop" EPISODES="200 500 2000"
UPDATES=3000
while (($#)); do
    case $1 in
        --behaviour) BEHAVIOUR=$2 ;; --out) OUT=$2 ;; --tasks) TASKS=$2 ;; --episodes) EPISODES=$2 ;; --updates) UPDATES=$2 ;;
        *) echo "error: unknown option $1; see the header of $0" >&2; exit 2 ;;
    esac
    shift 2
done
swift build -c release --product mtrl-dist >/dev/null
BIN=.build/release/mtrl-dist
mkdir -p "$OUT"
data=$(mktemp -d /tmp/mtrl-learnability-data.XXXXXX)
trap 'rm -rf "$data"' EXIT
for task in $TASKS; do
    for episodes in $EPISODES; do
        json=$OUT/$BEHAVIOUR-$task-$episodes.json
        [[ -s $json ]] && continue
        "$BIN" collect --task "$task" --episodes "$episodes" --stages 1 --behaviour "$BEHAVIOUR" --seed 11 \
            --out "$data/$episodes" >/dev/null
        OPENBLAS_NUM_THREADS=1 "$BIN" dataset learnability "$data/$episodes" --task "$task" --updates "$UPDATES" \
            --json "$json" | tail -n 1
    done
done
field() { sed -n "s/.*\"$2\" *: *\"\{0,1\}\([^\",]*\)\"\{0,1\}.*/\1/p" "$1" | head -n 1; }
echo
echo "| task | behaviour | episodes | train acc. | held-out acc. | BC return | reference | BC / reference |"
echo "|---|---|---|---|---|---|---|---|"
for task in $TASKS; do
    for episodes in $EPISODES; do
        json=$OUT/$BEHAVIOUR-$task-$episodes.json
        [[ -s $json ]] || continue
        read -r tr ho ret ref < <(echo "$(field "$json" trainingAccuracy) $(field "$json" heldOutAccuracy) $(field "$json" policyReturn) $(field "$json" referenceReturn)")
        awk -v t="$task" -v b="$BEHAVIOUR" -v e="$episodes" -v tr="$tr" -v ho="$ho" -v r="$ret" -v f="$ref" \
            'BEGIN { printf "| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %.0f %% |\n", t, b, e, tr, ho, r, f, (f > 0 ? 100 * r / f : 0) }'
    done
done
