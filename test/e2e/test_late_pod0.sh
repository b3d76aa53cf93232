#!/usr/bin/env bash
# Pod 0 starts last (its node is slow): pods 1 and 2 and all sentinels are
# up first. Nobody may elect itself meanwhile (only ordinal 0 bootstraps,
# rule B3: wait); `discover` says so and, with a short deadline, gives up
# with exit 69 rather than guessing. Once pod 0 starts, all converge.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_create
r0=$(redis_pod 0)
pod_create "$r0"   # in DNS, nothing running: connections are refused
for i in 1 2; do start_redis_pod "$i"; done
for i in 0 1 2; do start_sentinel_pod "$i"; done
sleep 6

# No master anywhere, no sentinel monitoring anything, no server running:
# pods 1 and 2 answer only through redis-init's beacon (-INIT, they are
# still deciding), never PONG.
for i in 1 2; do
    p=$(redis_pod "$i")
    out=$(rcli "$p" PING 2>&1 || true)
    [[ $out == *"INIT redis-init is deciding"* ]] || fail_test "$p serves before pod 0 exists: $out"
done
for i in 0 1 2; do
    p=$(sentinel_pod "$i")
    ! rcli "$p" PING >/dev/null 2>&1 || fail_test "$p runs with no master to monitor"
done
rc=0
json=$(pod_discover "$(redis_pod 2)" --set discovery.deadline=2000) || rc=$?
[[ $rc == 69 ]] || fail_test "discover without any master exited $rc, want 69: $json"
jq -e '.decided == false and .decision.action == "wait" and (.decision.rule | startswith("B"))' >/dev/null <<<"$json" ||
    fail_test "discover without any master: $(jq -c .decision <<<"$json")"
e2e_log "discover in $(redis_pod 2) meanwhile: $(jq -c '.decision | {action, rule}' <<<"$json")"

start_redis_pod 0
wait_healthy 90 || fail_test "cluster not healthy after pod 0 started: $E2E_WHY"
assert_master "$r0"
write_keys late 10
assert_keys_everywhere late 10
# Pod 0 came well within the 30 s deadline: nobody had to exit and restart.
assert_no_restarts
e2e_log "late pod 0 OK"
