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
echo "(a) one file of $single_mib MiB, best of $runs"
a_aitrust=$(best "$aitrust" hash "$work/single.bin"); a_aitrust_peak=$(peak)
a_openssl=$(best openssl dgst -sha256 "$work/single.bin"); a_openssl_peak=$(peak)
a_sha256sum=$(best sha256sum "$work/single.bin"); a_sha256sum_peak=$(peak)
report "aitrust hash" "$single_mib" "$a_aitrust" "$a_aitrust_peak"
report "openssl dgst -sha256" "$single_mib" "$a_openssl" "$a_openssl_peak"
report "sha256sum" "$single_mib" "$a_sha256sum" "$a_sha256sum_peak"
echo "  aitrust / openssl throughput:   $(ratio "$a_aitrust" "$a_openssl")x   (target >= 0.95)"
echo "  aitrust / sha256sum throughput: $(ratio "$a_aitrust" "$a_sha256sum")x"
echo
total=$((count * each_mib))
echo "(b) $count files of $each_mib MiB ($total MiB), best of $runs"
b_aitrust=$(best "$aitrust" hash "$work/many"); b_aitrust_peak=$(peak)
b_openssl=$(best openssl dgst -sha256 "$work"/many/*); b_openssl_peak=$(peak)
b_sha256sum=$(best sha256sum "$work"/many/*); b_sha256sum_peak=$(peak)
report "aitrust hash" "$total" "$b_aitrust" "$b_aitrust_peak"
report "openssl dgst -sha256 (1 process)" "$total" "$b_openssl" "$b_openssl_peak"
report "sha256sum" "$total" "$b_sha256sum" "$b_sha256sum_peak"
echo "  aitrust / openssl throughput:   $(ratio "$b_aitrust" "$b_openssl")x   (target >= 1.8 with 2 cores)"
echo "  aitrust / sha256sum throughput: $(ratio "$b_aitrust" "$b_sha256sum")x"
echo
echo "same digests:"
diff <("$aitrust" hash "$work/single.bin" | cut -d' ' -f1) <(sha256sum "$work/single.bin" | cut -d' ' -f1) && echo "  single: yes"
diff <("$aitrust" hash "$work/many" | sort | cut -d' ' -f1) <(sha256sum "$work"/many/* | sort | cut -d' ' -f1) && echo "  many: yes"
