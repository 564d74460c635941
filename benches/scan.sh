#!/usr/bin/env bash
# The serialization scanner against the tools a user would otherwise run, side by side in one run:
#   (a) picklescan's corpus (../shared/testdata/pickle, 109 files), each tool in one call;
#   (b) one large pickle (a BINBYTES8 payload of SIZE_MIB MiB after a state dict), which must stream;
#   (c) a PyTorch-style zip checkpoint with SIZE_MIB MiB of tensor storage.
# Prints the best wall-clock seconds of RUNS runs, the ratio to aitrust, and aitrust's peak memory.
#
#   bash benches/scan.sh [SIZE_MIB] [RUNS]          (needs: pip install picklescan modelscan numpy)
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
runs=${2:-3}
cargo build --release --quiet
aitrust=$PWD/target/release/aitrust
corpus=$PWD/../shared/testdata/pickle
work=$(mktemp -d "${TMPDIR:-/tmp}/aitrust-scan-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$size_mib" <<'PY'
import os, pickle, sys, zipfile, collections
work, size = sys.argv[1], int(sys.argv[2]) << 20
state = collections.OrderedDict(("layer%d.weight" % i, i) for i in range(100))
with open(os.path.join(work, "big.pkl"), "wb") as f:
    f.write(pickle.dumps(state, protocol=4)[:-1])  # drop STOP: the payload follows in the same pickle
    f.write(b"0")  # POP the dict, then push one large bytes object and stop
    f.write(b"\x8e" + size.to_bytes(8, "little"))
    chunk = os.urandom(1 << 20)
    for _ in range(size >> 20):
        f.write(chunk)
    f.write(b".")
with zipfile.ZipFile(os.path.join(work, "checkpoint.pt"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", pickle.dumps(state, protocol=2))
    with z.open("archive/data/0", "w", force_zip64=True) as member:
        chunk = os.urandom(1 << 20)
        for _ in range(size >> 20):
            member.write(chunk)
PY
cat "$work/big.pkl" "$work/checkpoint.pt" > /dev/null

picklescan_all='import sys, os
from picklescan.scanner import scan_file_path
for root in sys.argv[1:]:
    paths = [os.path.join(root, n) for n in sorted(os.listdir(root))] if os.path.isdir(root) else [root]
    for p in paths:
        try:
            scan_file_path(p)
        except Exception:
            pass'

. benches/common.sh

row() { # name, aitrust seconds, other seconds
    printf '  %-44s %8ss   (%.1fx aitrust)\n' "$1" "$3" "$(echo "$3 / $2" | bc -l)"
}

peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

echo "== (a) picklescan corpus, 109 files, one call each"
a=$(best "$aitrust" scan "$corpus/data" "$corpus/data2")
printf '  %-44s %8ss\n' "aitrust scan" "$a"
row "picklescan (Python API, one process)" "$a" "$(best python3 -c "$picklescan_all" "$corpus/data" "$corpus/data2")"
if command -v modelscan >/dev/null; then
    row "modelscan -p data; modelscan -p data2" "$a" "$(best sh -c "modelscan -p '$corpus/data'; modelscan -p '$corpus/data2'")"
fi

echo "== (b) one ${size_mib} MiB pickle"
b=$(best "$aitrust" scan "$work/big.pkl")
printf '  %-44s %8ss   peak %s KiB\n' "aitrust scan" "$b" "$(peak "$aitrust" scan "$work/big.pkl")"
row "picklescan" "$b" "$(best python3 -c "$picklescan_all" "$work/big.pkl")"
if command -v modelscan >/dev/null; then row "modelscan" "$b" "$(best modelscan -p "$work/big.pkl")"; fi

echo "== (c) a ${size_mib} MiB PyTorch zip checkpoint"
c=$(best "$aitrust" scan "$work/checkpoint.pt")
printf '  %-44s %8ss   peak %s KiB\n' "aitrust scan" "$c" "$(peak "$aitrust" scan "$work/checkpoint.pt")"
row "picklescan" "$c" "$(best python3 -c "$picklescan_all" "$work/checkpoint.pt")"
if command -v modelscan >/dev/null; then row "modelscan" "$c" "$(best modelscan -p "$work/checkpoint.pt")"; fi
