#!/usr/bin/env bash
# Integration tests: real redis-server and redis-sentinel from rendered files.
# RI_BIN_DIR selects the binaries (bin, or the sanitizer build), E2E_SERVER
# the server (redis7, redis8, valkey8: test/servers.sh).
set -u
dir=$(dirname "$0")
pass=0 fail=0
run() {
    local out rc=0
    out=$("$@" 2>&1) || rc=$?
    printf '%s\n' "$out" | grep -v '^integration: '
    pass=$((pass + $(printf '%s\n' "$out" | grep -c '^  ok ')))
    fail=$((fail + $(printf '%s\n' "$out" | grep -c '^  FAIL ')))
    if [ "$rc" -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^  FAIL '; then
        fail=$((fail + 1)); echo "  FAIL  $* exited $rc"
    fi
}
run "$dir/test_acl_cluster.sh" plain
run "$dir/test_acl_cluster.sh" tricky
run "$dir/test_bad_input.sh"
run "$dir/test_around.sh"
run "$dir/test_install.sh"
run "$dir/test_beacon.sh"
run "$dir/test_init.sh"
run "$dir/test_tls.sh"
run "$dir/test_metrics.sh"
echo "integration (${RI_BIN_DIR:-bin}, ${E2E_SERVER:-redis7}): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
