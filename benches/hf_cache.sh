#!/usr/bin/env bash
# Verifying a Hugging Face cache offline: `aitrust init --from-hf-cache` (hashes every blob and compares it with
# its name) side by side with what a user would otherwise run on the same blobs:
#   - huggingface_hub's own verifier routine (`compute_file_hash`, what `hf cache verify` uses per file; the
#     command itself needs the Hub to list the files, so it cannot run offline),
#   - `sha256sum` over the LFS blobs (no comparison with names; the floor).
# Usage: benches/hf_cache.sh [MiB per weights file] [files]   (default 512 × 4; needs python3 + huggingface_hub)
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-512}; count=${2:-4}
cargo build --release --quiet
bin=$PWD/target/release/aitrust
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$work/hub" "$mib" "$count" <<'PY'
import hashlib, os, pathlib, sys
cache, mib, count = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
repo = cache / "models--acme--big"
rev = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf"
def add(path, content, lfs):
    blob = hashlib.sha256(content).hexdigest() if lfs else hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    (repo / "blobs" / blob).write_bytes(content)
    link = repo / "snapshots" / rev / path
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink("../" * (path.count("/") + 2) + "blobs/" + blob, link)
for i in range(count):
    add(f"model-{i:05}.safetensors", os.urandom(mib << 20), True)
for i in range(20):
    add(f"config-{i}.json", os.urandom(4096), False)
(repo / "refs").mkdir(); (repo / "refs" / "main").write_text(rev)
PY
cat > "$work/hf_verify.py" <<'PY'
import pathlib, re, sys
from huggingface_hub.utils._verification import compute_file_hash
bad = 0
for blob in sorted(pathlib.Path(sys.argv[1]).glob("models--*/blobs/*")):
    algo = "sha256" if re.fullmatch(r"[0-9a-f]{64}", blob.name) else "git-sha1"
    bad += compute_file_hash(blob, algo) != blob.name
sys.exit(bad)
PY
best() { # best wall time of 3 runs, in seconds
  local b=999999
  for _ in 1 2 3; do
    local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    b=$(echo "$e - $s < $b" | bc -l | grep -q 1 && echo "$e - $s" | bc -l || echo "$b")
  done
  printf '%.3f' "$b"
}
mkdir -p "$work/p"
cat "$work"/hub/models--*/blobs/* >/dev/null   # warm the page cache
total=$((mib * count))
a=$(cd "$work/p" && best "$bin" init --force --from-hf-cache "$work/hub")
p=$(best python3 "$work/hf_verify.py" "$work/hub")
s=$(best bash -c "sha256sum $work/hub/models--*/blobs/????????????????????????????????????????????????????????????????")
echo "cache: $count × $mib MiB LFS blobs + 20 small git blobs ($total MiB); best of 3, warm page cache, $(nproc) cores"
printf '%-44s %8s s  %7.0f MiB/s\n' "aitrust init --from-hf-cache (verify + write)" "$a" "$(echo "$total / $a" | bc -l)"
printf '%-44s %8s s  %7.0f MiB/s   aitrust is %.2fx faster\n' "huggingface_hub compute_file_hash (Python)" "$p" "$(echo "$total / $p" | bc -l)" "$(echo "$p / $a" | bc -l)"
printf '%-44s %8s s  %7.0f MiB/s   aitrust is %.2fx faster\n' "sha256sum (LFS blobs only, no comparison)" "$s" "$(echo "$total / $s" | bc -l)" "$(echo "$s / $a" | bc -l)"
