#!/usr/bin/env bash
# The fault suite (docs/resilience.md): each case runs the WAIT 1 writer through the
# master the sentinels name and checks that every acknowledged write
# survives; each reports writes issued / acknowledged / lost, the longest
# write gap and the time to a new master (docs/resilience.md has a run).
#  1. kill the master; the old pod, re-created under a new IP with its data,
#     rejoins as a replica
#  2. (test_kill10.sh: the master killed 10 times in a row)
#  3. the master killed 2 s after every sentinel restarted: they still fail
#     over (known-sentinel / known-replica lines), within the same bound
#  4. the master partitioned from every peer for longer than down-after: the
#     majority side fails over, the isolated master refuses writes within the
#     fencing bound, and once healed it becomes a replica
#  5. one replica's volume wiped (pod 0's, made a replica first) and every
#     pod and sentinel restarted at once: the newest history wins, the
#     wiped pod resyncs
#  6. a restarting replica while another replica's name resolves but its
#     host never answers (blackholed): it still decides (follow the master)
#     well within the deadline, without a restart
#  7. a restarting replica whose own name appears in DNS only 3 s after it
#     starts: it waits for its name, then decides right
#  8. each sentinel restarted in turn: the same myid comes back, and no
#     sentinel's count of sentinels or replicas grows
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
export E2E_DOWN_AFTER=${E2E_DOWN_AFTER:-$E2E_SHORTEST_DOWN_AFTER}

cluster_up

# report CASE: the writer's figures and the time to a new master.
report() {
    writer_stop "$1"
    writer_verify "$1"
    ((WRITER_ACKED > 0)) || fail_test "$1: no write acknowledged"
    e2e_log "RESULT $1: issued=$WRITER_ISSUED acked=$WRITER_ACKED lost=0 max_gap_ms=$WRITER_GAP_MS failover_ms=${2:-n/a} second_failovers=$SECOND_FAILOVERS split_votes=$SPLIT_VOTES"
}

# ---- 1. kill the master; re-created under a new IP, it rejoins
writer_start kill
sleep 1
old=$(current_master)
kill_pod "$old"
wait_failover "$old" 30
assert_failover_fast kill
pod_recreate_new_ip "$old"
start_redis_pod "${old##*-}"
assert_rejoined_after_failover "$old" 60
report kill "$FAILOVER_MS"

# ---- 3. the master killed right after the sentinels restarted
writer_start fresh-sentinels
for i in $(seq 0 $((E2E_SENTINEL_N - 1))); do stop_pod "$(sentinel_pod "$i")" 0; done
for i in $(seq 0 $((E2E_SENTINEL_N - 1))); do start_sentinel_pod "$i"; done
for i in $(seq 0 $((E2E_SENTINEL_N - 1))); do
    wait_until 30 "$(sentinel_pod "$i") monitors" sentinel_ready "$(sentinel_pod "$i")" ||
        fail_test "$(sentinel_pod "$i") does not monitor after its restart"
done
sleep 2
old=$(current_master)
kill_pod "$old"
wait_failover "$old" 30
assert_failover_fast fresh-sentinels
start_redis_pod "${old##*-}"
assert_rejoined_after_failover "$old" 60
report fresh-sentinels "$FAILOVER_MS"

# ---- 4. partition the master, then heal
writer_start partition
sleep 1
old=$(current_master)
peers=()
for p in $(running_redis_pods) $(running_sentinel_pods); do [[ $p == "$old" ]] || peers+=("$p"); done
pod_partition "$old" "${peers[@]}"
t0=$SECONDS
wait_failover "$old" 30
# The isolated side: it refuses writes (NOREPLICAS) within the fencing bound.
fenced() { [[ $(rcli "$old" SET fence-probe 1 2>&1) == *NOREPLICAS* ]]; }
wait_until 10 "$old fenced" fenced || fail_test "partition: $old still accepts writes $((SECONDS - t0)) s after the cut"
e2e_log "partition: $old fenced after $((SECONDS - t0)) s; $PROMOTED promoted"
sleep 2
pod_heal "$old"
healed() { [[ $(redis_role "$old") == slave ]]; }
wait_until 60 "$old demoted after the heal" healed || fail_test "partition: $old is still $(redis_role "$old") after the heal"
wait_healthy 60 || fail_test "partition: not healthy after the heal: $E2E_WHY"
assert_master "$PROMOTED"
report partition "$FAILOVER_MS"

# ---- 5. pod 0's volume wiped, then everything restarted at once
writer_start wipe
r0=$(redis_pod 0)
if [[ $(current_master) == "$r0" ]]; then
    kill_pod "$r0"
    wait_failover "$r0" 30
    start_redis_pod 0
    assert_rejoined_after_failover "$r0" 60
fi
sleep 2
master=$(current_master)
power_loss
writer_stop wipe
rm -rf "$(e2e_pod_dir "$r0")/data" && mkdir -p "$(e2e_pod_dir "$r0")/data"
for i in $(seq 0 $((E2E_REDIS_N - 1))); do start_redis_pod "$i"; done
for i in $(seq 0 $((E2E_SENTINEL_N - 1))); do start_sentinel_pod "$i"; done
wait_healthy 90 || fail_test "wipe: not healthy after the restart: $E2E_WHY"
[[ $(current_master) == "$master" ]] || fail_test "wipe: $(current_master) is master, $master held the newest history"
writer_verify wipe
e2e_log "RESULT wipe: issued=$WRITER_ISSUED acked=$WRITER_ACKED lost=0 max_gap_ms=$WRITER_GAP_MS failover_ms=n/a"
n=$(rcli "$r0" DBSIZE | tr -d '\r')
((n > 0)) || fail_test "wipe: $r0 did not resync (DBSIZE $n)"
# ---- 6. a blackholed peer does not delay a restarting replica
writer_start blackhole
m=$(current_master)
mapfile -t reps < <(running_redis_pods | grep -vx "$m")
hole=${reps[0]} restarting=${reps[1]}
others=()
for p in $(running_redis_pods) $(running_sentinel_pods) "$E2E_APP_POD"; do [[ $p == "$hole" ]] || others+=("$p"); done
pod_partition "$hole" "${others[@]}"
stop_pod "$restarting" 0
t0=$(date +%s%N)
start_redis_pod "${restarting##*-}"
wait_until 20 "$restarting ready" redis_ready "$restarting" ||
    fail_test "blackhole: $restarting did not rejoin while $hole is blackholed"
e2e_log "blackhole: $restarting rejoined in $((($(date +%s%N) - t0) / 1000000)) ms with $hole blackholed"
[[ $(info_field "$restarting" replication master_host) == "$(pod_fqdn "$m")" ]] ||
    fail_test "blackhole: $restarting follows $(info_field "$restarting" replication master_host), not $m"
pod_heal "$hole"
wait_healthy 60 || fail_test "blackhole: not healthy after the heal: $E2E_WHY"
report blackhole

# ---- 7. a replica whose own name is published late
writer_start late-dns
m=$(current_master)
late=$(running_redis_pods | grep -vx "$m" | head -n 1)
stop_pod "$late" 0
dns_hold "$late"
start_redis_pod "${late##*-}"
sleep 3
[[ $(redis_role "$late" 2>/dev/null || true) != master ]] || fail_test "late-dns: $late became master"
dns_release "$late"
assert_rejoined "$late" "$m" 30
report late-dns
# ---- 8. sentinels restarted one by one
writer_start sentinel-restarts
counts() { local f; f=$(sentinel_master_field "$1" num-other-sentinels)/$(sentinel_master_field "$1" num-slaves); printf '%s' "$f"; }
want="$((E2E_SENTINEL_N - 1))/$((E2E_REDIS_N - 1))"
for i in $(seq 0 $((E2E_SENTINEL_N - 1))); do
    sp=$(sentinel_pod "$i")
    id=$(rcli "$sp" SENTINEL myid | tr -d '\r')
    stop_pod "$sp"
    start_sentinel_pod "$i"
    wait_until 30 "$sp monitors again" sentinel_ready "$sp" || fail_test "sentinel-restarts: $sp does not monitor"
    [[ $(rcli "$sp" SENTINEL myid | tr -d '\r') == "$id" ]] || fail_test "sentinel-restarts: $sp came back with another myid"
    for j in $(seq 0 $((E2E_SENTINEL_N - 1))); do
        c=$(counts "$(sentinel_pod "$j")")
        [[ $c == "$want" ]] || fail_test "sentinel-restarts: $(sentinel_pod "$j") counts $c sentinels/replicas, want $want"
    done
done
wait_healthy 60 || fail_test "sentinel-restarts: not healthy: $E2E_WHY"
report sentinel-restarts
assert_no_restarts
e2e_log "fault suite OK"
