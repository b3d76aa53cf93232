#!/usr/bin/env bash
# Parallel start (podManagementPolicy: Parallel, or every node rebooting at
# once): all 3 redis pods and all 3 sentinels start together. The failure
# this guards against: every pod electing itself master and every sentinel
# monitoring a different one. End state: exactly one master, everyone linked
# to it, all sentinels agreeing; nobody crash-looped.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_create
# All pods exist (and are in DNS) before any container starts, as the
# StatefulSet controller creates them in one go.
for i in 0 1 2; do pod_create "$(redis_pod "$i")"; done
for i in 0 1 2; do pod_create "$(sentinel_pod "$i")"; done
for i in 0 1 2; do
    start_redis_pod "$i"
    start_sentinel_pod "$i"
done

wait_healthy 90 || fail_test "cluster not healthy: $E2E_WHY"
m=$(current_master)
e2e_log "master after parallel start: $m"
# Stable: no second master appears a few seconds later.
sleep 3
cluster_healthy || fail_test "cluster became unhealthy after converging: $E2E_WHY"
[[ $(current_master) == "$m" ]] || fail_test "master changed from $m to $(current_master)"

write_keys parallel 20
assert_keys_everywhere parallel 20
assert_discover_consistent "$(redis_pod 2)"
assert_discover_consistent "$(sentinel_pod 0)"
assert_no_restarts
e2e_log "parallel start OK"
