#!/usr/bin/env bash
# The resident agent keeps the history record fresh (docs/lifecycle.md):
# a cascading outage, the way a zone fails. The master is killed, the
# sentinels promote a replica, a writer gets writes acknowledged (WAIT 1)
# by it, and 0.1 to 2 s after the promotion every pod loses power; all
# restart, at once or staggered. Readiness probes are OFF in the first
# rounds (the agent alone must suffice: before it, no record named the new
# line and every acknowledged write was lost, or nothing recovered), ON in
# the last ones. Each round: one master, the pod with the newest history
# (the promoted one, rule B4), 0 acknowledged writes lost. The record's
# margin (written before the first replica attached to the new master, so
# before any WAIT 1 could be acknowledged) is measured and must be > 0.
#
# Then the planned handover: SIGTERM to a master's init (what the kubelet,
# `docker stop` or systemd send) hands over before the server stops: 0
# acknowledged writes lost, the write gap reported, probes off and on.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
# down-after is the e2e default (2000 ms): at 1000 ms Sentinel sometimes
# fails a freshly promoted master over once more (docs/resilience.md);
# newest_master tells which history is the newest either way.
export E2E_PROBES=off

cluster_up
write_keys base 20

# ms_of "LOG TIMESTAMP": epoch ms (our logfmt ts=…Z, or Redis's "05 Dec 2026 16:39:36.123").
ms_of() { date -u -d "$1" +%s%3N; }

# record_margin POD: ms from the agent's "recorded a new replication
# history" (the last one) to the first replica that attached to POD's
# server after it (Redis logs the accepted PSYNC or the full sync). Empty
# if either line is missing.
record_margin() {
    local log rec att
    log=$(since_last_start "$1")
    rec=$(grep 'msg="recorded a new replication history"' <<<"$log" | tail -1 | sed -n 's/^ts=\([^ ]*\)Z .*/\1/p')
    [[ -n $rec ]] || return 0
    # The first attach after the last record line ("1234:M 05 Dec 2026 16:57:51.785 * Partial ...").
    att=$(awk '
        /msg="recorded a new replication history"/ { att = "" ; seen = 1; next }
        seen && att == "" && /(Partial resynchronization request from .* accepted|Synchronization with replica .* succeeded)/ {
            att = $2 " " $3 " " $4 " " $5 }
        END { print att }' <<<"$log")
    [[ -n $att ]] || return 0
    echo $(($(ms_of "$att") - $(ms_of "${rec/T/ }")))
}

round=0 min_margin=
cascade() {
    local probes=$1 order=$2 delay=$3 w old newest rid margin m t0
    round=$((round + 1))
    w="c$round"
    export E2E_PROBES=$probes
    writer_start "$w"
    sleep 1
    old=$(current_master) || fail_test "round $round: not exactly one master"
    kill_pod "$old"
    wait_failover "$old" 30
    sleep "$delay"
    newest=$(newest_master) || fail_test "cannot tell the newest history before the outage"
    rid=$(info_field "$newest" replication master_replid)
    power_loss
    writer_stop "$w"
    ((WRITER_ACKED > 0)) || fail_test "round $round: no write acknowledged"
    # The record on the promoted pod's volume names its new line.
    grep -qx "replid $rid" "$(e2e_pod_dir "$newest")/data/redis-init.history" ||
        fail_test "round $round: $newest's record does not name its line $rid $delay s after the promotion: $(cat "$(e2e_pod_dir "$newest")/data/redis-init.history")"
    margin=$(record_margin "$newest")
    [[ -n $margin ]] || fail_test "round $round: no record or no replica attach in $newest's log"
    ((margin > 0)) || fail_test "round $round: $newest recorded its line $((-margin)) ms after a replica attached"
    [[ -n $min_margin ]] && ((min_margin <= margin)) || min_margin=$margin
    t0=$SECONDS
    restart_after_outage "$order"
    wait_healthy 90 || fail_test "round $round ($order, probes $probes, +$delay s): not healthy: $E2E_WHY"
    m=$(current_master)
    [[ $m == "$newest" ]] || fail_test "round $round ($order, probes $probes, +$delay s): $m is master, $newest holds the newest history"
    [[ $(since_outage "$m") == *"rule=B4"* ]] || fail_test "round $round: $m did not become master by B4"
    writer_verify "$w"
    e2e_log "RESULT cascade round $round: probes=$probes order=$order outage=+${delay}s old=$old promoted=$PROMOTED master=$m acked=$WRITER_ACKED lost=0 record_margin_ms=$margin healthy_after_s=$((SECONDS - t0))"
}

cascade off parallel 0.1
cascade off reverse 0.5
cascade off parallel 1.0
cascade off reverse 2.0
cascade on parallel 1.0
cascade on reverse 0.3
e2e_log "RESULT record margin: min $min_margin ms over $round rounds"

# ---- SIGTERM on a master: a handover before the server stops
handover() {
    local probes=$1 w old new
    export E2E_PROBES=$probes
    w="h-$probes"
    writer_start "$w"
    sleep 1
    old=$(current_master) || fail_test "handover ($probes): not exactly one master"
    stop_pod "$old" 20
    grep -q 'msg="handover done; stopping the server"' <(since_last_start "$old") ||
        fail_test "handover ($probes): $old's init did not hand over before stopping: $(since_last_start "$old" | grep -E 'handover|forward' | tail -5)"
    new=$(current_master) || fail_test "handover ($probes): not exactly one master after it"
    [[ $new != "$old" ]] || fail_test "handover ($probes): $old still master"
    grep -q 'msg="the server ended" exit_code=0' <(since_last_start "$old") ||
        fail_test "handover ($probes): the server did not end with status 0"
    sleep 1
    writer_stop "$w"
    writer_verify "$w"
    e2e_log "RESULT sigterm handover (probes $probes): $old -> $new issued=$WRITER_ISSUED acked=$WRITER_ACKED lost=0 gap=${WRITER_GAP_MS}ms"
    ((WRITER_GAP_MS < 2000)) || fail_test "handover ($probes): write gap $WRITER_GAP_MS ms, want < 2000"
    start_redis_pod "${old##*-}"
    assert_rejoined "$old" "$new" 60
}
handover off
handover on
assert_keys_everywhere base 20
e2e_log "agent cascade OK"
