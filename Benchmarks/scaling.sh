#!/usr/bin/env bash
# Rank-scaling benchmark of the trainer (issue #7): a fixed number of updates at several rank counts
# and embeddings, then a table of agent-tokens/s, scaling efficiency vs 1 rank, share of time in
# all-reduce, rank 0's mean time per update in each phase (forward, backward, exposed all-reduce
# wait, optimizer; ms) and peak memory per rank. Every rank runs one BLAS thread.
#
# Usage: Benchmarks/scaling.sh [--ranks "1 2 4 8"] [--embeds "64 512 768"] [--steps 20] [--batch 64]
#                              [--overlap "on"] [--bucket-kb 4096] [--reps 1]
#                              [--bin PATH] [--data DIR] [--out DIR]
# --overlap "off on" runs every point with the gradient all-reduce after backward and overlapped
# with it, alternated (--reps times each), so the two can be compared on the same (shared) machine.
# Rank counts above the machine's cores are oversubscribed (the table says so): their efficiency
# measures MPI overhead under time-sharing, not scaling.
final_field() { sed -n "s/.*\"$2\" *: *\([0-9.e+-]*\).*/\1/p" "$1" | head -n 1; }
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS="1 2 4 8"; EMBEDS="64 512 768"; STEPS=20; BATCH=64; OVERLAP="on"; BUCKET_KB=4096; REPS=1
BIN=.build/release/mtrl-dist; DATA=""; OUT=runs/scaling
while (($#)); do
    case "$1" in
        --ranks) RANKS="$2"; shift 2 ;; --embeds) EMBEDS="$2"; shift 2 ;; --steps) STEPS="$2"; shift 2 ;;
        --batch) BATCH="$2"; shift 2 ;; --overlap) OVERLAP="$2"; shift 2 ;; --bucket-kb) BUCKET_KB="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;; --bin) BIN="$2"; shift 2 ;; --data) DATA="$2"; shift 2 ;;
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
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); bucket $BUCKET_KB KiB; $STEPS updates per run"
printf "\n%-6s %-6s %-8s %-12s %-11s %-10s %-9s %-9s %-9s %-9s %-13s %s\n" embed ranks overlap tokens/s efficiency allreduce \
    fwd-ms bwd-ms wait-ms opt-ms peak-MB/rank note
for E in $EMBEDS; do
    declare -A base=()
    for R in $RANKS; do
        for ((rep = 1; rep <= REPS; rep++)); do
            for O in $OVERLAP; do
                run="$OUT/e$E-r$R-$O-$rep"
                mpirun -n "$R" "${MPI_FLAGS[@]}" "$BIN" train --env rware --algo oryx --data "$DATA" --tasks train --embed "$E" \
                    --heads 4 --batch "$BATCH" --chunk 20 --steps "$STEPS" --seed 1 --out "$run" --eval-every 0 \
                    --checkpoint-every 0 --final-eval-episodes 0 --log-every "$STEPS" --overlap-allreduce "$O" \
                    --bucket-kb "$BUCKET_KB" >"$run.log" 2>&1 \
                    || { echo "run E=$E R=$R overlap=$O failed; see $run.log"; continue; }
                f="$run/final.json"
                tps=$(final_field "$f" tokens_per_second) frac=$(final_field "$f" allreduce_fraction) mem=$(final_field "$f" peak_rss_mb)
                [[ -z "${base[$O]:-}" && $R -eq 1 ]] && base[$O]=$tps
                eff=-  # against the first 1-rank run of the same setting; none without --ranks 1
                [[ -n "${base[$O]:-}" ]] && eff=$(awk -v t="$tps" -v b="${base[$O]}" -v r="$R" 'BEGIN{printf "%.2f", t/(b*r)}')
                ms() { awk -v s="$(final_field "$f" "$1")" 'BEGIN{printf "%.1f", 1000*s}'; }
                note=""; ((R > CORES)) && note="oversubscribed ($R ranks on $CORES cores)"
                printf "%-6s %-6s %-8s %-12.0f %-11s %-10.3f %-9s %-9s %-9s %-9s %-13.0f %s\n" "$E" "$R" "$O" "$tps" "$eff" "$frac" \
                    "$(ms forward_s)" "$(ms backward_s)" "$(ms allreduce_wait_s)" "$(ms optimizer_s)" "$mem" "$note"
            done
        done
    done
    unset base
done
