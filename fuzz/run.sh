#!/usr/bin/env bash
# Runs the libFuzzer targets (cargo-fuzz, nightly toolchain), each for SECONDS, seeded from the repository's
# fixtures and ../shared/testdata. Crashes land in fuzz/artifacts/<target>/; each one found becomes a
# regression test in tests/fuzz_regressions.rs.
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]     (default: 60 seconds, every target)
#   FUZZ_BUILD="--dev --sanitizer none" builds faster (what .ci/run's smoke uses); the default is cargo-fuzz's
#   own: optimized, AddressSanitizer, debug assertions on.
# Needs: rustup toolchain nightly, cargo install cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(manifest policy answers lock checklist card dsse model_signing pem cyclonedx template scan discover)
fi
shared="../shared/testdata"
corpus="fuzz/corpus"

seed() { # seed TARGET FILE...
    local dir="$corpus/$1"
    shift
    mkdir -p "$dir"
    local file
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "$dir/seed-$(sha256sum "$file" | cut -c1-16)"
    done
    return 0
}
prefixed() { # prefixed TARGET BYTE FILE...: the seed with the target's mode byte in front
    local dir="$corpus/$1" byte="$2"
    shift 2
    mkdir -p "$dir"
    local file
    for file in "$@"; do
        [ -f "$file" ] && { printf '%s' "$byte"; cat "$file"; } >"$dir/seed-$byte-$(sha256sum "$file" | cut -c1-16)"
    done
    return 0
}

shopt -s nullglob globstar
seed manifest manifests/**/aibom.toml tests/fixtures/**/aibom.toml
seed policy fuzz/seeds/policy/*
seed answers fuzz/seeds/answers/*
seed lock fuzz/seeds/lock/*
seed checklist checklists/*.toml
seed card tests/fixtures/**/README.md manifests/**/README.md "$shared"/real-models/**/README.md
seed pem "$shared"/model-signing/keys/**/*.pem fuzz/seeds/pem/*
seed cyclonedx "$shared"/cyclonedx/examples/*.json
seed template templates/*.jinja
# the serialization scanner: picklescan's corpus (pickles, zips, npy, 7z) and the fixtures' safetensors (under the
# 65536-byte input limit)
seed scan "$shared"/pickle/data/*.pkl "$shared"/pickle/data/*.zip "$shared"/pickle/data2/*.np? \
    "$shared"/pickle/data/malicious1.7z tests/fixtures/clean/models/tiny/model.safetensors
# the discovery's readers: the projects of tests/discover.rs, every kind of file in them
seed discover tests/fixtures/discover/**/*.py tests/fixtures/discover/**/*.ts tests/fixtures/discover/**/*.js \
    tests/fixtures/discover/**/*.ipynb tests/fixtures/discover/**/*.yaml tests/fixtures/discover/**/Dockerfile \
    tests/fixtures/discover/**/*.sh tests/fixtures/discover/**/Modelfile tests/fixtures/discover/**/.env
prefixed model_signing 0 "$shared"/model-signing/*/model.sig
prefixed dsse 0 fuzz/seeds/dsse/*
for statement in "$shared"/model-signing/v1.1.0-elliptic-key/model.sig; do
    python3 -c 'import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["dsseEnvelope"]["payload"]))' \
        "$statement" >"$corpus/payload.tmp"
    prefixed model_signing 1 "$corpus/payload.tmp"
    prefixed dsse 1 "$corpus/payload.tmp"
    rm -f "$corpus/payload.tmp"
done

status=0
for target in "${targets[@]}"; do
    echo "== fuzz $target for ${seconds}s"
    # -rss_limit_mb is loose because of the sanitizer's own memory; one allocation over 256 MiB is a crash.
    rc=0
    # shellcheck disable=SC2086
    cargo +nightly fuzz run ${FUZZ_BUILD:-} "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
        -max_len=65536 -print_final_stats=1 >"fuzz/last-$target.log" 2>&1 || rc=$?
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+==ERROR)' "fuzz/last-$target.log" || true
    if [ "$rc" -ne 0 ]; then
        tail -n 40 "fuzz/last-$target.log" >&2
        echo "fuzz target $target failed (exit $rc); see fuzz/last-$target.log and fuzz/artifacts/$target/" >&2
        status=1
    fi
done
exit "$status"
