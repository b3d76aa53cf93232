#!/usr/bin/env bash
# An empty pod 0 must not wedge the cluster (rules F1-F4, T4 of
# docs/decision.md). The master, pod 0, holds no key yet; it is killed, a
# replica is promoted and acknowledges writes (WAIT 1), and a second later
# every pod loses power. On the restart pod 0 comes up first while its
# peers' names do not resolve yet: it starts a fresh cluster (B5), fenced,
# and the sentinels wait for its first replica (T4). Before the agent, the
# pods holding every acknowledged write then refused it (D1) forever. Now,
# as soon as their names resolve, pod 0's agent sees a peer holding data,
# stops its server and decides again (F3): one master that holds every
# acknowledged write, within the bound docs/resilience.md gives. Readiness
# probes off (the agent alone), then on.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
# down-after is the e2e default (2000 ms): at 1000 ms Sentinel sometimes
# fails a freshly promoted master over once more (docs/resilience.md);
# newest_master tells which history is the newest either way.
export E2E_PROBES=off

cluster_create
r0=$(redis_pod 0)

# A fresh cluster: every volume empty, all pods at once; pod 0 starts it.
fresh_cluster() {
    local i
    [[ -z $(running_redis_pods) ]] || power_loss
    for ((i = 0; i < E2E_REDIS_N; i++)); do
        rm -rf "$(e2e_pod_dir "$(redis_pod "$i")")/data"
        mkdir -p "$(e2e_pod_dir "$(redis_pod "$i")")/data"
    done
    restart_after_outage parallel
    wait_healthy 90 || fail_test "fresh cluster not healthy: $E2E_WHY"
    assert_master "$r0"
    [[ $(info_field "$r0" keyspace db0) == "" ]] || fail_test "$r0 holds keys in a fresh cluster"
}

run=0
empty_pod0() {
    local probes=$1 w newest t0 m i t_release f3 stepdown_ms
    run=$((run + 1))
    w="f$run"
    export E2E_PROBES=$probes
    kill_pod "$r0"
    wait_failover "$r0" 30
    writer_start "$w"
    sleep 1
    newest=$(newest_master) || fail_test "cannot tell the newest history before the outage"
    power_loss
    writer_stop "$w"
    ((WRITER_ACKED > 0)) || fail_test "run $run: no write acknowledged"
    # Pod 0 first, its peers' names not yet in DNS (a new pod's record
    # appears seconds after the pod).
    for ((i = 1; i < E2E_REDIS_N; i++)); do dns_hold "$(redis_pod "$i")"; done
    start_redis_pod 0
    e2e_all_sentinels
    b5() { [[ $(redis_role "$r0") == master ]] && [[ $(since_outage "$r0") == *"rule=B5"* ]]; }
    wait_until 60 "$r0 starts a fresh cluster (B5)" b5 || fail_test "run $run: $r0 did not start fresh: $(since_outage "$r0" | grep -o 'rule=[A-Z][0-9]*' | tail -3 | tr '\n' ' ')"
    for ((i = 1; i < E2E_REDIS_N; i++)); do start_redis_pod "$i"; done
    sleep 2
    # Meanwhile: no sentinel monitors the empty master (T4).
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do
        [[ -z $(sentinel_master_addr "$(sentinel_pod "$i")") ]] ||
            fail_test "run $run: $(sentinel_pod "$i") monitors the empty fresh master"
    done
    t0=$SECONDS
    t_release=$(date +%s%3N)
    for ((i = 1; i < E2E_REDIS_N; i++)); do dns_release "$(redis_pod "$i")"; done
    wait_healthy 90 || fail_test "run $run (probes $probes): not healthy after the peers appeared: $E2E_WHY"
    m=$(current_master)
    [[ $m == "$newest" ]] || fail_test "run $run: $m is master, $newest holds the newest history"
    f3=$(grep -E 'msg="?step-down"? rule=F3' <<<"$(since_outage "$r0")" | head -1 | sed -n 's/^ts=\([^ ]*\)Z .*/\1/p')
    [[ -n $f3 ]] || fail_test "run $run: $r0 did not step down by F3"
    stepdown_ms=$(($(date -u -d "${f3/T/ }" +%s%3N) - t_release))
    writer_verify "$w"
    e2e_log "RESULT empty pod 0 run $run: probes=$probes master=$m acked=$WRITER_ACKED lost=0 stepdown_after_peers_ms=$stepdown_ms healthy_after_peers_s=$((SECONDS - t0))"
}

fresh_cluster
empty_pod0 off
fresh_cluster
empty_pod0 on
e2e_log "agent fresh OK"
