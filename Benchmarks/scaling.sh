#!/usr/bin/env bash
# Rank-scaling benchmark of the trainer (issue #7): a fixed number of updates at several rank counts
# and embeddings, then a table of agent-tokens/s, scaling efficiency vs 1 rank, share of time in
# all-reduce and peak memory per rank. Every rank runs one BLAS thread.
#
# Usage: Benchmarks/scaling.sh [--ranks "1 2 4 8"] [--embeds "64 512 768"] [--steps 20] [--batch 64]
#                              [--bin PATH] [--data DIR] [--out DIR]
# Rank counts above the machine's cores are oversubscribed (the table says so): their efficiency
# measures MPI overhead under time-sharing, not scaling.
# final_field FILE KEY: a number of final.json (one JSON object; keys in any order).
final_field() { sed -n "s/.*\"$2\" *: *\([0-9.e+-]*\).*/\1/p" "$1" | head -n 1; }
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS="1 2 4 8"; EMBEDS="64 512 768"; STEPS=20; BATCH=64; BIN=.build/release/mtrl-dist; DATA=""; OUT=runs/scaling
while (($#)); do
    case "$1" in
        --ranks) RANKS="$2"; shift 2 ;; --embeds) EMBEDS="$2"; shift 2 ;; --steps) STEPS="$2"; shift 2 ;;
        --batch) BATCH="$2"; shift 2 ;; --bin) BIN="$2"; shift 2 ;; --data) DATA="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        *) echo "error: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done
[[ -x "$BIN" ]] || { swift build -c release --product mtrl-dist >/dev/null; BIN=.build/release/mtrl-dist; }
CORES=$(nproc)
MPI_FLAGS=(--oversubscribe)
[[ $(id -u) -eq 0 ]] && MPI_FLAGS+=(--allow-run-as-root)
export OPENBLAS_NUM_THREADS=1
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
rm -rf "$OUT"; mkdir -p "$OUT"
if [[ -z "$DATA" ]]; then
    DATA="$OUT/data"
    "$BIN" collect --env rware --split train --episodes 20 --out "$DATA" --seed 1 >/dev/null
fi
"$BIN" info | head -3
printf "\n%-6s %-6s %-14s %-12s %-12s %-14s %s\n" embed ranks tokens/s efficiency allreduce peak-MB/rank note
for E in $EMBEDS; do
    base=""
    for R in $RANKS; do
        run="$OUT/e$E-r$R"
        mpirun -n "$R" "${MPI_FLAGS[@]}" "$BIN" train --env rware --algo oryx --data "$DATA" --tasks train --embed "$E" \
            --heads 4 --batch "$BATCH" --chunk 20 --steps "$STEPS" --seed 1 --out "$run" --eval-every 0 \
            --checkpoint-every 0 --final-eval-episodes 0 --log-every "$STEPS" >"$run.log" 2>&1 \
            || { echo "run E=$E R=$R failed; see $run.log"; continue; }
        tps=$(final_field "$run/final.json" tokens_per_second) frac=$(final_field "$run/final.json" allreduce_fraction) mem=$(final_field "$run/final.json" peak_rss_mb)
        [[ -z "$base" ]] && base=$tps
        eff=$(awk -v t="$tps" -v b="$base" -v r="$R" 'BEGIN{printf "%.2f", t/(b*r)}')
        note=""; ((R > CORES)) && note="oversubscribed ($R ranks on $CORES cores)"
        printf "%-6s %-6s %-14.0f %-12s %-12.3f %-14.0f %s\n" "$E" "$R" "$tps" "$eff" "$frac" "$mem" "$note"
    done
done
