#!/usr/bin/env bash
# Hashing throughput of `aitrust hash` against `openssl dgst -sha256` and coreutils `sha256sum`, side by side
# in one run, on (a) one large file and (b) many files; prints throughput, ratios and peak memory.
#
#   bash benches/hash.sh [SINGLE_MIB] [COUNT] [EACH_MIB] [RUNS]
#
# Defaults: one 2048 MiB file; 16 files of 128 MiB; best of 3 runs. The files are made in a temporary
# directory, read once to warm the page cache (so the numbers measure hashing, not the disk), then removed.
set -euo pipefail
cd "$(dirname "$0")/.."

single_mib=${1:-2048}
count=${2:-16}
each_mib=${3:-128}
runs=${4:-3}

cargo build --release --quiet
aitrust=target/release/aitrust
work=$(mktemp -d "${TMPDIR:-/tmp}/aitrust-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

head -c $((single_mib << 20)) /dev/urandom > "$work/single.bin"
mkdir "$work/many"
for i in $(seq 1 "$count"); do head -c $((each_mib << 20)) /dev/urandom > "$work/many/part-$i.bin"; done
cat "$work/single.bin" "$work"/many/* > /dev/null

# best wall-clock seconds of $runs runs of a command; `peak` then prints the last run's peak RSS (KiB)
best() {
    local best_seconds="" seconds
    for _ in $(seq 1 "$runs"); do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null
        read -r seconds _ < "$work/time"
        if [ -z "$best_seconds" ] || awk -v a="$seconds" -v b="$best_seconds" 'BEGIN{exit !(a<b)}'; then
            best_seconds=$seconds
        fi
    done
    echo "$best_seconds"
}
peak() { cut -d' ' -f2 "$work/time"; }

report() { # name mib seconds peak
    awk -v n="$1" -v mib="$2" -v s="$3" -v kib="$4" \
        'BEGIN{ if (s < 0.01) s = 0.01; printf "  %-34s %7.2f s %8.0f MiB/s  peak %6.1f MiB\n", n, s, mib/s, kib/1024 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ printf "%.2f", b/a }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
grep -qw sha_ni /proc/cpuinfo && echo "cpu has SHA extensions (sha_ni)" || echo "cpu has no sha_ni"
echo
# compare LABEL MIB TARGET FILES...: `aitrust hash TARGET` against openssl and sha256sum on FILES
compare() {
    local label=$1 mib=$2 target=$3 target_ratio=$4
    shift 4
    echo "$label, best of $runs"
    local ours theirs coreutils ours_peak theirs_peak coreutils_peak
    ours=$(best "$aitrust" hash "$target"); ours_peak=$(peak)
    theirs=$(best openssl dgst -sha256 "$@"); theirs_peak=$(peak)
    coreutils=$(best sha256sum "$@"); coreutils_peak=$(peak)
    report "aitrust hash" "$mib" "$ours" "$ours_peak"
    report "openssl dgst -sha256 (1 process)" "$mib" "$theirs" "$theirs_peak"
    report "sha256sum" "$mib" "$coreutils" "$coreutils_peak"
    echo "  aitrust / openssl throughput:   $(ratio "$ours" "$theirs")x   (target >= $target_ratio)"
    echo "  aitrust / sha256sum throughput: $(ratio "$ours" "$coreutils")x"
    echo
}

compare "(a) one file of $single_mib MiB" "$single_mib" "$work/single.bin" 0.95 "$work/single.bin"
compare "(b) $count files of $each_mib MiB" $((count * each_mib)) "$work/many" "1.8 with 2 cores" "$work"/many/*
echo "same digests:"
diff <("$aitrust" hash "$work/single.bin" | cut -d' ' -f1) <(sha256sum "$work/single.bin" | cut -d' ' -f1) && echo "  single: yes"
diff <("$aitrust" hash "$work/many" | sort | cut -d' ' -f1) <(sha256sum "$work"/many/* | sort | cut -d' ' -f1) && echo "  many: yes"
