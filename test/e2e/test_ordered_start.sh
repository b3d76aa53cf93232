#!/usr/bin/env bash
# Ordered start (StatefulSet OrderedReady): redis 0, 1, 2, each after the
# previous is ready, then sentinels 0..2. Pod 0 must be the one master, the
# replicas linked to it by host name, every sentinel monitoring it by host
# name and seeing 2 other sentinels and 2 replicas; `discover --json` in each
# kind of pod must describe exactly that.
# Then, on the same cluster, pods come back with new IPs, as they do on
# Kubernetes:
#  1. a replica pod is deleted and re-created (new IP): it rejoins by name,
#     the master and the sentinels see it (no sentinel stuck on the old IP);
#  2. the master pod is deleted: the sentinels fail over to a replica; the
#     old master, re-created with a new IP, comes back as a replica of the
#     new one. Exactly one master at the end; no write lost.
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

# ---- pods come back with new IPs
old_master=$(current_master)
write_keys before 20

# 1. Replica re-created with a new IP.
r2=$(redis_pod 2)
old_ip=$(pod_ip "$r2")
pod_recreate_new_ip "$r2"
start_redis_pod 2
e2e_log "$r2: $old_ip -> $(pod_ip "$r2")"
wait_until 60 "$r2 ready" redis_ready "$r2" || fail_test "$r2 did not rejoin after re-creation"
[[ $(info_field "$r2" replication master_host) == "$(pod_fqdn "$old_master")" ]] ||
    fail_test "$r2 follows $(info_field "$r2" replication master_host), not $old_master by name"
# The master lists it by name and online; sentinels re-resolve it (healthy
# requires no replica flagged down).
online() { rcli "$old_master" INFO replication | tr -d '\r' | grep -q "ip=$(pod_fqdn "$r2"),port=$E2E_REDIS_PORT,state=online"; }
wait_until 30 "master lists $r2 online" online || fail_test "master does not list $r2 as online"
wait_healthy 60 || fail_test "cluster not healthy after replica re-creation: $E2E_WHY"
assert_master "$old_master"
assert_keys_everywhere before 20
write_keys middle 20

# 2. Master pod deleted: failover, then it comes back with a new IP.
pod_delete "$old_master"
wait_failover "$old_master" 60
new_master=$PROMOTED
e2e_log "failed over: $old_master -> $new_master"

pod_create "$old_master"
start_redis_pod "${old_master##*-}"
assert_rejoined "$old_master" "$new_master" 60
assert_keys_everywhere before 20
assert_keys_everywhere middle 20
write_keys after 20
assert_keys_everywhere after 20
assert_discover_consistent "$old_master"
assert_no_restarts
e2e_log "restart with new IPs OK"

