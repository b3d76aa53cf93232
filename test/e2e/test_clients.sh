#!/usr/bin/env bash
# Real Sentinel-aware client libraries, as applications use them: Debian's
# python3-redis and npm's ioredis connect through the three sentinels by
# their DNS names with the service user of the secrets (no admin), from a
# pod of their own.
#  1. probe: they find the master (redis-py: SENTINEL MASTERS; ioredis:
#     SENTINEL SENTINELS + get-master-addr-by-name), write and read, subscribe
#     to the event channels, and get NOPERM for every state-changing SENTINEL
#     command (FAILOVER, SET, MONITOR, REMOVE, RESET, CONFIG SET, DEBUG).
#     Predis 1.1 (PHP), which drops its credentials on sentinel connections,
#     finds the master through the sentinels' default user, open here for
#     discovery only ([acl] sentinel-default-user = discovery), and writes
#     there as the service user; that user, without a password, gets NOPERM
#     for everything but the lookups.
#  2. run: both write and read in a loop while the master pod is killed; they
#     reach the new master after the failover, ioredis hears +switch-master,
#     and no write acknowledged by a replica (WAIT) is lost.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

e2e_need_clients
export E2E_SENTINEL_DEFAULT_USER=discovery
cluster_up
app=app-0
pod_create "$app"
S=$(sentinel_addrs)
PY=(/usr/bin/python3 "$E2E_CLIENTS_DIR/sentinel_client.py")
JS=(node "$E2E_CLIENTS_DIR/sentinel_client.js")

# 1. Probe: discovery, read/write, events, refusals.
out=$(app_exec "$app" timeout 30 "${PY[@]}" probe "$S" "$E2E_MASTER_NAME" 2>&1) ||
    fail_test "python probe through the sentinels failed: $out"
e2e_log "python probe: $out"
out=$(app_exec "$app" timeout 30 "${JS[@]}" probe "$S" "$E2E_MASTER_NAME" 2>&1) ||
    fail_test "ioredis probe through the sentinels failed: $out"
e2e_log "ioredis probe: $out"
out=$(app_exec "$app" timeout 30 php "$E2E_CLIENTS_DIR/predis_client.php" probe "$S" "$E2E_MASTER_NAME" 2>&1) ||
    fail_test "Predis through the sentinels failed: $out"
want="$(pod_fqdn "$(current_master)"):$E2E_REDIS_PORT"
[[ $(jq -r .master <<<"$out") == "$want" ]] || fail_test "Predis found $(jq -r .master <<<"$out"), want $want"
e2e_log "Predis probe (no sentinel password): $out"
anon() { pod_exec "$app" timeout 5 redis-cli -h "$(pod_fqdn "$(sentinel_pod 0)")" -p "$E2E_SENTINEL_PORT" "$@" 2>&1; }
for c in "SENTINEL masters" "SENTINEL set $E2E_MASTER_NAME quorum 1" "SENTINEL failover $E2E_MASTER_NAME" \
         "SENTINEL config get *" "INFO"; do
    # shellcheck disable=SC2086 # the command's words
    out=$(anon $c) || true
    [[ $out == *NOPERM* ]] || fail_test "the sentinels' default user was not refused $c: $out"
done

# 2. Both clients running across a failover.
old=$(current_master)
d="$E2E_RUN_DIR/apps"
mkdir -p "$d"
app_exec "$app" "${PY[@]}" run "$S" "$E2E_MASTER_NAME" py "$d/py.status" "$d/stop" >"$d/py.out" 2>&1 &
pypid=$!
app_exec "$app" "${JS[@]}" run "$S" "$E2E_MASTER_NAME" js "$d/js.status" "$d/stop" >"$d/js.out" 2>&1 &
jspid=$!
# status_ok C N: client C has done at least N successful write+read rounds.
status_ok() { [[ -f $d/$1.status ]] && (($(jq -r .ok "$d/$1.status") >= $2)); }
for c in py js; do
    wait_until 30 "$c client writing" status_ok "$c" 20 || fail_test "$c client does not write: $(cat "$d/$c.status" "$d/$c.out" 2>&1)"
done
declare -A before=([py]=$(jq -r .ok "$d/py.status") [js]=$(jq -r .ok "$d/js.status"))

pod_delete "$old" --kill
wait_failover "$old" 60
new=$PROMOTED
e2e_log "failed over: $old -> $new"
# After the failover each client completes 20 more rounds against the new master.
for c in py js; do
    wait_until 60 "$c client writing after failover" status_ok "$c" $((before[$c] + 40)) ||
        fail_test "$c client stuck after failover: $(cat "$d/$c.status" "$d/$c.out" 2>&1)"
done
m_py=$(jq -r .master "$d/py.status") m_js=$(jq -r .master "$d/js.status")
[[ $m_py == "$(pod_fqdn "$new"):$E2E_REDIS_PORT" ]] || fail_test "python client's master is $m_py, want $new"
[[ $m_js == "$(pod_ip "$new"):$E2E_REDIS_PORT" ]] || fail_test "ioredis client's master is $m_js, want $new ($(pod_ip "$new"))"
touch "$d/stop"
wait "$pypid" || fail_test "python client: $(cat "$d/py.out")"
wait "$jspid" || fail_test "ioredis client: $(cat "$d/js.out")"
e2e_log "python: $(cat "$d/py.out")"
e2e_log "ioredis: $(cat "$d/js.out")"
for c in py js; do
    jq -e '.n_missing == 0 and .acked > 0' "$d/$c.out" >/dev/null || fail_test "$c lost acknowledged writes: $(cat "$d/$c.out")"
done
jq -e --arg n "$(pod_fqdn "$new")" '[.switches[] | select(contains($n))] | length > 0' "$d/js.out" >/dev/null ||
    fail_test "ioredis heard no +switch-master to $new: $(cat "$d/js.out")"

assert_no_secret_leaks
for f in "$d"/*.out; do
    for pw in "$(jq -r .data.SERVICE_PASSWORD "$E2E_RUN_DIR/secrets.json")" "$E2E_ADMIN_PASS"; do
        ! grep -qF -- "$pw" "$f" || fail_test "a password appears in the output of $(basename "$f")"
    done
done
e2e_log "client libraries through sentinels across a failover OK"
