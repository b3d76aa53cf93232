#!/usr/bin/env bash
# The master pod crashes (SIGKILL: a SIGTERM would hand the role over
# first, test_agent.sh) and comes back (new IP) before the sentinels have
# failed it over. down-after is long here (30 s) so the sentinels still
# name the old master while it boots.
#  1. With its data (PVC kept): it must be master again (rule S1), replicas
#     and sentinels find it at its new IP, no write lost.
#  2. With an EMPTY data dir (volume lost): it must NOT start as master (the
#     replicas would resync to nothing, bitnami/charts#26114); it asks the
#     sentinels to fail over to a replica holding the data and follows it.
# The WAIT 1 writer runs through both: no acknowledged write is lost.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

E2E_DOWN_AFTER=30000
cluster_up
r0=$(redis_pod 0)
assert_master "$r0"
write_keys first 50
# Make the master's data durable on its volume before the restart.
rcli "$r0" BGREWRITEAOF >/dev/null
sleep 1

writer_start restart
sleep 1

# 1. Restart with data.
pod_recreate_new_ip "$r0" --kill
t0=$SECONDS
start_redis_pod 0
wait_until 20 "$r0 ready" redis_ready "$r0" || fail_test "$r0 did not come back"
[[ $(redis_role "$r0") == master ]] || fail_test "$r0 came back with its data as $(redis_role "$r0"), want master"
wait_healthy 25 || fail_test "not healthy after the master came back with data: $E2E_WHY"
((SECONDS - t0 < 30)) || fail_test "recovery took longer than down-after: the sentinels may have failed over"
assert_master "$r0"
assert_keys_everywhere first 50
write_keys second 20

# 2. Restart with an empty data dir.
pod_recreate_new_ip "$r0" --wipe-data --kill
t0=$SECONDS
start_redis_pod 0
new_master=
named_master() {
    new_master=$(current_master) && [[ $new_master != "$r0" ]]
}
wait_until 25 "a replica to take over from the empty $r0" named_master ||
    fail_test "no failover to a data-holding replica (current master: $(current_master || echo none))"
took=$((SECONDS - t0))
((took < 30)) || fail_test "failover only after down-after: $r0 did not ask for it"
# Sentinel often aborts the first request (-failover-abort-no-good-slave:
# the pod's new IP makes it reset the replicas' links a moment before it
# selects one); redis-init asks the same sentinel again a second later
# (rules/failover.c). How many attempts Sentinel needs varies (a bound of
# 8 s on the whole failed once, at 9 s, on a loaded machine), so what is
# asserted is the pacing itself: each request came within 3 s of the one
# before (1 s plus a round; it was 10 s before the pacing). A request
# Sentinel refuses (NOGOODSLAVE while the replicas' links are reset, for
# 10 s in one run) is a request too.
asks=$(since_last_start "$r0" |
    sed -n 's/^ts=\([^ ]*\)Z .*msg="\(asked sentinel to fail over\|sentinel refused the failover request\).*/\1/p')
prev=
while read -r ts; do
    [[ -n $ts ]] || continue
    ms=$(date -u -d "${ts/T/ }" +%s%3N)
    [[ -z $prev ]] || ((ms - prev < 3000)) || fail_test "$r0 asked for the failover again only $((ms - prev)) ms after its last request"
    prev=$ms
done <<<"$asks"
e2e_log "empty $r0: $(grep -c . <<<"$asks") failover request(s)"
e2e_log "empty $r0 handed over to $new_master after ${took}s"
assert_rejoined "$r0" "$new_master" 30
assert_keys_everywhere first 50
assert_keys_everywhere second 20
grep -q 'rule=S2' "$(e2e_pod_dir "$r0")/log" || e2e_log "note: no rule=S2 line in $r0's log"
# The empty pod's redis-init may have exited to retry after asking for the
# failover; the others never restarted.
for p in $(running_redis_pods) $(running_sentinel_pods); do
    [[ $p == "$r0" ]] || [[ $(pod_restarts "$p") == 0 ]] || fail_test "$p restarted"
done
writer_stop restart
writer_verify restart
((WRITER_ACKED > 0)) || fail_test "no write acknowledged"
e2e_log "RESULT restart-before-failover: issued=$WRITER_ISSUED acked=$WRITER_ACKED lost=0 max_gap_ms=$WRITER_GAP_MS"
e2e_log "master restart before failover OK"
