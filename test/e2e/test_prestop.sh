#!/usr/bin/env bash
# `prestop`, the preStop hooks, on the real cluster (rules in
# docs/lifecycle.md):
#  1. the master's prestop under a steady writer that confirms every write
#     with WAIT 1: a replica takes over, no acknowledged write is lost, the
#     longest write gap is measured (and must stay under 2 s); the old master
#     is then deleted like a terminated pod and rejoins as a replica;
#  2. prestop on a replica and on a sentinel returns at once and moves
#     nothing; a sentinel leading a failover waits until it is over;
#  3. with every sentinel down, the master's prestop returns within its
#     bound, non-zero, and leaves the master writable;
#  4. no password on any command line or in any log.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
old=$(current_master)
write_keys before 20

# ---- 1. planned switchover under the writer
writer_start switch
sleep 2
t0=$(date +%s%N)
rc=0
pod_ri "$old" prestop >>"$(e2e_pod_dir "$old")/log" 2>&1 || rc=$?
took=$((($(date +%s%N) - t0) / 1000000))
((rc == 0)) || fail_test "prestop on the master $old exited $rc (see its log)"
new=$(current_master) || fail_test "not exactly one master after prestop"
[[ $new != "$old" ]] || fail_test "prestop returned 0 but $old is still the master"
[[ $(redis_role "$old") == slave ]] || fail_test "$old is $(redis_role "$old") after prestop, want a replica"
e2e_log "prestop handed $old over to $new in $took ms"
# Counted on its data volume for the next agent's metrics (docs/observability.md).
grep -q '^last handed_over H15 ' "$(e2e_pod_dir "$old")/data/redis-init.handovers" ||
    fail_test "the handover of $old is not counted as handed_over (H15) on its data volume: $(cat "$(e2e_pod_dir "$old")/data/redis-init.handovers" 2>&1)"
sleep 2
writer_stop switch
writer_verify switch
e2e_log "switchover: issued $WRITER_ISSUED, acknowledged $WRITER_ACKED, lost 0, longest write gap $WRITER_GAP_MS ms, prestop $took ms"
((WRITER_GAP_MS < 2000)) || fail_test "write gap $WRITER_GAP_MS ms during a planned switchover, want < 2000 ms"
# The kubelet now stops the container: the pod is deleted and re-created.
# The SIGTERM that follows the hook finds the handover done: the init's own
# handover ends at once (H2, a replica) and the server stops.
pod_delete "$old"
grep -q 'msg=handover rule=H2' <(since_last_start "$old") ||
    fail_test "the init of $old did not find the handover done after prestop (H2)"
pod_create "$old"
start_redis_pod "${old##*-}"
assert_rejoined "$old" "$new" 60
assert_keys_everywhere before 20

# ---- 2. a replica and a sentinel return at once, nothing moves
replica=$(redis_pod 0)
[[ $replica != "$new" ]] || replica=$(redis_pod 1)
for p in "$replica" "$(sentinel_pod 1)"; do
    t0=$(date +%s%N)
    out=$(pod_ri "$p" prestop 2>&1) || fail_test "prestop on $p exited non-zero: $out"
    took=$((($(date +%s%N) - t0) / 1000000))
    printf '%s\n' "$out" >>"$(e2e_pod_dir "$p")/log"
    ((took < 2000)) || fail_test "prestop on $p took $took ms, want at once"
    grep -Eq 'rule=(H2|G1)' <<<"$out" || fail_test "prestop on $p: $out"
    e2e_log "prestop on $p: $took ms ($(grep -o 'reason="[^"]*"' <<<"$out" | head -1))"
done
assert_master "$new"
cluster_healthy || fail_test "prestop on a replica or a sentinel disturbed the cluster: $E2E_WHY"

# ---- 2b. a sentinel leading a failover waits for it to finish (G2, then G1)
s0=$(sentinel_pod 0)
rcli "$s0" SENTINEL FAILOVER "$E2E_MASTER_NAME" >/dev/null
out=$(pod_ri "$s0" prestop 2>&1) || fail_test "prestop on $s0 leading a failover exited non-zero: $out"
printf '%s\n' "$out" >>"$(e2e_pod_dir "$s0")/log"
grep -q 'rule=G2' <<<"$out" && grep -q 'rule=G1' <<<"$out" ||
    fail_test "prestop on $s0 did not wait for the failover it leads: $out"
wait_healthy 60 || fail_test "not healthy after the failover $s0 led: $E2E_WHY"
new=$(current_master)
e2e_log "prestop on $s0 waited for its failover; master now $new"

# ---- 3. every sentinel down: bounded, non-zero, the master stays writable
for i in 0 1 2; do stop_pod "$(sentinel_pod "$i")" 5; done
t0=$(date +%s%N)
rc=0
pod_ri "$new" prestop --set lifecycle.prestop-timeout=3000 >>"$(e2e_pod_dir "$new")/log" 2>&1 || rc=$?
took=$((($(date +%s%N) - t0) / 1000000))
((rc == 69)) || fail_test "prestop with no sentinel exited $rc, want 69"
((took < 4000)) || fail_test "prestop with no sentinel took $took ms, bound 3000 ms"
grep -q 'rule H3' "$(e2e_pod_dir "$new")/log" || fail_test "prestop with no sentinel did not say why (rule H3)"
[[ $(redis_role "$new") == master ]] || fail_test "$new is no longer master after a failed prestop"
[[ $(rcli "$new" SET after-prestop yes | tr -d '\r') == OK ]] || fail_test "$new does not accept writes after a failed prestop"
e2e_log "prestop with every sentinel down: exit 69 in $took ms, master writable"

assert_no_secret_leaks
e2e_log "prestop OK"
