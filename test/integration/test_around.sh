#!/usr/bin/env bash
# The files for what stands around the cluster: `redis-init router`
# (haproxy.cfg + its check) and `redis-init webdis` (webdis.json), checked
# with the real tools that read them (haproxy -c, sh -n, jq) and with
# passwords that broke other tools' quoting.
. "$(dirname "$0")/lib.sh"
echo "router and webdis files"

ADMIN="a b\"c'd\\e #\$!()%&/=; x" WEB="w \"q\" 'sq' \\ #%s \$HOME; & |"
SVC="svc-Q9 \"x\" #"
make_secrets "$TMP/s.json" "$ADMIN" repl-Q9 sent-Q9 sync-Q9 "$SVC"
jq --arg w "$WEB" '.data += {WEBDIS_PASSWORD: $w}' "$TMP/s.json" >"$TMP/secrets.json"
chmod 600 "$TMP/secrets.json"
printf '[cluster]\nnamespace = apps\n[router]\nservice = my-router\n[webdis]\nport = 8080\n' >"$TMP/settings.ini"
mkdir -p "$TMP/out" "$TMP/h"
ri() { "$BIN/redis-init" "$@" -c "$TMP/settings.ini" -s "$TMP/secrets.json" -o "$TMP/out"; }

check "router renders (exit 0)" ri router
check "haproxy.cfg and router-check.ini are 0600, router-check 0700" test \
    "$(stat -c '%n %a' "$TMP"/out/haproxy.cfg "$TMP"/out/router-check.ini "$TMP"/out/router-check | sed 's|.*/||' | tr '\n' ' ')" \
    = "haproxy.cfg 600 router-check.ini 600 router-check 700 "
check "haproxy -c accepts haproxy.cfg" haproxy -c -q -f "$TMP/out/haproxy.cfg"
check "router-check is valid sh" sh -n "$TMP/out/router-check"
no_secret() { local f; for f in "$TMP"/out/haproxy.cfg "$TMP"/out/router-check*; do ! grep -qF -- "$SVC" "$f" && ! grep -qF -- "$ADMIN" "$f" && ! grep -q Q9 "$f" || return 1; done; }
check "no credential in the router's files" no_secret
check "one server per redis pod, by DNS name" test "$(grep -c '^    server redis-cluster-server-[0-2] redis-cluster-server-[0-2]\.redis-cluster-server\.apps\.svc\.cluster\.local:6379$' "$TMP/out/haproxy.cfg")" = 3
check "no metrics frontend unless [metrics] port is set" bash -c '! grep -q "^frontend metrics" "$1"' _ "$TMP/out/haproxy.cfg"
# With [metrics] port: the real HAProxy serves its own Prometheus metrics
# there; no server of the master backend is up (none resolves here).
MP=$(free_port) RP=$(free_port)
mkdir -p "$TMP/m"
"$BIN/redis-init" router -c "$TMP/settings.ini" -s "$TMP/secrets.json" -o "$TMP/m" \
    --set "metrics.port=$MP" --set "cluster.redis-port=$RP" >/dev/null 2>&1
check "with [metrics] port: haproxy -c accepts it" haproxy -c -q -f "$TMP/m/haproxy.cfg"
start_bg "$TMP/haproxy.log" haproxy -db -f "$TMP/m/haproxy.cfg"
hap() { curl -sf --max-time 5 "http://127.0.0.1:$MP/metrics"; }
check "HAProxy's metrics: the master backend, no server up" wait_for 10 bash -c \
    'curl -sf --max-time 5 "$1" | grep -qx "haproxy_backend_active_servers{proxy=\"master\"} 0"' _ "http://127.0.0.1:$MP/metrics"
check "HAProxy's metrics: another path is 404" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MP/other")" = 404
kill "${PIDS[-1]}" 2>/dev/null || true
# router-check outside HAProxy: a usage error, not a verdict.
rc=0; "$BIN/redis-init" router-check -c "$TMP/out/router-check.ini" 2>/dev/null || rc=$?
check "router-check without HAProxy's environment exits 64" test "$rc" = 64
rc=0; HAPROXY_SERVER_NAME=other-1 HAPROXY_SERVER_ADDR=127.0.0.1 HAPROXY_SERVER_PORT=6379 \
    "$BIN/redis-init" router-check -c "$TMP/out/router-check.ini" 2>/dev/null || rc=$?
check "router-check for a server that is no redis pod exits 64" test "$rc" = 64
# Nothing listens on 127.0.0.1:1 and the sentinel names do not resolve: do not route.
rc=0; HAPROXY_SERVER_NAME=redis-cluster-server-0 HAPROXY_SERVER_ADDR=127.0.0.1 HAPROXY_SERVER_PORT=1 \
    "$BIN/redis-init" router-check -c "$TMP/out/router-check.ini" --set discovery.probe-timeout=300 2>/dev/null || rc=$?
check "router-check for an unreachable server exits 69 (do not route)" test "$rc" = 69
mkdir -p "$TMP/q"
cp "$TMP/secrets.json" "$TMP/q/with\"quote.json"
rc=0; "$BIN/redis-init" router -c "$TMP/settings.ini" -s "$TMP/q/with\"quote.json" -o "$TMP/q" 2>/dev/null || rc=$?
check "a secrets path the check cannot read back is refused (exit 78), nothing written" \
    test "$rc" = 78 -a ! -e "$TMP/q/haproxy.cfg"

check "webdis renders (exit 0)" ri webdis
check "webdis.json is 0600" test "$(stat -c %a "$TMP/out/webdis.json")" = 600
check "redis_auth is [user, password], byte for byte" \
    test "$(jq -r '.redis_auth[0], .redis_auth[1]' "$TMP/out/webdis.json")" = "$(printf 'webdis\n%s' "$WEB")"
check "redis_host is the router's service" test "$(jq -r .redis_host "$TMP/out/webdis.json")" = my-router.apps.svc.cluster.local
check "[router] host overrides it (docker compose: a service name)" bash -c \
    '"$1/redis-init" webdis -c "$2/settings.ini" -s "$2/secrets.json" -o "$2/h" --set router.host=router &&
     test "$(jq -r .redis_host "$2/h/webdis.json")" = router' _ "$BIN" "$TMP"
check "http_port from [webdis] port" test "$(jq -r .http_port "$TMP/out/webdis.json")" = 8080
check "HTTP ACL: everything disabled first, then an allow-list without admin commands" \
    jq -e '.acl[0].disabled == ["*"] and (.acl[1].enabled | index("GET") != null and index("FLUSHALL") == null and index("CONFIG") == null)' "$TMP/out/webdis.json"
for bad in missing dollar; do
    if [ $bad = missing ]; then jq 'del(.data.WEBDIS_PASSWORD)' "$TMP/secrets.json" >"$TMP/bad.json"
    else jq '.data.WEBDIS_PASSWORD = "$FOO"' "$TMP/secrets.json" >"$TMP/bad.json"; fi
    mkdir -p "$TMP/b-$bad"
    out=$("$BIN/redis-init" webdis -c "$TMP/settings.ini" -s "$TMP/bad.json" -o "$TMP/b-$bad" 2>&1) && rc=0 || rc=$?
    check "webdis with a $bad WEBDIS_PASSWORD exits 65 naming the key, writes nothing" \
        test "$rc" = 65 -a ! -e "$TMP/b-$bad/webdis.json" -a -n "$(grep -F WEBDIS_PASSWORD <<<"$out")"
done
# The redis pods get Webdis's user with the same allow-list (and nothing when WEBDIS_PASSWORD is absent).
mkdir -p "$TMP/r" "$TMP/d"
POD_NAME=redis-cluster-server-0 "$BIN/redis-init" render --master -c "$TMP/settings.ini" -s "$TMP/secrets.json" -o "$TMP/r" -d "$TMP/d" 2>/dev/null
check "users.acl has the webdis user with -@all and +get" grep -q '^user webdis on #[0-9a-f]\{64\} resetchannels ~\* -@all .*+get .*+set ' "$TMP/r/users.acl"
check "the webdis user cannot flushall or config" sh -c "! grep '^user webdis ' '$TMP/r/users.acl' | grep -q -e '+flushall' -e '+config' -e '+@'"
mkdir -p "$TMP/r2"
POD_NAME=redis-cluster-server-0 "$BIN/redis-init" render --master -c "$TMP/settings.ini" -s "$TMP/s.json" -o "$TMP/r2" -d "$TMP/d" 2>/dev/null
check "without WEBDIS_PASSWORD there is no webdis user" sh -c "test -s '$TMP/r2/users.acl' && ! grep -q '^user webdis ' '$TMP/r2/users.acl'"
summary integration
