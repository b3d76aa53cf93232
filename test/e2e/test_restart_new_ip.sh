#!/usr/bin/env bash
# Pods come back with new IPs, as they do on Kubernetes.
#  1. A replica pod is deleted and re-created (new IP): it rejoins by name,
#     the master and the sentinels see it (no sentinel stuck on the old IP).
#  2. The master pod is deleted: the sentinels fail over to a replica; the old
#     master, re-created with a new IP, comes back as a replica of the new
#     one. Exactly one master at the end; no acknowledged write is lost.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
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
