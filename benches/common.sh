# Shared by the benchmark scripts: `best CMD…` prints the best wall-clock seconds of $runs runs of CMD (its output
# discarded, its exit status ignored).
best() {
    local best_seconds="" start end seconds
    for _ in $(seq 1 "$runs"); do
        start=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || true
        end=$(date +%s.%N)
        seconds=$(echo "$end - $start" | bc -l)
        if [ -z "$best_seconds" ] || [ "$(echo "$seconds < $best_seconds" | bc -l)" = 1 ]; then best_seconds=$seconds; fi
    done
    printf '%.3f' "$best_seconds"
}
