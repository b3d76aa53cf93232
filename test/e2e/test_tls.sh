#!/usr/bin/env bash
# TLS end to end (docs/tls.md): a 3+3 cluster with [tls] mode = on and
# client certificates required (E2E_TLS=on: a development CA and a
# certificate per pod from tools/tls-certs.sh, naming the pod's FQDN only).
# One cluster for every case:
#   1. ordered start, healthy; no pod listens in plain text, and a plain-text
#      client gets nothing; check and prestop verify the pod's own name on
#      127.0.0.1 (no localhost or IP SAN);
#      redis-py and ioredis find the master through the TLS sentinels as the
#      service user (host names verified), write, read, subscribe, and are
#      refused every state-changing SENTINEL command;
#   2. the master killed under the WAIT 1 writer (TLS to the sentinels and
#      the master): failover, 0 acknowledged writes lost; the pod network
#      captured meanwhile (test/tools/capture.py on the bridge's ports) carries
#      the writer's TLS handshakes naming the pods (SNI) and not one plain-text AUTH,
#      password or key name;
#   3. every certificate renewed (new keys) under the writer, published as
#      kubelet does (..data swapped): every server presents its new one
#      within seconds, without a restart; every sentinel restarts in place,
#      one at a time while the others keep the quorum, and presents its
#      new one; 0 lost;
#   4. prestop on the new master: a handover over TLS, 0 lost;
#   5. a sentinel stopped and started again: the two others keep the
#      quorum meanwhile (CKQUORUM), it rejoins and names the master;
#   6. a cold restart of everything, in parallel: the newest history wins
#      (B4), 0 lost.
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
for c in /usr/bin/python3 node; do
    script=$E2E_CLIENTS_DIR/sentinel_client.py
    [[ $c == /usr/bin/python3 ]] || script=$E2E_CLIENTS_DIR/sentinel_client.js
    out=$(RI_TLS_DIR=$(e2e_tls_dir app-0) app_exec app-0 timeout 30 "$c" "$script" probe \
        "$(sentinel_addrs)" "$E2E_MASTER_NAME" 2>&1) || fail_test "$c client through the TLS sentinels: $out"
    [[ $out =~ \"tls\":\ ?true ]] || fail_test "$c client did not use TLS: $out"
    e2e_log "$c through the TLS sentinels: $out"
done

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
assert_failover_fast
sleep 2
writer_stop kill
writer_verify kill
e2e_log "master kill: $m -> $PROMOTED in $FAILOVER_MS ms; issued $WRITER_ISSUED, acked $WRITER_ACKED, lost 0"
start_redis_pod "${m##*-}"
assert_rejoined_after_failover "$m" 60

# 3. Every certificate renewed under the writer.
# presents_new POD: the pod's server shows its ..v2 certificate in a handshake.
presents_new() {
    local d want got
    d=$(e2e_tls_dir "$1")
    want=$(openssl x509 -in "$d/..v2/tls.crt" -noout -fingerprint -sha256)
    got=$(ip netns exec "$(e2e_netns_of "$1")" openssl s_client -connect "127.0.0.1:$(pod_port "$1")" \
        -CAfile "$d/ca.crt" -cert "$d/tls.crt" -key "$d/tls.key" </dev/null 2>/dev/null |
        openssl x509 -noout -fingerprint -sha256 2>/dev/null) || true
    [[ $got == "$want" ]]
}
writer_start rotate
sleep 1
t0=$SECONDS
e2e_tls_renew v2
for p in $(running_redis_pods); do
    wait_until 20 "$p presents its renewed certificate" presents_new "$p" ||
        fail_test "$p still presents its old certificate: $(grep 'tls:' "$(e2e_pod_dir "$p")/log" | tail -2)"
done
e2e_log "certificates renewed: every server presents its new one after $((SECONDS - t0)) s"
for p in $(running_sentinel_pods); do
    wait_until 90 "$p presents its renewed certificate" presents_new "$p" ||
        fail_test "$p still presents its old certificate: $(grep 'tls:' "$(e2e_pod_dir "$p")/log" | tail -2)"
done
e2e_log "every sentinel restarted and presents its new one after $((SECONDS - t0)) s"
for p in $(running_sentinel_pods); do
    grep -q 'restarting the sentinel to load its renewed certificate' "$(e2e_pod_dir "$p")/log" ||
        fail_test "$p did not say why it restarted"
done
wait_healthy 30 || fail_test "not healthy after the sentinels restarted: $E2E_WHY"
sleep 1
writer_stop rotate
writer_verify rotate
e2e_log "rotation: issued $WRITER_ISSUED, acked $WRITER_ACKED, lost 0, gap $WRITER_GAP_MS ms"

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
e2e_log "TLS end to end OK"
