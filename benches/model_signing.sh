#!/usr/bin/env bash
# Verifying OpenSSF model-signing bundles: aitrust (`oms-conformance verify-model`, the code `check` runs) side
# by side with the reference verifier (`model_signing verify key`, model_signing 1.1.1) on the same bundles:
# (a) one large file, (b) many small files. Best wall-clock of RUNS runs each, and the ratio.
#
#   bash benches/model_signing.sh [SINGLE_MIB] [FILES] [RUNS]     (default 300 MiB, 500 files, 3 runs)
# Needs: pip install model-signing pyopenssl; openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
single_mib=${1:-300}
files=${2:-500}
runs=${3:-3}
cargo build --release --quiet
aitrust=$PWD/target/release/aitrust
work=$(mktemp -d "${TMPDIR:-/tmp}/aitrust-msbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl ecparam -name prime256v1 -genkey -noout -out key.pem
openssl ec -in key.pem -pubout -out pub.pem 2>/dev/null
mkdir single many
head -c $((single_mib << 20)) /dev/urandom > single/weights.bin
for i in $(seq 1 "$files"); do head -c 20000 /dev/urandom > "many/part-$i.bin"; done
cat single/* many/* > /dev/null

best() { # best seconds of $runs runs of "$@" (which must succeed)
    local best_s="" s
    for _ in $(seq 1 "$runs"); do
        /usr/bin/time -f %e -o time.txt "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
        s=$(tail -1 time.txt)
        if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; fi
    done
    echo "$best_s"
}

printf '%-22s %12s %12s %8s\n' model reference aitrust ratio
for model in single many; do
    model_signing sign key --private_key key.pem --signature "$model.sig" "$model" >/dev/null
    ref=$(best model_signing verify key --public_key pub.pem --signature "$model.sig" "$model")
    ours=$(best "$aitrust" oms-conformance verify-model --method key --model-path "$PWD/$model" \
        --bundle "$PWD/$model.sig" --public-key "$PWD/pub.pem")
    label=$([ "$model" = single ] && echo "1 x ${single_mib} MiB" || echo "$files x 20 KB")
    printf '%-22s %11ss %11ss %7.1fx\n' "$label" "$ref" "$ours" "$(awk "BEGIN{print $ref/$ours}")"
done
