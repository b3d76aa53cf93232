#!/usr/bin/env bash
# TLS end to end (docs/tls.md): a 3+3 cluster with [tls] mode = on and
# client certificates required (E2E_TLS=on: a development CA and a
# certificate per pod from tools/tls-certs.sh, naming the pod's FQDN only).
# One cluster for every case:
#   1. ordered start, healthy; no pod listens in plain text, and a plain-text
#      client gets nothing; check and prestop verify the pod's own name on
#      127.0.0.1 (no localhost or IP SAN);
#      redis-py, ioredis and node-redis find the master through the TLS
#      sentinels as the service user (host names verified), write, read,
#      subscribe, and are refused every state-changing SENTINEL command;
#   2. the master killed under the WAIT 1 writer (TLS to the sentinels and
#      the master): failover, 0 acknowledged writes lost; the pod network
#      captured meanwhile (test/tools/capture.py on the bridge's ports) carries
#      the writer's TLS handshakes naming the pods (SNI) and not one plain-text AUTH,
#      password or key name;
#   3. the CA rolled over by a bundle in three steps under the writer, each
#      published as kubelet does (..data swapped): both CAs trusted; every
#      certificate renewed (new keys) by the new CA: every server presents
#      its new one within seconds, without a restart, every sentinel
#      restarts in place, one at a time while the others keep the quorum,
#      and presents its new one; the old CA dropped. 0 lost in each step;
#      at the end every pod presents a certificate of the new CA alone;
#   4. prestop on the new master: a handover over TLS, 0 lost;
#   5. a sentinel stopped and started again: the two others keep the
#      quorum meanwhile (CKQUORUM), it rejoins and names the master;
#   6. a cold restart of everything, in parallel: the newest history wins
#      (B4), 0 lost.
# Beside them the router (HAProxy, `router --run`) and Webdis (`webdis
# --run`) over TLS: the router's certificate verified as its Service name,
# a client without a certificate refused, requests through both before and
# after the failover and the cold restart; in 3. the router presents its
# renewed certificate through the runtime API while a connection held
# through it keeps working, takes a new CA bundle by a restart, and Webdis
# is restarted for its own.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
export E2E_TLS=on
export E2E_DOWN_AFTER=${E2E_DOWN_AFTER:-$E2E_SHORTEST_DOWN_AFTER}

cluster_up
m=$(current_master)
grep -q '^tls-port ' "$(e2e_pod_dir "$m")/conf/redis.conf" || fail_test "$m runs without TLS"

# 1. Nothing in plain text: every listener of every pod is a TLS port.
for p in $(running_redis_pods) $(running_sentinel_pods); do
    ports=$(ip netns exec "$(e2e_netns_of "$p")" ss -Hltn | awk '{print $4}' | sed 's/.*://' | sort -u | paste -sd' ')
    [[ $ports == "$(pod_port "$p")" ]] || fail_test "$p listens on ports '$ports', want only its TLS port $(pod_port "$p")"
done
plain=$(REDISCLI_AUTH="$E2E_ADMIN_PASS" ip netns exec "$(e2e_netns_of "$m")" \
    timeout 3 redis-cli --user "$E2E_ADMIN_USER" -h 127.0.0.1 -p "$E2E_REDIS_PORT" PING 2>&1) || true
[[ $plain != *PONG* ]] || fail_test "a plain-text client got an answer from $m"
for p in "$m" "$(sentinel_pod 0)"; do
    [[ $(check_rc "$p") == 0 ]] || fail_test "check on $p over TLS: $(tail -1 "$E2E_RUN_DIR/check.err")"
done
e2e_log "TLS only: every pod listens on its TLS port alone; check verifies the pods' own names"
e2e_need_clients
pod_exists app-0 || pod_create app-0
for script in sentinel_client.py sentinel_client.js node_redis_client.js; do
    c=node
    [[ $script != *.py ]] || c=/usr/bin/python3
    out=$(RI_TLS_DIR=$(e2e_tls_dir app-0) app_exec app-0 timeout 30 "$c" "$E2E_CLIENTS_DIR/$script" probe \
        "$(sentinel_addrs)" "$E2E_MASTER_NAME" 2>&1) || fail_test "$script through the TLS sentinels: $out"
    [[ $out =~ \"tls\":\ ?true ]] || fail_test "$script did not use TLS: $out"
    e2e_log "$script through the TLS sentinels: $out"
done

# The router and Webdis over TLS: HAProxy terminates TLS with the router's
# certificate (it names the router's Service, verified by the clients) and
# speaks TLS to the master, verifying its name; Webdis speaks TLS to it.
start_router_pod
start_webdis_pod
R=$(router_host) W="http://$(pod_fqdn "$(webdis_pod)"):7379"
routes_to() { [[ $(routed_to app-0) == "$1" ]]; }
http() { pod_exec app-0 curl -sS --max-time 5 "$W/$1"; }
webdis_rw() { [[ $(http "SET/$1/$2") == '{"SET":[true,"OK"]}' && $(http "GET/$1") == "{\"GET\":\"$2\"}" ]]; }
wait_until 20 "the router reaches $m over TLS" routes_to "$m" ||
    fail_test "the router does not reach $m over TLS: $(tail -5 "$(e2e_pod_dir "$(router_pod)")/log")"
d=$(e2e_tls_dir app-0)
verified=$(pod_exec app-0 openssl s_client -connect "$R:$E2E_REDIS_PORT" -verify_hostname "$R" \
    -verify_return_error -CAfile "$d/ca.crt" -cert "$d/tls.crt" -key "$d/tls.key" </dev/null 2>&1) || true
grep -q 'Verify return code: 0 (ok)' <<<"$verified" || fail_test "the router's certificate does not verify as $R"
nocert=$(REDISCLI_AUTH=x pod_exec app-0 timeout 5 redis-cli --tls --cacert "$d/ca.crt" -h "$R" \
    -p "$E2E_REDIS_PORT" --no-auth-warning PING 2>&1) || true
[[ $nocert != *PONG* && $nocert != *WRONGPASS* ]] || fail_test "the router let a client without a certificate in: $nocert"
wait_until 20 "webdis answers through the router over TLS" webdis_rw w1 before ||
    fail_test "webdis over TLS: $(http GET/w1 2>&1 || true) $(tail -5 "$(e2e_pod_dir "$(webdis_pod)")/log")"
e2e_log "router and webdis over TLS to $m; the router verifies as $R; no certificate, no entry"

# 2. The master killed under the writer, the pod network captured.
cap=$E2E_RUN_DIR/capture.bin
ip netns exec "$E2E_NETNS" /usr/bin/python3 "$E2E_REPO_DIR/test/tools/capture.py" record any 8 \
    "$cap" >"$cap.summary" 2>&1 &
cap_pid=$!
writer_start kill
sleep 1
kill_pod "$m"
wait_failover "$m" 30
wait "$cap_pid" || fail_test "the capture failed: $(cat "$cap.summary")"
[[ $(cat "$cap.summary") =~ payload_bytes=([0-9]+) ]] && ((BASH_REMATCH[1] > 20000)) ||
    fail_test "the capture saw too little: $(cat "$cap.summary")"
# The writer starts inside the window: its handshake with the first
# sentinel names it (SNI), the proof that the capture saw our traffic.
found=$(/usr/bin/python3 "$E2E_REPO_DIR/test/tools/capture.py" find "$cap" "$E2E_RUN_DIR/secrets.json" \
    "$(pod_fqdn "$(sentinel_pod 0)")")
grep -qx 'sni=yes' <<<"$found" || fail_test "no TLS handshake naming $(sentinel_pod 0) was captured"
# And that the search finds clear text where there is some.
printf '*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n' "${#E2E_ADMIN_PASS}" "$E2E_ADMIN_PASS" >"$cap.control"
control=$(/usr/bin/python3 "$E2E_REPO_DIR/test/tools/capture.py" find "$cap.control" "$E2E_RUN_DIR/secrets.json" x)
grep -q '^found: RESP AUTH' <<<"$control" && grep -q '^found: ADMIN_PASSWORD' <<<"$control" ||
    fail_test "the capture search misses a plain-text AUTH: $control"
! grep -q '^found:' <<<"$found" || fail_test "the pod network carried in clear text: $(grep '^found:' <<<"$found" | paste -sd' ')"
e2e_log "pod network captured during the failover: $(cat "$cap.summary"), TLS only, no AUTH, no password"
assert_failover_fast "TLS master kill"
sleep 2
writer_stop kill
writer_verify kill
e2e_log "master kill: $m -> $PROMOTED in $FAILOVER_MS ms; issued $WRITER_ISSUED, acked $WRITER_ACKED, lost 0"
wait_until 30 "the router reaches $PROMOTED over TLS" routes_to "$PROMOTED" ||
    fail_test "the router does not reach the new master $PROMOTED over TLS"
wait_until 30 "webdis after the failover" webdis_rw w2 after ||
    fail_test "webdis over TLS after the failover: $(http GET/w2 2>&1 || true)"
e2e_log "router and webdis over TLS on the new master $PROMOTED"
start_redis_pod "${m##*-}"
assert_rejoined_after_failover "$m" 60

# 3. Every certificate renewed, and the CA rolled over by a bundle
# (docs/tls.md "Rotation", "CA rollover"), each step under the writer:
# (1) every pod and the client trust both CAs, (2) every certificate is
# renewed (new keys) by the new CA, (3) the old CA is dropped. Each pod
# takes each step once: the servers by CONFIG SET without a restart, the
# sentinels by a restart in turn (the others keeping the quorum), the
# router a new bundle by a restart and renewed certificates at run time
# (a connection held through it keeps working), Webdis by a restart. At
# the end every pod presents a certificate of the new CA, verified with
# the new CA alone; 0 acknowledged writes lost in every step.
t=$E2E_RUN_DIR/tls
"$E2E_REPO_DIR/tools/tls-certs.sh" ca "$t/ca2" "redis-init e2e CA two $E2E_RUN_ID"
cat "$t/ca/ca.crt" "$t/ca2/ca.crt" >"$t/bundle.crt"
# fingerprint HOST PORT FROM: what HOST:PORT presents to a client in pod FROM.
fingerprint() {
    pod_exec "$3" openssl s_client -connect "$1:$2" -CAfile "$t/app-0/ca.crt" -cert "$d/tls.crt" \
        -key "$d/tls.key" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null
}
# presents POD VERSION: POD (or the router) presents its certificate of VERSION.
presents() {
    local host port=$E2E_REDIS_PORT
    host=$(pod_fqdn "$1")
    pod_is_sentinel "$1" && port=$E2E_SENTINEL_PORT
    [[ $1 == "$(router_pod)" ]] && host=$R
    [[ $(fingerprint "$host" "$port" app-0) == \
        "$(openssl x509 -in "$(e2e_tls_dir "$1")/..$2/tls.crt" -noout -fingerprint -sha256)" ]]
}
# issued_by_new POD: POD's server presents a certificate of the new CA,
# verified with the new CA only.
issued_by_new() {
    local port=$E2E_REDIS_PORT host
    host=$(pod_fqdn "$1")
    pod_is_sentinel "$1" && port=$E2E_SENTINEL_PORT
    [[ $1 == "$(router_pod)" ]] && host=$R
    pod_exec app-0 openssl s_client -connect "$host:$port" -verify_hostname "$host" -verify_return_error \
        -CAfile "$t/ca2/ca.crt" -cert "$d/tls.crt" -key "$d/tls.key" </dev/null 2>&1 |
        grep -q 'Verify return code: 0 (ok)'
}
# took POD: how many times POD's agent has applied renewed files (servers:
# CONFIG SET confirmed; sentinels, Webdis, the router for a bundle: a
# restart; the router for certificates: the runtime API), from its log.
took() {
    grep -cE 'the server presents the renewed certificate|restarting the sentinel to load|restarting Webdis to load|restarting HAProxy to load|the router presents the renewed certificate' \
        "$(e2e_pod_dir "$1")/log" || true
}
all_took() { local p; for p in "${!before[@]}"; do (($(took "$p") > before[$p])) || return 1; done; }
# hold_start / hold_check: a client connection through the router, held
# across a step (test/tools/hold.py).
hold=$E2E_RUN_DIR/hold
hold_start() {
    REDIS_PASS=$(jq -r .data.SERVICE_PASSWORD "$E2E_RUN_DIR/secrets.json") pod_exec app-0 \
        /usr/bin/python3 "$E2E_REPO_DIR/test/tools/hold.py" "$R" "$E2E_REDIS_PORT" "$d/ca.crt" \
        "$d/tls.crt" "$d/tls.key" "$(jq -r .data.SERVICE_USERNAME "$E2E_RUN_DIR/secrets.json")" \
        "$hold.go" "$hold.out" &
    hold_pid=$!
    wait_until 10 "a connection held through the router" grep -q '^before PONG' "$hold.out" ||
        fail_test "the held connection through the router: $(cat "$hold.out" 2>&1)"
}
hold_check() {
    touch "$hold.go"
    wait "$hold_pid" || fail_test "the connection held through the router did not survive the renewal: $(cat "$hold.out")"
    grep -qx 'after PONG' "$hold.out" || fail_test "the held connection: $(cat "$hold.out")"
}
rollover_step() {
    local step=$1 p spids t1
    local -A before=()
    for p in $(running_redis_pods) $(running_sentinel_pods) "$(router_pod)" "$(webdis_pod)"; do before[$p]=$(took "$p"); done
    spids=$(for p in $(running_redis_pods); do info_field "$p" server run_id; done | paste -sd' ')
    [[ $step != renew ]] || hold_start
    writer_start "ca-$step"
    sleep 1
    t1=$SECONDS
    case $step in
    bundle) e2e_tls_set_ca ca1 "$t/bundle.crt" ;;
    renew)
        e2e_tls_renew ca2 "$t/ca2" "$t/bundle.crt"
        "$E2E_REPO_DIR/tools/tls-certs.sh" cert "$t/ca2" "$t/app-0" app-0 >/dev/null
        cp "$t/bundle.crt" "$t/app-0/ca.crt" ;;
    drop) e2e_tls_set_ca ca3 "$t/ca2/ca.crt" ;;
    esac
    # Each pod takes the step once; the sentinels in turn, keeping the quorum.
    wait_until 90 "every pod took the $step step" all_took ||
        fail_test "$step: not taken by $(for p in "${!before[@]}"; do (($(took "$p") > before[$p])) || printf '%s ' "$p"; done)"
    if [[ $step == renew ]]; then
        for p in $(running_redis_pods) $(running_sentinel_pods) "$(router_pod)"; do
            wait_until 20 "$p presents its renewed certificate" presents "$p" ca2 ||
                fail_test "$p does not present its renewed certificate: $(grep 'tls:' "$(e2e_pod_dir "$p")/log" | tail -2)"
        done
        hold_check
        grep -q 'the router presents the renewed certificate' "$(e2e_pod_dir "$(router_pod)")/log" ||
            fail_test "the router's agent did not confirm the renewal at run time"
        e2e_log "renewal: every server, sentinel and the router present their new certificate after $((SECONDS - t1)) s; a connection held through the router kept working"
    fi
    [[ $(for p in $(running_redis_pods); do info_field "$p" server run_id; done | paste -sd' ') == "$spids" ]] ||
        fail_test "$step: a server was restarted (CONFIG SET reloads TLS without one)"
    wait_healthy 90 || fail_test "$step: not healthy: $E2E_WHY"
    wait_until 20 "the router after the $step step" routes_to "$(current_master)" ||
        fail_test "$step: the router does not reach $(current_master)"
    wait_until 20 "webdis after the $step step" webdis_rw "ca-$step" "$step" ||
        fail_test "$step: webdis: $(http "GET/ca-$step" 2>&1 || true)"
    writer_stop "ca-$step"
    writer_verify "ca-$step"
    e2e_log "CA rollover, $step: taken in $((SECONDS - t1)) s; issued $WRITER_ISSUED, acked $WRITER_ACKED, lost 0, gap $WRITER_GAP_MS ms"
}
t0=$SECONDS
rollover_step bundle
rollover_step renew
rollover_step drop
for p in $(running_redis_pods) $(running_sentinel_pods) "$(router_pod)"; do
    wait_until 30 "$p presents a certificate of the new CA" issued_by_new "$p" ||
        fail_test "$p does not present a certificate of the new CA: $(grep 'tls:' "$(e2e_pod_dir "$p")/log" | tail -2)"
done
for p in $(running_sentinel_pods); do
    grep -q 'restarting the sentinel to load its renewed certificate' "$(e2e_pod_dir "$p")/log" ||
        fail_test "$p did not say why it restarted"
done
grep -q 'restarting HAProxy to load the renewed CA bundle' "$(e2e_pod_dir "$(router_pod)")/log" ||
    fail_test "the router was not restarted for the new CA bundle"
e2e_log "CA rolled over in $((SECONDS - t0)) s: every pod presents a certificate of the new CA alone"

# 4. prestop on the new master.
old=$(current_master)
writer_start handover
sleep 1
pod_ri "$old" prestop >>"$(e2e_pod_dir "$old")/log" 2>&1 || fail_test "prestop on $old failed (see its log)"
new=$(current_master) || fail_test "not exactly one master after prestop"
[[ $new != "$old" ]] || fail_test "prestop returned 0 but $old is still the master"
sleep 1
writer_stop handover
writer_verify handover
e2e_log "prestop: $old -> $new; issued $WRITER_ISSUED, acked $WRITER_ACKED, lost 0, gap $WRITER_GAP_MS ms"

# 5. A sentinel away and back: the others keep the quorum.
s=$(sentinel_pod 2)
stop_pod "$s"
quorum=$(rcli "$(sentinel_pod 0)" SENTINEL CKQUORUM "$E2E_MASTER_NAME" 2>&1 | tr -d '\r')
[[ $quorum == OK* ]] || fail_test "quorum lost while $s was down: $quorum"
start_sentinel_pod 2
wait_until 60 "$s ready" sentinel_ready "$s" || fail_test "$s did not come back"
[[ $(sentinel_master_addr "$s") == "$(pod_fqdn "$new") $E2E_REDIS_PORT" ]] ||
    fail_test "$s names $(sentinel_master_addr "$s"), want $new"
wait_healthy 30 || fail_test "not healthy after $s came back: $E2E_WHY"
e2e_log "sentinel $s stopped and started: quorum kept ($quorum)"

# 6. A cold restart.
writer_start cold
sleep 2
newest=$(current_master)
power_loss
writer_stop cold
restart_after_outage parallel
wait_healthy 90 || fail_test "not healthy after the outage: $E2E_WHY"
[[ $(current_master) == "$newest" ]] || fail_test "$(current_master) is master, but $newest holds the newest history"
writer_verify cold
e2e_log "cold restart: $newest master again; issued $WRITER_ISSUED, acked $WRITER_ACKED, lost 0"
assert_no_secret_leaks
routes_to "$(current_master)" || fail_test "the router does not reach $(current_master) after the cold restart"
webdis_rw w4 end || fail_test "webdis after the cold restart: $(http GET/w4 2>&1 || true)"
e2e_log "TLS end to end OK"
