# shellcheck shell=bash
# test/lib/assert.sh: the assertions and the polling every shell suite uses
# (integration, docker, k8s, lint, e2e, the benchmark). Sourced.
#
# Counted checks, for suites that report "N passed, M failed" at the end:
#   ok MESSAGE              one check passed
#   fail MESSAGE            one check failed (the suite goes on)
#   check MESSAGE CMD...    CMD's exit status decides; its output is dropped
#   summary NAME [NOTE]     prints "NAME: N passed, M failed [NOTE]"; false if any failed
# Fatal, for suites that stop at the first failure (e2e, bench):
#   die MESSAGE             the harness itself cannot go on
#   fail_test MESSAGE       an assertion failed: the test fails here
# Polling, one interval for all (TEST_POLL_S, default 0.2 s), always bounded:
#   wait_for SECONDS CMD...             until CMD succeeds; false at the bound
#   wait_until SECONDS WHAT CMD...      the same, logging WHAT when it times out
#
# A suite may set TEST_TAG ("e2e", "docker") for the prefix of its fatal
# messages.

PASS=${PASS:-0} FAIL=${FAIL:-0}
TEST_POLL_S=${TEST_POLL_S:-0.2}

ok() { PASS=$((PASS + 1)); printf '  ok    %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf '  FAIL  %s\n' "$*"; }
check() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then ok "$what"; else fail "$what"; fi
}
summary() {
    echo "$1: $PASS passed, $FAIL failed${2:+ $2}"
    ((FAIL == 0))
}

die() {
    printf '[%s] FATAL: %s\n' "${TEST_TAG:-test}" "$*" >&2
    exit 1
}
fail_test() {
    printf '[%s] ASSERTION FAILED: %s\n' "${TEST_TAG:-test}" "$*" >&2
    exit 1
}

wait_for() {
    local end=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < end)) || return 1
        sleep "$TEST_POLL_S"
    done
}
wait_until() {
    local limit=$1 what=$2
    shift 2
    wait_for "$limit" "$@" && return 0
    printf '[%s %(%H:%M:%S)T] timeout after %ss waiting for: %s\n' "${TEST_TAG:-test}" -1 "$limit" "$what" >&2
    return 1
}
