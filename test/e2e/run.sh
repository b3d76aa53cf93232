#!/usr/bin/env bash
# run.sh [PATTERN]: run every test/e2e/test_*.sh (or those whose name
# contains PATTERN), one after the other, each in its own cluster (fresh run
# id, torn down by the test's own trap). Prints PASS/FAIL with the time of
# each, the output (with pod logs) of each failure, and a last line
# "e2e: N passed, M failed". Exits non-zero if anything failed or nothing ran.
#
# Environment: RI_BIN_DIR (default bin), E2E_ARTIFACTS (where failed tests'
# logs are kept; default /tmp/ri-e2e-artifacts), E2E_TEST_TIMEOUT (s, per
# test, default 300), E2E_SKIP (names, space-separated, not to run: listed
# in the output as not run, never silently).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export RI_BIN_DIR=${RI_BIN_DIR:-bin}
export E2E_ARTIFACTS=${E2E_ARTIFACTS:-/tmp/ri-e2e-artifacts}
timeout_s=${E2E_TEST_TIMEOUT:-300}

# Fail loudly, once, if this machine cannot run the suite at all: the tests
# are never skipped.
preflight() {
    local ns="ri-preflight-$$"
    if ((EUID != 0)); then
        echo "e2e: needs root for network namespaces (uid $EUID)" >&2
        return 1
    fi
    if ! ip netns add "$ns"; then
        echo "e2e: 'ip netns add' failed: network namespaces are unavailable (need CAP_SYS_ADMIN + CAP_NET_ADMIN)" >&2
        return 1
    fi
    ip netns del "$ns"
}

tests=()
for t in "$here"/test_*.sh; do
    [[ -z ${1:-} || $(basename "$t") == *"$1"* ]] || continue
    if [[ " ${E2E_SKIP:-} " == *" $(basename "$t" .sh) "* ]]; then
        echo "NOT RUN $(basename "$t" .sh) (E2E_SKIP)"
        continue
    fi
    tests+=("$t")
done
if ((${#tests[@]} == 0)); then
    echo "e2e: no test matches '${1:-}'" >&2
    echo "e2e: 0 passed, 1 failed"
    exit 1
fi
if ! preflight; then
    echo "e2e: 0 passed, ${#tests[@]} failed"
    exit 1
fi

mkdir -p "$E2E_ARTIFACTS"
# Ctrl-C: the running test tears its cluster down; then stop, do not go on.
trap 'echo "e2e: interrupted"; exit 130' INT TERM
passed=0 failed=0 failed_names=()
start_all=$SECONDS
for t in "${tests[@]}"; do
    name=$(basename "$t" .sh)
    out="$E2E_ARTIFACTS/$name.out"
    t0=$SECONDS
    rc=0
    # timeout sends TERM, which the test's trap turns into a full teardown.
    # --foreground keeps the test in our process group, so Ctrl-C reaches
    # it (and its trap) directly.
    E2E_TEST_NAME=$name timeout --foreground -k 30 "$timeout_s" bash "$t" >"$out" 2>&1 || rc=$?
    dt=$((SECONDS - t0))
    if ((rc == 0)); then
        passed=$((passed + 1))
        printf 'PASS  %-38s %4ds\n' "$name" "$dt"
    else
        failed=$((failed + 1))
        failed_names+=("$name")
        printf 'FAIL  %-38s %4ds (exit %d%s)\n' "$name" "$dt" "$rc" "$( ((rc == 124)) && echo ", timed out after ${timeout_s}s")"
        printf '%s\n' "---------- output of $name ($out) ----------"
        cat "$out"
        printf '%s\n' "---------- end of $name ----------"
        # The test died of Ctrl-C / TERM (its trap exits 130 / 143): stop here.
        if ((rc == 130 || rc == 143)); then
            echo "e2e: interrupted"
            break
        fi
    fi
done
echo "e2e: total $((SECONDS - start_all))s${failed_names[*]:+; failed: ${failed_names[*]}}"
echo "e2e: $passed passed, $failed failed"
((failed == 0))
