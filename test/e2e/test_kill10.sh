#!/usr/bin/env bash
# The fault suite, case 2 (test_faults.sh has the others): the master killed
# 10 times in a row under the WAIT 1 writer, each time after the cluster
# settled and the killed pod rejoined. A new master every time within
# down-after + 4 s (after a split vote, which Sentinel logs, 2 x
# failover-timeout later: assert_failover_fast); no acknowledged write lost.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
export E2E_DOWN_AFTER=${E2E_DOWN_AFTER:-$E2E_SHORTEST_DOWN_AFTER}

cluster_up

writer_start kill10
times=()
for i in $(seq 1 10); do
    old=$(current_master) || fail_test "kill10 #$i: not exactly one master"
    kill_pod "$old"
    wait_failover "$old" 30
    e2e_log "kill10 #$i: $FAILOVER_MS ms; sentinel events (ms after the kill): $(sentinel_timeline)"
    assert_failover_fast "kill10 #$i"
    times+=("$FAILOVER_MS")
    start_redis_pod "${old##*-}"
    assert_rejoined_after_failover "$old" 60
done
e2e_log "kill10: failover ms: ${times[*]}"
mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
writer_stop kill10
writer_verify kill10
e2e_log "RESULT kill10: issued=$WRITER_ISSUED acked=$WRITER_ACKED lost=0 max_gap_ms=$WRITER_GAP_MS failover_ms=median ${sorted[4]}-${sorted[5]}, max ${sorted[9]} second_failovers=$SECOND_FAILOVERS split_votes=$SPLIT_VOTES"

e2e_log "ten kills OK"
