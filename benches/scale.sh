#!/usr/bin/env bash
# How aitrust grows with the size of the project, with no hashing in the audits (Hub components, pinned,
# no lock): `check` (table and JSON), `report --format html` and `export cyclonedx` at each component count,
# and `init` on trees of each file count (10 small files per model directory, all hashed).
# Linear growth means each 10x costs about 10x.
#
# Usage: benches/scale.sh [BINARY]   (default: target/release/aitrust)
#   COMPONENTS="1000 10000 100000" FILES="10000 100000" to change the sizes.
set -euo pipefail
bin="$(realpath "${1:-target/release/aitrust}")"
read -r -a components <<<"${COMPONENTS:-1000 10000 100000}"
read -r -a files <<<"${FILES:-10000 100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now=2026-11-22T12:00:00Z
measure() { # measure LABEL COMMAND...
    local label="$1"
    shift
    /usr/bin/time -f "$label: %e s, peak %M KiB, exit %x" "$@" >/dev/null 2>"$work/time" || true
    tail -n 1 "$work/time"
}
for n in "${components[@]}"; do
    python3 - "$work/p$n" "$n" <<'PY'
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
os.makedirs(path, exist_ok=True)
lines = ['schema = 1', '[project]', 'name = "scale"', '[usage]', 'purpose = "internal"',
         'deployment = "internal"', 'activities = ["serve"]']
for i in range(n):
    lines += ['[[model]]', f'id = "m{i}"', 'source = "huggingface"', f'name = "org/m{i}"',
              f'revision = "{"a" * 40}"', 'license = "apache-2.0"', 'publisher = "org"']
    # every tenth model is fine-tuned from the one before: lineage work without one giant chain
    if i % 10:
        lines += [f'base_model = ["m{i - 1}"]', 'relation = "finetune"']
open(os.path.join(path, 'aibom.toml'), 'w').write('\n'.join(lines) + '\n')
PY
    manifest="$work/p$n/aibom.toml"
    for format in table json; do
        measure "$n components, check --format $format" "$bin" check --manifest "$manifest" --format "$format" --now "$now"
    done
    measure "$n components, report --format html" "$bin" report --manifest "$manifest" --format html --output "$work/p$n/report.html" --now "$now"
    measure "$n components, export cyclonedx" "$bin" export cyclonedx --manifest "$manifest" --now "$now"
done
for n in "${files[@]}"; do
    python3 - "$work/t$n" "$n" <<'PY'
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
for d in range(n // 10):
    model = os.path.join(path, 'models', f'model-{d:06d}')
    os.makedirs(model, exist_ok=True)
    open(os.path.join(model, 'config.json'), 'w').write('{"model_type": "bert"}')
    open(os.path.join(model, 'model.safetensors'), 'wb').write(d.to_bytes(8, 'little'))
    for k in range(8):
        open(os.path.join(model, f'part-{k}.txt'), 'w').write(str(k))
PY
    (cd "$work/t$n" && measure "$n files, init" "$bin" init)
done
