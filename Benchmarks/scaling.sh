#!/usr/bin/env bash
# Rank-scaling benchmark of the trainer (issues #7, #17): a fixed number of updates at several rank
# counts and embeddings, then a table of agent-tokens/s, scaling efficiency against one rank with one
# thread (per core used), share of time in all-reduce, rank 0's mean time per update in each phase
# (forward, backward, exposed all-reduce wait, optimizer; ms), computed rows per real agent-token
# (1.00 on compact batches) and peak memory per rank. It first prints the CPU, the BLAS kernel and
# raw single-thread sgemm GFLOP/s of each embedding's square product (mtrl-bench linear, when built).
#
# Usage: Benchmarks/scaling.sh [--ranks "1 2 4 8 16 8x2 4x4"] [--embeds "64 512 768"] [--steps 20]
#                              [--scaling "strong weak"] [--batch 64] [--rank-batch 4]
#                              [--overlap "on"] [--bucket-kb 4096] [--reps 1]
#                              [--bin PATH] [--data DIR] [--out DIR]
# A point R runs R ranks with one compute thread each; RxT runs R ranks with T threads each
# (--blas-threads T, each rank bound to T cores when they fit), so "16 8x2 4x4" compares layouts of
# a 16-core node. Strong scaling keeps the batch at --batch for every point; weak scaling gives every
# rank --rank-batch windows (batch = rank-batch x R). Efficiency = tokens/s / (1x1 tokens/s x R x T).
# --overlap "off on" runs every point with the gradient all-reduce after backward and overlapped
# with it, alternated (--reps times each), so the two can be compared on the same (shared) machine.
# Points above the machine's cores are oversubscribed (the table says so): their efficiency
# measures MPI overhead under time-sharing, not scaling.
final_field() { sed -n "s/.*\"$2\" *: *\([0-9.e+-]*\).*/\1/p" "$1" | head -n 1; }
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS="1 2 4 8"; EMBEDS="64 512 768"; STEPS=20; BATCH=64; OVERLAP="on"; BUCKET_KB=4096; REPS=1
SCALING="strong"; RANK_BATCH=4
BIN=.build/release/mtrl-dist; DATA=""; OUT=runs/scaling
while (($#)); do
    case "$1" in
        --ranks) RANKS="$2"; shift 2 ;; --embeds) EMBEDS="$2"; shift 2 ;; --steps) STEPS="$2"; shift 2 ;;
        --batch) BATCH="$2"; shift 2 ;; --overlap) OVERLAP="$2"; shift 2 ;; --bucket-kb) BUCKET_KB="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;; --bin) BIN="$2"; shift 2 ;; --data) DATA="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;; --scaling) SCALING="$2"; shift 2 ;; --rank-batch) RANK_BATCH="$2"; shift 2 ;;
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
BENCH=$(dirname "$BIN")/mtrl-bench
if [[ -x "$BENCH" ]]; then
    echo "raw sgemm, 1 thread, rows = batch x window x 4.4 agents (RWARE's mean):"
    OPENBLAS_NUM_THREADS=1 "$BENCH" linear --embeddings "${EMBEDS// /,}" --rows $((BATCH * 20 * 44 / 10)) | tail -n +4
fi
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); bucket $BUCKET_KB KiB; $STEPS updates per run"
printf "\n%-7s %-6s %-7s %-8s %-6s %-12s %-11s %-10s %-9s %-9s %-9s %-9s %-9s %-13s %s\n" scaling embed ranks overlap batch \
    tokens/s efficiency allreduce fwd-ms bwd-ms wait-ms opt-ms computed peak-MB/rank note
for mode in $SCALING; do
    for E in $EMBEDS; do
        declare -A base=()
        for point in $RANKS; do
            R=${point%x*} T=1
            [[ $point == *x* ]] && T=${point#*x}
            batch=$BATCH
            [[ $mode == weak ]] && batch=$((RANK_BATCH * R))
            binding=()
            if ((T > 1 && R * T <= CORES)); then binding=(--map-by "slot:PE=$T" --bind-to core); elif ((T > 1)); then binding=(--bind-to none); fi
            for ((rep = 1; rep <= REPS; rep++)); do
                for O in $OVERLAP; do
                    run="$OUT/$mode-e$E-r${R}x$T-$O-$rep"
                    mpirun -n "$R" "${MPI_FLAGS[@]}" "${binding[@]}" "$BIN" train --env rware --algo oryx --data "$DATA" --tasks train \
                        --embed "$E" --heads 4 --batch "$batch" --chunk 20 --steps "$STEPS" --seed 1 --out "$run" --eval-every 0 \
                        --checkpoint-every 0 --final-eval-episodes 0 --log-every "$STEPS" --overlap-allreduce "$O" \
                        --bucket-kb "$BUCKET_KB" --blas-threads "$T" >"$run.log" 2>&1 \
                        || { echo "run $mode E=$E ${R}x$T overlap=$O failed; see $run.log"; continue; }
                    f="$run/final.json"
                    tps=$(final_field "$f" tokens_per_second) frac=$(final_field "$f" allreduce_fraction) mem=$(final_field "$f" peak_rss_mb)
                    computed=$(awk -v c="$(final_field "$f" computed_tokens_per_second)" -v t="$tps" 'BEGIN{printf "%.2f", c/t}')
                    [[ -z "${base[$O]:-}" && $R -eq 1 && $T -eq 1 ]] && base[$O]=$tps
                    eff=-  # against the first 1x1 run of the same setting; none without --ranks 1
                    [[ -n "${base[$O]:-}" ]] && eff=$(awk -v t="$tps" -v b="${base[$O]}" -v c="$((R * T))" 'BEGIN{printf "%.2f", t/(b*c)}')
                    ms() { awk -v s="$(final_field "$f" "$1")" 'BEGIN{printf "%.1f", 1000*s}'; }
                    note=""; ((R * T > CORES)) && note="oversubscribed ($((R * T)) threads on $CORES cores)"
                    printf "%-7s %-6s %-7s %-8s %-6s %-12.0f %-11s %-10.3f %-9s %-9s %-9s %-9s %-9s %-13.0f %s\n" "$mode" "$E" "${R}x$T" "$O" \
                        "$batch" "$tps" "$eff" "$frac" "$(ms forward_s)" "$(ms backward_s)" "$(ms allreduce_wait_s)" "$(ms optimizer_s)" \
                        "$computed" "$mem" "$note"
                done
            done
        done
        unset base
    done
done
