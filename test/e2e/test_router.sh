#!/usr/bin/env bash
# The master router: HAProxy rendered by `redis-init router`, in a pod of its
# own, reached by an application pod through its service name as the
# service user.
#  1. It reaches the master (and only it: replicas are never routed to).
#  2. The master pod is killed: the router reaches the new master within the
#     failover window (the switch time is printed).
#  3. The new master is cut off from the sentinels and replicas but not from
#     the router: it stays role:master (stale), the sentinels fail over, and
#     from then on no write through the router lands on it.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
app=app-0
pod_create "$app"
start_router_pod
R=$(router_host)
rset() { svc_cli "$app" "$R" "$E2E_REDIS_PORT" SET "$1" "$2" | tr -d '\r'; }
routes_to() { [[ $(routed_to "$app") == "$1" ]]; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }

# 1. Through the router to the master.
m0=$(current_master)
wait_until 20 "router reaches $m0" routes_to "$m0" ||
    fail_test "router does not reach the master $m0 (reaches '$(routed_to "$app" || true)')"
for i in $(seq 1 10); do
    routes_to "$m0" || fail_test "connection $i through the router did not reach $m0"
done
[[ $(rset k1 v1) == OK ]] || fail_test "SET through the router failed"
[[ $(rcli "$m0" GET k1 | tr -d '\r') == v1 ]] || fail_test "the write through the router is not on $m0"
e2e_log "router -> $m0"
# HAProxy's own view: the replicas were taken down by their first check.
rlog="$(e2e_pod_dir "$(router_pod)")/log"
for p in $(running_redis_pods); do
    if [[ $p == "$m0" ]]; then ! grep -q "Server master/$p is DOWN" "$rlog" || fail_test "router marked the master $p DOWN"
    else grep -q "Server master/$p is DOWN" "$rlog" || fail_test "router did not mark the replica $p DOWN"; fi
done

# 2. Master killed: the router follows the failover.
t0=$(date +%s.%N)
pod_delete "$m0" --kill
new_master() { local m; m=$(current_master) && [[ $m != "$m0" ]] && routes_to "$m"; }
wait_until 60 "router reaches a new master" new_master || fail_test "the router does not reach a new master after killing $m0"
switch=$(elapsed "$t0")
m1=$(current_master)
e2e_log "router -> $m1 after killing $m0: ${switch}s (down-after ${E2E_DOWN_AFTER:-2000} ms)"
# Failover window: down-after + election + promotion, plus the router's
# detection (inter 1 s, rise 2 at 500 ms) and this poll.
awk -v s="$switch" 'BEGIN {exit !(s < 15)}' || fail_test "router switch took ${switch}s, over 15 s"
[[ $(rset k2 v2) == OK ]] || fail_test "SET through the router after the failover failed"
[[ $(rcli "$m1" GET k2 | tr -d '\r') == v2 ]] || fail_test "the write after the failover is not on $m1"
pod_create "$m0"
start_redis_pod "${m0##*-}"
assert_rejoined "$m0" "$m1" 60
routes_to "$m1" || fail_test "router left $m1 when $m0 came back"

# 3. The master partitioned from the sentinels and the replicas (not from the
# router): a stale master. Nothing may be routed to it once the sentinels
# have moved on.
peers=()
for p in $(running_redis_pods) $(running_sentinel_pods); do [[ $p == "$m1" ]] || peers+=("$p"); done
mark=$(wc -l <"$rlog")
pod_partition "$m1" "${peers[@]}"
moved_on() {
    local a m
    a=$(sentinel_master_addr "$(sentinel_pod 0)")
    m=$(pod_of_fqdn "${a%% *}") && [[ $m != "$m1" && $(redis_role "$m") == master ]]
}
wait_until 60 "sentinels fail over away from the partitioned $m1" moved_on || fail_test "no failover away from $m1"
t2=$(date +%s.%N)
a=$(sentinel_master_addr "$(sentinel_pod 0)")
m2=$(pod_of_fqdn "${a%% *}")
[[ $(redis_role "$m1") == master ]] || fail_test "$m1 is no longer master: the partition did not make a stale master"
wait_until 20 "router reaches $m2" routes_to "$m2" ||
    fail_test "router does not reach $m2 (reaches '$(routed_to "$app" || true)')"
e2e_log "stale master $m1, sentinels name $m2; router there $(elapsed "$t2")s after the failover was visible"
for i in $(seq 1 20); do
    [[ $(rset "p:$i" "v$i") == OK ]] || fail_test "SET p:$i through the router failed"
done
for i in $(seq 1 20); do
    [[ $(rcli "$m2" GET "p:$i" | tr -d '\r') == "v$i" ]] || fail_test "p:$i is not on the new master $m2"
    [[ -z $(rcli "$m1" GET "p:$i" | tr -d '\r') ]] || fail_test "p:$i reached the stale master $m1"
done
[[ $(redis_role "$m1") == master ]] || fail_test "$m1 stopped being a stale master during the test"
grep -q "Server master/$m1 is DOWN" < <(tail -n +"$((mark + 1))" "$rlog") || fail_test "router did not mark the stale master $m1 DOWN"
pod_heal "$m1"
wait_healthy 60 || fail_test "not healthy after the partition healed: $E2E_WHY"
[[ $(current_master) == "$m2" ]] || fail_test "master after healing is $(current_master), want $m2"
routes_to "$m2" || fail_test "router does not reach $m2 after healing"
assert_no_secret_leaks
e2e_log "router OK: kill switch ${switch}s"
