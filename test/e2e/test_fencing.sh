#!/usr/bin/env bash
# Write fencing with the default settings (docs/lifecycle.md, "Write
# fencing"): the master is cut off from both replicas (nftables in its
# namespace); a client next to it (on its loopback) keeps writing. The
# master must accept no write later than min-replicas-max-lag + 2 s + 0.1 s
# (7.1 s) after the cut, refuse them (-NOREPLICAS) from then on, and accept
# them again once healed. (The last write accepted is what bounds it: the
# first refusal comes up to one write interval later. 0.1 s: Redis's clock
# is cached at hz 10; a rehearsal saw the first refusal at 7039 ms.)
# down-after is long here, so no failover interferes: this measures the
# fencing bound alone.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

E2E_DOWN_AFTER=60000
cluster_up
m=$(current_master)
[[ $(info_field "$m" replication min_slaves_good_slaves) == 2 ]] ||
    fail_test "$m does not count 2 good replicas before the cut"
[[ $(rcli "$m" CONFIG GET min-replicas-max-lag | tr -d '\r' | tail -1) == 5 ]] ||
    fail_test "min-replicas-max-lag is not the default 5 s"

others=()
for p in $(running_redis_pods); do [[ $p == "$m" ]] || others+=("$p"); done
pod_partition "$m" "${others[@]}"
t0=$(date +%s%N)
last_ok=0 fenced=
for ((i = 0; i < 200; i++)); do
    out=$(rcli "$m" SET fence:$i x 2>&1 | tr -d '\r') || true
    now=$((($(date +%s%N) - t0) / 1000000))
    if [[ $out == OK ]]; then
        last_ok=$now
    elif [[ $out == NOREPLICAS* ]]; then
        fenced=$now
        break
    else
        fail_test "unexpected reply while the master is cut off: $out"
    fi
    sleep 0.1
done
[[ -n $fenced ]] || fail_test "the isolated master $m still accepted writes after 20 s"
e2e_log "isolated master $m: last write accepted at ${last_ok} ms, refused (NOREPLICAS) from ${fenced} ms after the cut"
((last_ok <= 7100)) || fail_test "the isolated master accepted a write $last_ok ms after the cut, want <= min-replicas-max-lag + 2.1 s = 7100 ms"
((last_ok >= 3000)) || fail_test "writes refused from $fenced ms, long before min-replicas-max-lag (5 s) could have passed"

pod_heal "$m"
ok_again() { [[ $(rcli "$m" SET fence:healed y 2>&1 | tr -d '\r') == OK ]]; }
wait_until 20 "$m accepts writes again" ok_again || fail_test "$m does not accept writes after the heal"
wait_healthy 60 || fail_test "not healthy after the heal: $E2E_WHY"
assert_master "$m"
e2e_log "fencing OK"
