#!/usr/bin/env bash
# A sentinel pod is re-created: new IP, empty conf dir (emptyDir), so
# sentinel-init writes a fresh sentinel.conf. Its myid must be stable per pod
# (render_sentinel_myid, engine/render.h: Sentinel never forgets an old id,
# so a new one per restart would drift the counts): the other sentinels must still count 2 peers, not 3 (a
# forgotten-but-never-removed old id skews the quorum). All sentinels reach
# it at its new IP and keep naming the same master.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
m=$(current_master)
write_keys sent 10
s1=$(sentinel_pod 1)
id_before=$(rcli "$s1" SENTINEL myid | tr -d '\r')

for round in 1 2; do
    pod_recreate_new_ip "$s1"
    start_sentinel_pod 1
    wait_until 60 "$s1 ready" sentinel_ready "$s1" || fail_test "$s1 did not come back (round $round)"
    id=$(rcli "$s1" SENTINEL myid | tr -d '\r')
    [[ $id == "$id_before" ]] || fail_test "$s1 changed its sentinel myid: $id_before -> $id"
    # Longer than down-after: a peer that lost it (stale IP) would now flag
    # it s_down, and a second id would be counted.
    sleep 3
    wait_healthy 30 || fail_test "not healthy after re-creating $s1 (round $round): $E2E_WHY"
    assert_master "$m"
done

# Nobody remembers a stale sentinel: exactly 2 peers listed everywhere, by
# host name.
for p in $(running_sentinel_pods); do
    peers=$(rcli "$p" SENTINEL sentinels "$E2E_MASTER_NAME" | tr -d '\r' | awk 'prev == "ip" {print} {prev = $0}' | sort | paste -sd' ')
    want=$(for q in $(running_sentinel_pods); do [[ $q == "$p" ]] || pod_fqdn "$q"; echo; done | sed '/^$/d' | sort | paste -sd' ')
    [[ $peers == "$want" ]] || fail_test "$p lists peer sentinels '$peers', want '$want'"
done
# A failover still works with the re-created sentinel in the quorum.
rcli "$s1" SENTINEL failover "$E2E_MASTER_NAME" >/dev/null
moved() { local x; x=$(current_master) && [[ $x != "$m" ]]; }
wait_until 30 "failover away from $m" moved || fail_test "manual failover through $s1 did not happen"
wait_healthy 60 || fail_test "not healthy after failover: $E2E_WHY"
assert_keys_everywhere sent 10
assert_no_restarts
e2e_log "sentinel restart OK"
