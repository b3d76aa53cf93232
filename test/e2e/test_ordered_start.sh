#!/usr/bin/env bash
# Ordered start (StatefulSet OrderedReady): redis 0, 1, 2, each after the
# previous is ready, then sentinels 0..2. Pod 0 must be the one master, the
# replicas linked to it by host name, every sentinel monitoring it by host
# name and seeing 2 other sentinels and 2 replicas; `discover --json` in each
# kind of pod must describe exactly that.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_create
r0=$(redis_pod 0)

start_redis_pod 0
wait_until 60 "$r0 ready" redis_ready "$r0" || fail_test "$r0 did not become ready"
[[ $(redis_role "$r0") == master ]] || fail_test "first pod $r0 did not start as master"
for i in 1 2; do
    p=$(redis_pod "$i")
    start_redis_pod "$i"
    wait_until 60 "$p ready" redis_ready "$p" || fail_test "$p did not become ready"
    [[ $(redis_role "$p") == slave ]] || fail_test "$p is not a replica"
done
for i in 0 1 2; do
    p=$(sentinel_pod "$i")
    start_sentinel_pod "$i"
    wait_until 60 "$p ready" sentinel_ready "$p" || fail_test "$p did not become ready"
done

wait_healthy 60 || fail_test "cluster not healthy: $E2E_WHY"
assert_master "$r0"
for i in 0 1 2; do
    p=$(sentinel_pod "$i")
    addr=$(sentinel_master_addr "$p")
    [[ $addr == "$(pod_fqdn "$r0") $E2E_REDIS_PORT" ]] || fail_test "$p names '$addr'"
    [[ $(sentinel_master_field "$p" num-other-sentinels) == 2 ]] || fail_test "$p does not see 2 other sentinels"
    [[ $(sentinel_master_field "$p" num-slaves) == 2 ]] || fail_test "$p does not see 2 replicas"
done

# Data written as admin on the master reaches every replica.
write_keys ordered 20
assert_keys_everywhere ordered 20

# The decision each kind of pod would take now matches reality.
assert_discover_consistent "$r0"
assert_discover_consistent "$(redis_pod 1)"
assert_discover_consistent "$(redis_pod 2)"
assert_discover_consistent "$(sentinel_pod 1)"

# Security basics: the default user is off everywhere, the admin works
# everywhere, no password on any command line or in any log.
for p in $(running_redis_pods) $(running_sentinel_pods); do
    out=$(pod_exec "$p" timeout 5 redis-cli -p "$(pod_port "$p")" PING 2>&1 || true)
    [[ $out != *PONG* ]] || fail_test "$p answers PING without authentication"
    [[ $(rcli "$p" PING) == PONG ]] || fail_test "admin cannot PING $p"
done
assert_no_secret_leaks
assert_no_restarts
e2e_log "ordered start OK"
