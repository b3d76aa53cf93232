#!/usr/bin/env bash
# `check`, the Kubernetes probes, against the real cluster (rules in
# docs/lifecycle.md). Each verdict is asserted with its exit code and rule:
#  - healthy: every redis pod and sentinel passes readiness, liveness, startup;
#  - a replica whose link is down (R3), one in a full sync (R4), a loading
#    server (R2 for readiness while liveness and startup pass, L2), a pod with
#    no server running (R1 / L4);
#  - a master the sentinel majority no longer names (R8);
#  - a sentinel before it knows its peers (Q5), then ready once it does;
#  - no password on any command line or in any log.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_create
r0=$(redis_pod 0) r1=$(redis_pod 1) r2=$(redis_pod 2)
s0=$(sentinel_pod 0) s1=$(sentinel_pod 1) s2=$(sentinel_pod 2)
# redis-2 loads its data slowly (250 us per key), so that "loading" lasts
# long enough to be seen, and answers between every KiB it loads (by default
# a loading server serves clients only every 2 MiB: see docs/lifecycle.md).
mkdir -p "$(e2e_pod_dir "$r2")"
printf '%s\n' --set 'redis.directive=key-load-delay 250' \
    --set 'redis.directive=loading-process-events-interval-bytes 1024' >"$(e2e_pod_dir "$r2")/extra-flags"
start_cluster_ordered
wait_healthy 60 || fail_test "cluster not healthy after start: $E2E_WHY"
assert_master "$r0"

# ---- healthy: everything passes
for p in "$r0" "$r1" "$r2" "$s0" "$s1" "$s2"; do
    assert_check "$p" 0
    assert_check "$p" 0 --readiness
    assert_check "$p" 0 --liveness
    assert_check "$p" 0 --startup
done
e2e_log "healthy: every pod passes readiness, liveness and startup"

# ---- `credentials status` (issue 21): every member, as admin, holds every
# current password of the secrets; a second password shows as "others"; a
# secrets file the members have not taken shows STALE (exit 65); no value in
# its output.
status_json() { pod_ri "$r1" credentials --json "$@" status; }
all_current() { # JSON: every member answered, marks these secrets done, every user present is current, OTHERS others on USER
    jq -e --arg u "${2:-}" --argjson o "${3:-0}" '.generation as $g | (.members | length) == 6 and
        all(.members[]; .outcome == "answer" and .marker.generation == $g and .marker.phase == "done" and
            all(.users | to_entries[]; .value.current and (.value.others == (if .key == $u then $o else 0 end))))' <<<"$1" >/dev/null
}
out=$(status_json) || fail_test "credentials status on a healthy cluster exited $?: $out"
all_current "$out" || fail_test "credentials status: not every member holds every current password: $out"
svc=$(jq -r .data.SERVICE_USERNAME "$E2E_RUN_DIR/secrets.json")
newpw="new-$RANDOM-service"
newhash=$(printf %s "$newpw" | sha256sum | cut -c1-64)
for p in "$r0" "$r1" "$r2" "$s0" "$s1" "$s2"; do rcli "$p" ACL SETUSER "$svc" "#$newhash" >/dev/null; done
out=$(status_json) || fail_test "credentials status with a second password exited $?: $out"
all_current "$out" "$svc" 1 || fail_test "credentials status: the second password of $svc not seen: $out"
jq --arg p "$newpw" '.data.SERVICE_PASSWORD = $p' "$E2E_RUN_DIR/secrets.json" >"$E2E_RUN_DIR/secrets-new.json"
rcli "$r2" ACL SETUSER "$svc" "!$newhash" >/dev/null   # r2 never took the new one
rc=0; text=$(pod_ri "$r1" credentials -s "$E2E_RUN_DIR/secrets-new.json" status 2>&1) || rc=$?
[[ $rc == 65 ]] || fail_test "credentials status against secrets $r2 lacks: exit $rc, not 65: $text"
grep -q "^$(pod_fqdn "$r2"):$E2E_REDIS_PORT .*$svc STALE" <<<"$text" || fail_test "credentials status does not name $r2's stale $svc: $text"
grep -q "^$(pod_fqdn "$r0"):$E2E_REDIS_PORT .*$svc current +1" <<<"$text" || fail_test "credentials status: $r0's $svc: $text"
mapfile -t pws < <(jq -r '.data | to_entries[] | select(.key | endswith("PASSWORD")) | .value' "$E2E_RUN_DIR/secrets.json")
for pw in "$newpw" "${pws[@]}"; do
    ! grep -qF -- "$pw" <<<"$text$out" || fail_test "credentials status printed a password"
done
for p in "$r0" "$r1" "$s0" "$s1" "$s2"; do rcli "$p" ACL SETUSER "$svc" "!$newhash" >/dev/null; done
rm -f "$E2E_RUN_DIR/secrets-new.json"
e2e_log "credentials status: all current; a second password seen; a member behind the secrets named STALE (65)"

# ---- a replica whose link to the master is down: wrong masterauth, link cut
rcli "$r1" CONFIG SET masterauth wrong-password >/dev/null
rcli "$r1" CLIENT KILL TYPE master >/dev/null
wait_until 10 "$r1 link down (R3)" check_says "$r1" 75 R3 || fail_test "$r1 with its link down: $(cat "$E2E_RUN_DIR/check.err")"
assert_check "$r1" 0 --liveness
jq -j .data.REPLICA_PASSWORD "$E2E_RUN_DIR/secrets.json" | rcli "$r1" -x CONFIG SET masterauth >/dev/null
wait_until 15 "$r1 ready again" check_says "$r1" 0 R5 || fail_test "$r1 not ready after its link came back"
e2e_log "replica with its link down: R3, then ready"

# ---- data on the master, for the sync and loading cases
for ((i = 0; i < 20000; i++)); do printf 'SET load:%d %d\n' "$i" "$i"; done | rcli "$r0" >/dev/null
rcli "$r0" WAIT 2 5000 >/dev/null

# ---- a replica in a full sync: redis-1 comes back with an empty volume.
# While it waits for the master's snapshot its link is down (R3); the master
# then streams 20000 keys at 200 us each (rdb-key-save-delay), so the
# transfer itself runs for seconds (R4).
rcli "$r0" CONFIG SET rdb-key-save-delay 200 >/dev/null
stop_pod "$r1" 5
rm -rf "$(e2e_pod_dir "$r1")/data" && mkdir -p "$(e2e_pod_dir "$r1")/data"
start_redis_pod 1
wait_until 30 "$r1 in a full sync (R4)" check_says "$r1" 75 R4 || fail_test "$r1 never reported its full sync: $(cat "$E2E_RUN_DIR/check.err")"
rcli "$r0" CONFIG SET rdb-key-save-delay 0 >/dev/null
wait_until 30 "$r1 ready after the sync" check_says "$r1" 0 R5 || fail_test "$r1 not ready after its full sync"
e2e_log "replica in a full sync: R4, then ready"

# ---- a loading server: redis-2 restarts and loads 20000 keys slowly
# The keys go into the AOF's base RDB, whose loading key-load-delay slows.
aof_rewritten() { [[ $(info_field "$r2" persistence aof_rewrite_in_progress) == 0 ]]; }
rcli "$r2" BGREWRITEAOF >/dev/null
wait_until 10 "$r2 AOF rewrite done" aof_rewritten || fail_test "$r2: AOF rewrite did not finish"
stop_pod "$r2" 5
start_redis_pod 2
wait_until 30 "$r2 loading (R2)" check_says "$r2" 75 R2 || fail_test "$r2 never reported loading: $(cat "$E2E_RUN_DIR/check.err")"
assert_check "$r2" 0 --liveness
assert_check "$r2" 0 --startup
grep -q 'rule=L2' <(pod_ri "$r2" check --liveness -v 2>&1) || fail_test "$r2 liveness while loading is not L2 (LOADING counts as alive)"
wait_until 30 "$r2 ready after loading" check_says "$r2" 0 R5 || fail_test "$r2 not ready after loading"
e2e_log "loading server: readiness R2, liveness and startup pass, then ready"

# ---- no server running: fails fast, as down
stop_pod "$r2" 5
assert_check "$r2" 69
grep -q 'rule R1)' "$E2E_RUN_DIR/check.err" || fail_test "readiness without a server: $(cat "$E2E_RUN_DIR/check.err")"
assert_check "$r2" 69 --liveness
grep -q 'rule L4)' "$E2E_RUN_DIR/check.err" || fail_test "liveness without a server: $(cat "$E2E_RUN_DIR/check.err")"
assert_check "$s2" 0
start_redis_pod 2
wait_healthy 60 || fail_test "not healthy after $r2 came back: $E2E_WHY"
e2e_log "no server running: R1 / L4 (exit 69)"

# ---- a master the sentinel majority no longer names: redis-1 promoted by hand
rcli "$r1" REPLICAOF NO ONE >/dev/null
assert_check "$r1" 75
grep -q 'rule R8)' "$E2E_RUN_DIR/check.err" || fail_test "rogue master: $(cat "$E2E_RUN_DIR/check.err")"
e2e_log "stale master: $(cat "$E2E_RUN_DIR/check.err")"
assert_check "$r0" 0
wait_healthy 60 || fail_test "the sentinels did not demote $r1: $E2E_WHY"

# ---- a sentinel before it knows its peers: the other two are stopped, and
# sentinel-0 comes back with an empty conf dir.
stop_pod "$s1" 5
stop_pod "$s2" 5
pod_recreate_new_ip "$s0"
start_sentinel_pod 0
wait_until 20 "$s0 answers" check_says "$s0" 75 Q5 || fail_test "$s0 without peers: $(cat "$E2E_RUN_DIR/check.err")"
assert_check "$s0" 0 --liveness
sleep 3
assert_check "$s0" 75
start_sentinel_pod 1
start_sentinel_pod 2
wait_until 30 "$s0 ready with its peers" check_says "$s0" 0 Q6 || fail_test "$s0 not ready with its peers back: $(cat "$E2E_RUN_DIR/check.err")"
e2e_log "sentinel without peers: Q5, then ready"

wait_healthy 60 || fail_test "not healthy at the end: $E2E_WHY"
for p in "$r0" "$r1" "$r2" "$s0" "$s1" "$s2"; do assert_check "$p" 0; done
assert_no_secret_leaks
e2e_log "check OK"
