#!/usr/bin/env bash
# `aitrust discover` against ripgrep on the same tree, side by side in one run. The tree has FILES files (50,000
# by default) in the proportions of a large application repository: Python (a twentieth of them load a model),
# TypeScript, Markdown, JSON and YAML, 20 to 80 lines each, in nested packages.
# Prints the best wall-clock seconds of RUNS runs and the ratio to ripgrep for:
#   rg -l 'from_pretrained'                      one literal (the least a grep-based tool must do)
#   rg -n 'from_pretrained|load_dataset|model='  the calls a grep-based discovery would look for
#   aitrust discover --format json               parsing every candidate file, matching the API table
#
#   bash benches/discover.sh [FILES] [RUNS]      (needs: ripgrep)
set -euo pipefail
cd "$(dirname "$0")/.."

files=${1:-50000}
runs=${2:-3}
cargo build --release --quiet
aitrust=$PWD/target/release/aitrust
work=$(mktemp -d "${TMPDIR:-/tmp}/aitrust-discover-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work/tree" "$files" <<'PY'
import os, random, sys
root, count = sys.argv[1], int(sys.argv[2])
random.seed(7)
kinds = [("py", 0.6), ("ts", 0.2), ("md", 0.1), ("json", 0.06), ("yaml", 0.04)]
body = [
    "def handler_{n}(request, limit=10):\n    items = fetch(request, limit)\n    return [transform(i) for i in items]\n",
    "class Service{n}:\n    def __init__(self, client):\n        self.client = client\n\n    def run(self, x):\n        return self.client.get(x)\n",
    "# configuration for the {n}th worker: retries and timeouts\nRETRIES = {n}\nTIMEOUT = 30\n",
]
loads = [
    'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("org{n}/model-{n}")\n',
    'from datasets import load_dataset\nds = load_dataset("org{n}/data-{n}")\n',
    'from openai import OpenAI\nr = OpenAI().chat.completions.create(model="gpt-4o-mini", messages=[])\n',
]
for i in range(count):
    r = random.random()
    acc = 0
    for ext, p in kinds:
        acc += p
        if r <= acc:
            break
    d = os.path.join(root, "pkg%d" % (i % 50), "mod%d" % (i % 997))
    os.makedirs(d, exist_ok=True)
    lines = []
    if ext == "py":
        lines = [random.choice(body).format(n=i) for _ in range(random.randint(5, 20))]
        if i % 20 == 0:
            lines.insert(len(lines) // 2, random.choice(loads).format(n=i))
    elif ext == "ts":
        lines = ["export function f%d_%d(x: number): number {\n  return x * %d;\n}\n" % (i, k, k) for k in range(random.randint(5, 20))]
        if i % 40 == 0:
            lines.append("import { pipeline } from '@huggingface/transformers';\nconst p = await pipeline('feature-extraction', 'Xenova/m%d');\n" % i)
    elif ext == "md":
        lines = ["Paragraph %d of the documentation, which mentions a model now and then.\n" % k for k in range(random.randint(5, 30))]
    elif ext == "json":
        lines = ['{"name": "component-%d", "version": "1.0.%d", "enabled": true}\n' % (i, i)]
    else:
        lines = ["service_%d:\n  replicas: 2\n  image: registry/app:%d\n" % (i, i)]
    with open(os.path.join(d, "f%d.%s" % (i, ext)), "w") as f:
        f.write("".join(lines))
PY
tree="$work/tree"
# warm the page cache for every tool alike
rg -c . "$tree" > /dev/null || true

. benches/common.sh

echo "== a tree of $files files ($(du -sh "$tree" | cut -f1)), best of $runs"
one=$(best rg -l 'from_pretrained' "$tree")
printf '  %-48s %8ss\n' "rg -l 'from_pretrained'" "$one"
many=$(best rg -n 'from_pretrained|load_dataset|model=' "$tree")
printf '  %-48s %8ss\n' "rg -n 'from_pretrained|load_dataset|model='" "$many"
ours=$(best "$aitrust" discover "$tree" --format json)
printf '  %-48s %8ss   (%.1fx the literal rg, %.1fx the pattern rg)\n' "aitrust discover --format json" "$ours" \
    "$(echo "$ours / $one" | bc -l)" "$(echo "$ours / $many" | bc -l)"
found=$("$aitrust" discover "$tree" --format json | python3 -c 'import json,sys; u=json.load(sys.stdin); print(sum(1 for x in u if x["status"]=="used"))')
expected=$(rg -l 'from_pretrained|load_dataset|completions.create|pipeline\(' "$tree" | wc -l)
echo "  uses found: $found used; files holding a load call (rg): $expected"
