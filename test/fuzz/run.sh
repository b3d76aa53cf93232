#!/usr/bin/env bash
# Run libFuzzer targets for a fixed time each and fail loudly on any finding.
#
#   test/fuzz/run.sh SECONDS build/fuzz/fuzz_X...
#
# Target fuzz_X seeds from test/fuzz/corpus/X/ (read only: new inputs go to
# a temporary directory so the repository corpus stays curated). Crash, leak
# and timeout inputs are kept in build/fuzz/artifacts/X/; to keep one as a
# regression input, fix the bug and copy it into test/fuzz/corpus/X/.
set -u

if [ $# -lt 2 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS FUZZ_BINARY..." >&2
    exit 2
fi
secs=$1; shift
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ri-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

failed=0 summary=()
for bin in "$@"; do
    base=$(basename "$bin")
    name=${base#fuzz_}
    seeds="$root/test/fuzz/corpus/$name"
    fresh="$work/$name"
    artifacts="$(cd "$(dirname "$bin")" && pwd)/artifacts/$name"
    log="$work/$name.log"
    mkdir -p "$fresh" "$artifacts"
    dirs=("$fresh")
    [ -d "$seeds" ] && dirs+=("$seeds") || echo "note: $base has no seed corpus ($seeds)" >&2

    if [ ! -x "$bin" ]; then
        summary+=("$base: FAILED (no such binary: $bin)"); failed=1; continue
    fi
    marker="$work/$name.start"; : >"$marker"
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
        "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    new=$(find "$artifacts" -type f -newer "$marker" | head -n 5 | tr '\n' ' ')
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    corpus=$(find "$fresh" -type f | wc -l)
    if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
        failed=1
        echo "=== $base FAILED (exit $rc); last lines of its log:" >&2
        tail -n 60 "$log" >&2
        summary+=("$base: FAILED exit=$rc after ${execs:-?} execs; artifacts: ${new:-$artifacts}")
    else
        summary+=("$base: ok ${secs}s ${execs:-?} execs, $corpus new corpus inputs")
    fi
done

printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    echo "fuzz: FAILED (reproduce: BINARY ARTIFACT)" >&2
    exit 1
fi
echo "fuzz: ${#summary[@]} targets ok"
