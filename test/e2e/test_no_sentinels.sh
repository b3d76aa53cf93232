#!/usr/bin/env bash
# No sentinel answers (all stopped, then all deleted): a restarting replica
# must still find the master by probing its peers (rules P*), never elect
# itself, and link up; the data stays.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
m=$(current_master)
write_keys nosent 20

# discover_p POD: discover --json in POD decides by probing: rule P*, follow
# the master.
discover_p() {
    local json rc=0
    json=$(pod_discover "$1") || rc=$?
    [[ $rc == 0 ]] || fail_test "discover in $1 exited $rc: $json"
    jq -e --arg mf "$(pod_fqdn "$m")" \
        '(.decision.rule | startswith("P")) and .decision.action == "follow" and (.decision.host | rtrimstr(".")) == $mf' \
        >/dev/null <<<"$json" || fail_test "discover in $1 without sentinels: want rule P*, follow $m; got: $(jq -c . <<<"$json" 2>/dev/null || echo "$json")"
    e2e_log "discover in $1: $(jq -c '.decision | {action, rule, host}' <<<"$json")"
}

# A. Sentinels stopped (their names resolve, connections are refused).
for i in 0 1 2; do stop_pod "$(sentinel_pod "$i")" 5; done
replica=$(redis_pod 2)
[[ $replica != "$m" ]] || replica=$(redis_pod 1)
stop_pod "$replica"
discover_p "$replica"
start_redis_pod "${replica##*-}"
wait_until 60 "$replica ready" redis_ready "$replica" || fail_test "$replica did not link up without sentinels"
assert_master "$m"
wait_healthy 30 || fail_test "not healthy without sentinels: $E2E_WHY"

# B. Sentinel pods deleted (NXDOMAIN), another replica re-created with a new IP.
for i in 0 1 2; do pod_delete "$(sentinel_pod "$i")"; done
for p in $(running_redis_pods); do [[ $p == "$m" || $p == "$replica" ]] || other=$p; done
pod_recreate_new_ip "$other"
discover_p "$other"
start_redis_pod "${other##*-}"
wait_until 60 "$other ready" redis_ready "$other" || fail_test "$other did not link up without sentinels"
wait_healthy 30 || fail_test "not healthy without sentinels: $E2E_WHY"
assert_master "$m"
assert_keys_everywhere nosent 20
write_keys nosent2 10
assert_keys_everywhere nosent2 10
assert_no_restarts
e2e_log "no sentinels OK"
