#!/usr/bin/env bash
# The beacon (lib/net/beacon.h): while `redis-init run` waits for a safe
# decision, it answers a discovery probe on the redis port with its data
# and recorded history, and nothing else; when run gives up (exit 69) the
# port is free again. Here pod-1 holds data and every peer is down, so it
# waits by rule B7 until its deadline.
. "$(dirname "$0")/lib.sh"
echo "beacon"

SECRETS=$TMP/config.json
make_secrets_probe "$SECRETS" 'probe "Q9" #'
P=$(free_port); SP=$(free_port)
cat >"$TMP/settings.ini" <<INI
[cluster]
host-pattern = 127.0.4.{i}
redis-port = $P
sentinel-port = $SP
[discovery]
deadline = 6000
dns-wait = 0
INI
mkdir -p "$TMP/pod-1/conf" "$TMP/pod-1/data"
cp "$(dirname "$0")/../fixtures/rdb/keys.rdb" "$TMP/pod-1/data/dump.rdb"
id=7f48a8fc939a709e0972c495d2bd1e51d16fbd34
printf 'version 1\nwritten-ms 1764633600000\nrole master\nreplid %s\noffset 922438\n' "$id" \
    >"$TMP/pod-1/data/redis-init.history"
ri() { POD_NAME=pod-1 "$BIN/redis-init" "$@" -c "$TMP/settings.ini" -s "$SECRETS" -d "$TMP/pod-1/data"; }
( rc=0; ri run -o "$TMP/pod-1/conf" --set "redis.bind=127.0.4.1 127.0.0.1" >"$TMP/run.log" 2>&1 || rc=$?
  echo "$rc" >"$TMP/run.rc" ) &
PIDS+=("$!")

probe() { rcli_at 127.0.4.1 "$P" probe 'probe "Q9" #' "$@"; }
check "the beacon answers the probe user while run waits" wait_for 5 probe INFO replication
info=$(probe INFO replication | tr -d '\r')
check "INFO: role:redis-init" grep -qx 'role:redis-init' <<<"$info"
check "INFO: it holds data" grep -qx 'ri_has_data:1' <<<"$info"
check "INFO: its recorded history, byte for byte" grep -qx "ri_replid:$id" <<<"$info"
check "INFO: the recorded offset and role" test "$(grep -E '^ri_(offset|was_master):' <<<"$info" | tr '\n' ' ')" = "ri_offset:922438 ri_was_master:1 "
check "INFO persistence: not loading" test "$(probe INFO persistence | tr -d '\r' | grep '^loading:')" = "loading:0"
check "PING is refused with -INIT (a sentinel must not see a live server)" \
    grep -q '^INIT redis-init is deciding' <<<"$(probe PING)"
check "any other command is refused with -INIT" grep -q '^INIT ' <<<"$(probe SET k v)"
check "a wrong probe password: WRONGPASS" grep -q WRONGPASS <<<"$(rcli_at 127.0.4.1 "$P" probe wrong INFO)"
check "another user is not told its password is wrong (-INIT)" \
    grep -q 'INIT redis-init is deciding' <<<"$(rcli_at 127.0.4.1 "$P" api_service svc-Q9 INFO)"
check "INFO without AUTH: NOAUTH" grep -q NOAUTH <<<"$(redis-cli --raw -h 127.0.4.1 -p "$P" INFO 2>&1)"
# A generous budget: under a loaded CI the default 500 ms can run out (69).
out=$(ri check --readiness -o "$TMP/pod-1/conf" --set lifecycle.check-timeout=5000 2>&1) && rc=0 || rc=$?
check "check --readiness: not ready (75) by R6, still deciding" test "$rc" = 75 -a -n "$(grep -F 'rule R6' <<<"$out" | grep -F 'still deciding')"
check "run waits by B7 and says why" wait_for 10 grep -q 'rule=B7' "$TMP/run.log"
run_rc() { cat "$TMP/run.rc" 2>/dev/null; }
check "run ends at its deadline" wait_for 10 test -s "$TMP/run.rc"
check "run gives up with exit 69 (rc $(run_rc))" test "$(run_rc)" = 69
check "the port is free once run gave up" bash -c "! (exec 3<>/dev/tcp/127.0.4.1/$P) 2>/dev/null"
check "the beacon never logged a secret" not_has Q9 cat "$TMP/run.log"
summary integration
