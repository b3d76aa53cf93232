#!/usr/bin/env bash
# Webdis (the HTTP API of docs/connecting.md) behind the master router, with its own ACL
# user: webdis.json from `redis-init webdis`, Webdis 0.1.22 from a Debian
# trixie root filesystem in a pod of its own, curl from an application pod.
#  1. SET then GET over HTTP; the data is on the master.
#  2. Commands outside the HTTP allow-list are refused by Webdis (403), and
#     Webdis's Redis user could not run them anyway (NOPERM).
#  3. The master pod is killed: SET then GET over HTTP work again through the
#     router, on the new master.
#  4. A direct write to a replica is refused (read-only).
#  5. WEBDIS_PASSWORD changed in the Secret ([credentials] grace = 5 s): the
#     servers roll it out live, Webdis's agent restarts Webdis on it once
#     every server holds it, HTTP keeps working; once the old password is
#     dropped, Webdis's connections cut on the master come back (on the new
#     password).
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

export E2E_CREDS_GRACE=5000

e2e_trixie_webdis
cluster_up
app=app-0
pod_create "$app"
start_router_pod
start_webdis_pod
W="http://$(pod_fqdn "$(webdis_pod)"):7379"
# http PATH: the body; http_code PATH: the HTTP status (curl in the app pod).
http() { pod_exec "$app" curl -sS --max-time 5 "$W/$1"; }
http_code() { pod_exec "$app" curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$W/$1"; }
set_get() {  # set_get KEY VALUE: SET then GET over HTTP, exact JSON answers
    [[ $(http "SET/$1/$2") == '{"SET":[true,"OK"]}' ]] && [[ $(http "GET/$1") == "{\"GET\":\"$2\"}" ]]
}
wait_until 30 "webdis answers through the router" set_get probe ok ||
    fail_test "webdis does not SET/GET: $(http "SET/probe/ok" 2>&1 || true) $(tail -5 "$(e2e_pod_dir "$(webdis_pod)")/log")"

# 1. SET then GET over HTTP, on the master.
m0=$(current_master)
set_get greeting hello || fail_test "SET/GET over HTTP failed"
[[ $(rcli "$m0" GET greeting | tr -d '\r') == hello ]] || fail_test "the HTTP write is not on the master $m0"
[[ $(http "HSET/h/f/v") == '{"HSET":1}' ]] || fail_test "HSET over HTTP: $(http HGET/h/f)"
[[ $(http "HGET/h/f") == '{"HGET":"v"}' ]] || fail_test "HGET over HTTP: $(http HGET/h/f)"

# 2. Outside the allow-list: refused by Webdis's HTTP ACL ...
for c in FLUSHALL "CONFIG/GET/dir" "KEYS/*" "DEBUG/SLEEP/0" "ACL/LIST" "SHUTDOWN" "EVAL/return%201/0" "SUBSCRIBE/x"; do
    code=$(http_code "$c")
    [[ $code == 403 ]] || fail_test "webdis let $c through (HTTP $code): $(http "$c" 2>&1 || true)"
done
[[ $(rcli "$m0" GET greeting | tr -d '\r') == hello ]] || fail_test "data gone after the refused commands"
# ... and by Redis for Webdis's own user.
wuser=$(jq -r .data.WEBDIS_USERNAME "$E2E_RUN_DIR/secrets.json")
wcli() { REDISCLI_AUTH="$(jq -r .data.WEBDIS_PASSWORD "$E2E_RUN_DIR/secrets.json")" \
    pod_exec "$app" timeout 5 redis-cli --no-auth-warning --user "$wuser" -h "$(router_host)" -p "$E2E_REDIS_PORT" "$@"; }
[[ $(wcli GET greeting | tr -d '\r') == hello ]] || fail_test "the webdis user cannot GET through the router"
for c in FLUSHALL "CONFIG GET dir" "SCAN 0" "CLIENT LIST" "ACL LIST"; do
    # shellcheck disable=SC2086 # the command's words
    out=$(wcli $c 2>&1 || true)
    [[ $out == *NOPERM* ]] || fail_test "the webdis user may run $c: $out"
done

# 3. Failover: Webdis keeps working through the router.
pod_delete "$m0" --kill
wait_failover "$m0" 60
m1=$PROMOTED
wait_until 30 "SET/GET over HTTP after the failover" set_get after-failover yes ||
    fail_test "webdis does not SET/GET after the failover: $(http GET/after-failover 2>&1 || true)"
[[ $(rcli "$m1" GET after-failover | tr -d '\r') == yes ]] || fail_test "the HTTP write after the failover is not on $m1"
[[ $(http "GET/greeting") == '{"GET":"hello"}' ]] || fail_test "the write before the failover is gone"
e2e_log "webdis: $m0 killed, HTTP SET/GET on $m1"

# 4. A replica refuses writes.
for p in $(running_redis_pods); do
    [[ $p == "$m1" ]] && continue
    out=$(svc_cli "$app" "$(pod_fqdn "$p")" "$E2E_REDIS_PORT" SET direct x 2>&1 || true)
    [[ $out == READONLY* ]] || fail_test "a direct write to the replica $p was not refused: $out"
done

# 5. Webdis's password rotated live (every member up: a member down holds a rotation).
pod_create "$m0"
start_redis_pod "${m0##*-}"
assert_rejoined "$m0" "$m1" 60
secrets=$E2E_RUN_DIR/secrets.json
wlog=$(e2e_pod_dir "$(webdis_pod)")/log
cp -p "$secrets" "$E2E_RUN_DIR/secrets.gen1.json"
(umask 077 && W_PW="w-$(e2e_rand)-%/&# x" jq '.data.WEBDIS_PASSWORD = env.W_PW' "$secrets" >"$secrets.tmp")
mv "$secrets.tmp" "$secrets"
wait_until 30 "Webdis restarted on its new password" grep -q "restarting Webdis on it" "$wlog" ||
    fail_test "Webdis was not restarted on its new password: $(grep credentials "$wlog" | tail -3)"
wait_until 20 "SET/GET over HTTP on the new password" set_get after-rotation yes ||
    fail_test "webdis does not SET/GET after its password changed: $(tail -5 "$wlog")"
oldpw=$(jq -r .data.WEBDIS_PASSWORD "$E2E_RUN_DIR/secrets.gen1.json")
old_refused() { [[ $(rcli_as "$wuser" "$oldpw" "$m1" PING 2>&1) == *WRONGPASS* ]]; }
wait_until 40 "the old Webdis password dropped" old_refused || fail_test "the old Webdis password is still accepted"
rcli "$m1" CLIENT KILL USER "$wuser" >/dev/null
wait_until 20 "SET/GET over HTTP after Webdis reconnects" set_get after-drop yes ||
    fail_test "webdis does not SET/GET on the new password alone: $(tail -5 "$wlog")"
e2e_log "webdis: its password rotated live, restarted on it, working on the new one alone"
assert_no_secret_leaks
for lf in "$E2E_RUN_DIR"/pods/*/log; do ! grep -qF -- "$oldpw" "$lf" || fail_test "the old Webdis password appears in $lf"; done
e2e_log "webdis OK"
