#!/usr/bin/env bash
# How `check` grows with the number of components (no hashing: Hub components, pinned, no lock).
# Usage: benches/scale.sh [BINARY] [SIZES...]   (default: target/release/aitrust, sizes 1000 10000 100000)
# Linear growth means each 10x in components costs about 10x in time.
set -euo pipefail
bin="${1:-target/release/aitrust}"
shift || true
sizes=("${@:-1000 10000 100000}")
# shellcheck disable=SC2206
sizes=(${sizes[*]})
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for n in "${sizes[@]}"; do
    python3 - "$work/p$n" "$n" <<'PY'
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
os.makedirs(path, exist_ok=True)
lines = ['schema = 1', '[project]', 'name = "scale"', '[usage]', 'purpose = "internal"',
         'deployment = "internal"', 'activities = ["serve"]']
for i in range(n):
    lines += ['[[model]]', f'id = "m{i}"', 'source = "huggingface"', f'name = "org/m{i}"',
              f'revision = "{"a" * 40}"', 'license = "apache-2.0"', 'publisher = "org"']
open(os.path.join(path, 'aibom.toml'), 'w').write('\n'.join(lines) + '\n')
PY
    for format in json table; do
        /usr/bin/time -f "$n components, check --format $format: %e s, peak %M KiB" \
            "$bin" check --manifest "$work/p$n/aibom.toml" --format "$format" --now 2026-11-22T12:00:00Z >/dev/null || true
    done
done
