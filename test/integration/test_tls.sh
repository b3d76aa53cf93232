#!/usr/bin/env bash
# TLS (docs/tls.md) with real servers on loopback: certificates from
# tools/tls-certs.sh; a master, a replica and a sentinel rendered with
# [tls] mode = on and client certificates required (mTLS), replication and
# Sentinel over TLS, our probes (check, discover, the beacon) over TLS with
# host names verified; a TLS-only server (auth-clients = no) and mode dual;
# then every bad certificate refused at boot with exit 78 and nothing
# written.
. "$(dirname "$0")/lib.sh"
echo "tls ($E2E_SERVER)"
[[ -z ${KEEP:-} ]] || trap 'echo "kept $TMP"' EXIT

certs=$(cd "$(dirname "$0")/../.." && pwd)/tools/tls-certs.sh
CA=$TMP/ca
"$certs" ca "$CA" >/dev/null
for i in 0 1 2 3; do "$certs" cert "$CA" "$TMP/tls-$i" "127.0.5.$i"; done

SECRETS=$TMP/config.json
make_secrets "$SECRETS" adm-T9 repl-T9 sent-T9 sync-T9 svc-T9
P=$(free_port); SP=$(free_port)
cat >"$TMP/settings.ini" <<INI
[server]
flavour = $RI_SERVER_FLAVOUR
[cluster]
host-pattern = 127.0.5.{i}
redis-port = $P
sentinel-port = $SP
sentinel-replicas = 1
[sentinel]
quorum = 1
down-after = 5000
[redis]
; the replica syncs at once, not after Redis's default 5 s wait
directive = repl-diskless-sync-delay 0
[discovery]
dns-wait = 0
deadline = 4000
[tls]
mode = on
auth-clients = yes
INI
export REDIS_INIT_CONFIG=$TMP/settings.ini REDIS_INIT_SECRETS=$SECRETS

ri_as() { # ri_as POD N redis-init|sentinel-init args...: pod N with its certificate
    local pod=$1 n=$2 prog=$3; shift 3
    POD_NAME=$pod "$BIN/$prog" "$@" --set "tls.dir=$TMP/tls-$n"
}
render_pod() { # render_pod NAME N BIND prog args...
    local name=$1 n=$2 bind=$3 prog=$4; shift 4
    mkdir -p "$TMP/$name/conf" "$TMP/$name/data"
    [[ $prog == redis-init ]] && set -- -d "$TMP/$name/data" "$@"
    ri_as "$name" "$n" "$prog" render -o "$TMP/$name/conf" --set "redis.bind=$bind" "$@" 2>/dev/null
}
# tcli N HOST PORT USER PASS args...: redis-cli over TLS with pod N's certificate.
tcli() {
    local n=$1 host=$2 port=$3 user=$4 pw=$5; shift 5
    REDISCLI_AUTH=$pw redis-cli --no-auth-warning --raw --tls --cacert "$TMP/tls-$n/ca.crt" \
        --cert "$TMP/tls-$n/tls.crt" --key "$TMP/tls-$n/tls.key" -h "$host" -p "$port" \
        --user "$user" "$@" 2>&1
}
has() { local want=$1 out; shift; out=$("$@" 2>&1) || true; grep -qF -- "$want" <<<"$out"; }

render_pod pod-1 1 "127.0.5.1 127.0.0.1" redis-init --master
render_pod pod-2 2 127.0.5.2 redis-init --replica-of "127.0.5.1:$P"
render_pod sent-0 0 127.0.5.0 sentinel-init --monitor "127.0.5.1:$P"
conf=$TMP/pod-1/conf/redis.conf sconf=$TMP/sent-0/conf/sentinel.conf
check "redis.conf: TLS only (port 0, tls-port $P)" \
    test "$(grep -E '^(port|tls-port) ' "$conf" | tr '\n' ' ')" = "port 0 tls-port $P "
check "redis.conf: tls-replication yes, tls-auth-clients yes" \
    test "$(grep -cE '^(tls-replication yes|tls-auth-clients yes)$' "$conf")" = 2
check "redis.conf: the files of the mounted directory" \
    grep -qx "tls-cert-file \"$TMP/tls-1/tls.crt\"" "$conf"
check "sentinel.conf: TLS only, tls-replication yes (TLS to servers and sentinels)" \
    test "$(grep -E '^(port|tls-port|tls-replication) ' "$sconf" | tr '\n' ' ')" = "port 0 tls-port $SP tls-replication yes "
check "sentinel.conf: monitor names the TLS port" \
    grep -qE "^sentinel monitor mymaster \"?127.0.5.1\"? $P " "$sconf"

start_bg "$TMP/pod-1.log" "$SERVER" "$conf"
start_bg "$TMP/pod-2.log" "$SERVER" "$TMP/pod-2/conf/redis.conf"
start_bg "$TMP/sent-0.log" "$SENTINEL" "$sconf"
# (It failed once on Valkey 8.1 in a rehearsal, every check after it
# too, and not in 4 runs since; the cause is unknown: on a failure, the master's
# log and who holds its port.)
if wait_for 10 has PONG tcli 1 127.0.5.1 "$P" admin adm-T9 PING; then
    ok "the master answers over TLS with a client certificate"
else
    fail "the master answers over TLS with a client certificate"
    echo "    the master's log (port $P):"; tail -15 "$TMP/pod-1.log" | sed 's/^/    /' || true
    ss -Htanp "sport = :$P" | head -5 | sed 's/^/    /' || true
fi
check "plain text gets no answer on the TLS port" \
    bash -c '! redis-cli -h 127.0.5.1 -p "$1" --no-auth-warning PING 2>/dev/null | grep -q PONG' _ "$P"
nocert() { REDISCLI_AUTH=adm-T9 redis-cli --tls --cacert "$TMP/tls-1/ca.crt" -h 127.0.5.1 -p "$P" --user admin --no-auth-warning PING 2>&1; }
check "a client without a certificate is refused (auth-clients yes)" bash -c '! grep -q PONG <<<"$1"' _ "$(nocert)"
link_up() { has master_link_status:up tcli 2 127.0.5.2 "$P" admin adm-T9 INFO replication; }
check "the replica syncs from the master over TLS" wait_for 15 link_up
addr() { tcli 1 127.0.5.0 "$SP" admin adm-T9 SENTINEL get-master-addr-by-name mymaster | tr '\n' ' '; }
names_master() { [[ $(addr) == "127.0.5.1 $P " ]]; }
check "the sentinel monitors the master over TLS" wait_for 10 names_master
replica_ok() { tcli 1 127.0.5.0 "$SP" admin adm-T9 SENTINEL replicas mymaster | paste -sd' ' | grep -q "ip 127.0.5.2 port $P runid [0-9a-f]* flags slave .* master-link-status ok"; }
check "the sentinel sees the replica, linked, over TLS" wait_for 15 replica_ok

# check dials 127.0.0.1 and verifies the pod's own name (127.0.5.1 here),
# which the certificate carries; it has no SAN for 127.0.0.1.
out=$(ri_as pod-1 1 redis-init check --readiness --set lifecycle.check-timeout=3000 2>&1) && rc=0 || rc=$?
check "check on the master: ready over TLS, verified as its own name (rc $rc)" test "$rc" = 0
out=$(ri_as pod-3 3 redis-init discover --once --set cluster.redis-replicas=4 2>&1) || true
check "discover over TLS: the sentinel names the master" grep -q "answer: master is 127.0.5.1:$P" <<<"$out"
check "discover over TLS: the master answers" grep -qE "redis-1 .*" <<<"$out"
grep -A1 'redis-1 ' <<<"$out" | grep -q 'answer: master' && ok "discover: redis-1 answers as master" ||
    fail "discover: redis-1 answers as master: $(grep -A1 'redis-1 ' <<<"$out" | tail -1)"

# Failures said precisely: another CA, another pod's certificate.
"$certs" ca "$TMP/other-ca" >/dev/null
"$certs" cert "$TMP/other-ca" "$TMP/tls-x" 127.0.5.3
out=$(POD_NAME=pod-3 "$BIN/redis-init" discover --once --set "tls.dir=$TMP/tls-x" --set cluster.redis-replicas=4 2>&1) || true
check "discover: a peer signed by an unknown CA is reported as such" \
    grep -q 'redis-1 .*' <<<"$out"
grep -A1 'redis-1 ' <<<"$out" | grep -q 'error: tls: unknown CA' && ok "discover: 'unknown CA'" ||
    fail "discover: 'unknown CA': $(grep -A1 'redis-1 ' <<<"$out" | tail -1)"
grep -q 'cannot rule one out' <<<"$out" && ok "an unverifiable peer is not taken for a dead one" ||
    fail "an unverifiable peer is not taken for a dead one"
# A server on 127.0.5.3 with pod-2's certificate: its name does not match.
mkdir -p "$TMP/liar"
sed -e "s|127.0.5.2|127.0.5.3|" -e "s|$TMP/pod-2/data|$TMP/liar|" -e '/^replicaof/d' \
    "$TMP/pod-2/conf/redis.conf" >"$TMP/liar/redis.conf"
cp "$TMP/pod-2/conf/users.acl" "$TMP/liar/users.acl"
sed -i "s|^aclfile .*|aclfile \"$TMP/liar/users.acl\"|" "$TMP/liar/redis.conf"
start_bg "$TMP/liar.log" "$SERVER" "$TMP/liar/redis.conf"
wait_for 10 has PONG tcli 2 127.0.5.3 "$P" admin adm-T9 --sni x PING >/dev/null || true
out=$(ri_as pod-1 1 redis-init discover --once --set cluster.redis-replicas=4 2>&1) || true
grep -A1 'redis-3 ' <<<"$out" | grep -q 'error: tls: hostname mismatch: the certificate does not name 127.0.5.3' &&
    ok "discover: 'hostname mismatch' names the host" ||
    fail "discover: 'hostname mismatch' names the host: $(grep -A1 'redis-3 ' <<<"$out" | tail -1)"

# The beacon serves TLS on the server port while run decides.
# (Its own ports: no peer answers, so pod-3, empty, waits; B3.)
mkdir -p "$TMP/pod-3/conf" "$TMP/pod-3/data"
P3=$(free_port)
( ri_as pod-3 3 redis-init run -o "$TMP/pod-3/conf" -d "$TMP/pod-3/data" --set redis.bind=127.0.5.3 \
      --set cluster.redis-replicas=4 \
      --set "cluster.redis-port=$P3" --set "cluster.sentinel-port=$(free_port)" \
      >"$TMP/run3.log" 2>&1 || true ) &
PIDS+=("$!")
beacon() { tcli 3 127.0.5.3 "$P3" admin adm-T9 INFO replication; }
check "the beacon answers over TLS while run decides" wait_for 8 has 'INIT redis-init is deciding' beacon

# The router and Webdis (docs/tls.md "The router and Webdis"), rendered
# here (they run end to end in e2e test_tls): HAProxy terminates TLS with
# the router's certificate, which must name the router's Service, and
# verifies each server's name; Webdis's ssl block.
RNAME=redis-cluster-router.default.svc.cluster.local
"$certs" cert "$CA" "$TMP/tls-r" "$RNAME" >/dev/null
"$certs" cert "$CA" "$TMP/tls-w" webdis-0 >/dev/null
mkdir -p "$TMP/router" "$TMP/router-bad" "$TMP/webdis"
jq '.data.WEBDIS_PASSWORD = "web-T9"' "$SECRETS" >"$TMP/webdis.json"
echo_fail() { local out; out=$("$@" 2>&1) || { echo "$out"; return 1; }; }
rtr() { "$BIN/redis-init" router --set tls.mode=on --set tls.auth-clients=yes "$@" 2>&1; }
check "router renders with TLS" rtr -o "$TMP/router" --set "tls.dir=$TMP/tls-r"
hcfg=$TMP/router/haproxy.cfg
check "haproxy.cfg with TLS is valid for HAProxy (haproxy -c)" haproxy -c -q -f "$hcfg"
check "router: the frontend terminates TLS with router.pem, client certificates required" \
    grep -qxF "    bind :$P ssl crt \"$TMP/router/router.pem\" ca-file \"$TMP/tls-r/ca.crt\" verify required ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3" "$hcfg"
check "router: each server over TLS, its name verified, router-client.pem presented" \
    grep -qxF "    server redis-cluster-server-1 127.0.5.1:$P ssl verify required verifyhost 127.0.5.1 sni str(127.0.5.1) ca-file \"$TMP/tls-r/ca.crt\" crt \"$TMP/router/router-client.pem\" ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3" "$hcfg"
check "router: the runtime API socket, mode 600" grep -qE "^    stats socket \"$TMP/router/haproxy.sock\" mode 600 level admin\$" "$hcfg"
check "router.pem and router-client.pem: certificate and key, 0600" test \
    "$(stat -c '%a' "$TMP/router/router.pem" "$TMP/router/router-client.pem" | tr '\n' ' ')$(grep -c 'PRIVATE KEY-----' "$TMP/router/router.pem")" = "600 600 2"
check "router-check.ini carries [tls] for the health check" grep -qx "dir = \"$TMP/tls-r\"" "$TMP/router/router-check.ini"
check "a router certificate without the router's name: 78, nothing written" bash -c \
    'out=$("$1" router --set tls.mode=on -o "$2" --set "tls.dir=$3" 2>&1); rc=$?; [[ $rc == 78 && $out == *"its SANs do not cover '"$RNAME"'"* && -z $(ls -A "$2") ]]' \
    _ "$BIN/redis-init" "$TMP/router-bad" "$TMP/tls-1"
check "webdis renders with TLS (a client certificate: no name needed)" \
    echo_fail "$BIN/redis-init" webdis -s "$TMP/webdis.json" --set tls.mode=on --set tls.auth-clients=yes -o "$TMP/webdis" --set "tls.dir=$TMP/tls-w"
check "webdis.json: ssl to the router with the client pair and the router's name (SNI)" test \
    "$(jq -c .ssl "$TMP/webdis/webdis.json")" = "{\"enabled\":true,\"ca_cert_bundle\":\"$TMP/tls-w/ca.crt\",\"client_cert\":\"$TMP/tls-w/tls.crt\",\"client_key\":\"$TMP/tls-w/tls.key\",\"redis_sni\":\"$RNAME\"}"
check "--run is a router and webdis option" bash -c '! "$1" check --run 2>/dev/null' _ "$BIN/redis-init"

# TLS only, no client certificates; and mode dual.
cat >>"$TMP/settings.ini" <<INI
[tls]
auth-clients = no
mode = dual
plain-port = $((P + 1))
plain-sentinel-port = $((SP + 1))
INI
mkdir -p "$TMP/dual/conf" "$TMP/dual/data"
ri_as pod-1 1 redis-init render --master -o "$TMP/dual/conf" -d "$TMP/dual/data" \
    --set redis.bind=127.0.5.1 2>/dev/null
check "mode dual: port = plain-port, tls-port = redis-port" \
    test "$(grep -E '^(port|tls-port|tls-auth-clients) ' "$TMP/dual/conf/redis.conf" | tr '\n' ' ')" = "port $((P + 1)) tls-port $P tls-auth-clients no "

# Bad certificates: exit 78, one line naming the file, nothing written.
"$certs" cert "$CA" "$TMP/bad-expired" 127.0.5.1 --from 20200101000000Z --until 20210101000000Z
"$certs" cert "$CA" "$TMP/bad-future" 127.0.5.1 --from 20990101000000Z --until 20991231000000Z
"$certs" cert "$CA" "$TMP/bad-san" 127.0.5.9
"$certs" cert "$CA" "$TMP/bad-eku" 127.0.5.1 --server-only
"$certs" cert "$TMP/other-ca" "$TMP/bad-chain" 127.0.5.1
cp "$TMP/bad-chain/ca.crt" "$TMP/bad-chain/ca.crt.other" && cp "$CA/ca.crt" "$TMP/bad-chain/ca.crt"
mkdir -p "$TMP/bad-key" && cp "$TMP/tls-1/tls.crt" "$TMP/tls-1/ca.crt" "$TMP/bad-key/" && cp "$TMP/tls-2/tls.key" "$TMP/bad-key/"
# refused DIR WANT [--set ...]: render exits 78 with one line naming WANT,
# and writes nothing. A script, so that it also runs inside unshare.
cat >"$TMP/refused.sh" <<'SH'
#!/usr/bin/env bash
d=$1 want=$2 rc=0; shift 2
r=$(mktemp -d "$TMP/r.XXXXXX") && mkdir -p "$r/conf" "$r/data"
out=$(POD_NAME=pod-1 "$BIN/redis-init" render --master -o "$r/conf" -d "$r/data" --set "tls.dir=$d" \
    --set tls.mode=on --set tls.plain-port=0 --set tls.plain-sentinel-port=0 "$@" 2>&1) || rc=$?
[[ $rc == 78 ]] || { echo "rc $rc: $out"; exit 1; }
grep -qF -- "$want" <<<"$out" || { echo "$out"; exit 1; }
[[ -z $(ls -A "$r/conf") ]] || { echo "files written"; exit 1; }
[[ $(grep -c . <<<"$out") == 1 ]] || { echo "more than one line: $out"; exit 1; }
SH
chmod +x "$TMP/refused.sh"
export TMP BIN
refused() { "$TMP/refused.sh" "$@"; }
accepted() { # accepted DIR [--set ...]: render succeeds
    local r; r=$(mktemp -d "$TMP/a.XXXXXX") && mkdir -p "$r/conf" "$r/data"
    POD_NAME=pod-1 "$BIN/redis-init" render --master -o "$r/conf" -d "$r/data" --set "tls.dir=$1" \
        --set tls.mode=on --set tls.plain-port=0 --set tls.plain-sentinel-port=0 "${@:2}"
}
check "expired: 78, nothing written" refused "$TMP/bad-expired" "tls.crt: [tls] cert: expired on 2021-01-01"
check "not yet valid: 78" refused "$TMP/bad-future" "[tls] cert: not yet valid (valid from 2099-01-01"
check "SANs without the pod's name: 78" refused "$TMP/bad-san" "its SANs do not cover 127.0.5.1"
check "no clientAuth EKU with auth-clients yes: 78" refused "$TMP/bad-eku" "lacks clientAuth" --set tls.auth-clients=yes
check "no clientAuth EKU is fine without client certificates" accepted "$TMP/bad-eku" --set tls.auth-clients=no
check "a chain that does not reach the CA: 78" refused "$TMP/bad-chain" "does not chain to the CA in $TMP/bad-chain/ca.crt"
check "a key of another certificate: 78" refused "$TMP/bad-key" "[tls] key: does not match the certificate"
check "a missing CA file: 78" refused "$TMP/tls-1" "cannot load the CA bundle" --set tls.ca=nope.crt
# OpenSSL's configuration file is never read (docs/tls.md), not even by the
# certificate checks that run before the contexts are built: this one asks
# every algorithm for the FIPS provider, which is not here, so reading it
# would make every certificate unreadable.
printf 'openssl_conf = init\n[init]\nalg_section = evp\n[evp]\ndefault_properties = fips=yes\n' >"$TMP/fips.cnf"
fips_conf() { OPENSSL_CONF=$TMP/fips.cnf "$@"; }
check "OpenSSL's configuration file is not read (OPENSSL_CONF asking for FIPS)" \
    fips_conf accepted "$TMP/tls-1"
# discover builds its TLS contexts on a thread while its round resolves
# and connects: a bad file still ends it with 78 and one line naming the
# file, and no decision is printed.
disc_refused() { # WHAT DIR WANT [--set ...]
    local out rc=0 why=
    out=$(POD_NAME=pod-3 "$BIN/redis-init" discover --once --set "tls.dir=$2" \
        --set cluster.redis-replicas=4 "${@:4}" 2>"$TMP/disc.err") || rc=$?
    if [[ $rc != 78 || -n $out ]]; then why="exit $rc, stdout: $out"
    elif ! grep -qF -- "$3" "$TMP/disc.err"; then why="no \"$3\" in: $(cat "$TMP/disc.err")"
    elif [[ $(grep -c . "$TMP/disc.err") != 1 ]]; then why="more than one line: $(cat "$TMP/disc.err")"
    fi
    if [[ -z $why ]]; then ok "$1"; else fail "$1: $why"; fi
}
disc_refused "discover (contexts built in the background): a key of another certificate: 78, one line, no decision" \
    "$TMP/bad-key" "bad-key/tls.key: [tls] key: key values mismatch"
disc_refused "discover (contexts built in the background): a missing CA file: 78, one line, no decision" \
    "$TMP/tls-1" "nope.crt: [tls] ca:" --set tls.ca=nope.crt
# A file mounted on its own (what a subPath mount is) never updates: refused.
check "a certificate file that is a mount of its own (subPath): 78" \
    unshare -m bash -c 'mount --bind "$1/tls.crt" "$2/tls.crt" && exec "${@:3}"' _ "$TMP/tls-1" "$TMP/tls-2" \
    "$TMP/refused.sh" "$TMP/tls-2" "a mount of its own (a subPath mount?)" --set tls.auth-clients=no
# Rotation without a restart: `run` (the init and its agent) on a pod whose
# files sit in a Kubernetes Secret layout, where an update swaps ..data.
rot=$TMP/rot P4=$(free_port)
mkdir -p "$rot" "$TMP/pod-4/conf" "$TMP/pod-4/data"
"$certs" cert "$CA" "$rot/..v1" 127.0.5.4
ln -s ..v1 "$rot/..data"
for f in tls.crt tls.key ca.crt; do ln -s "..data/$f" "$rot/$f"; done
swap() { ln -sfn "$1" "$rot/..data.tmp" && mv -T "$rot/..data.tmp" "$rot/..data"; }
# (Started directly, not in a subshell: PIDS must hold the init itself, or
# cleanup would leave it and its server running.)
POD_NAME=pod-4 "$BIN/redis-init" run --master -o "$TMP/pod-4/conf" -d "$TMP/pod-4/data" \
    --set "tls.dir=$rot" --set tls.mode=on --set tls.plain-port=0 --set tls.plain-sentinel-port=0 \
    --set tls.auth-clients=yes --set "redis.bind=127.0.5.4 127.0.0.1" --set "cluster.redis-port=$P4" \
    --set "cluster.sentinel-port=$(free_port)" --set cluster.redis-replicas=5 \
    --set "paths.redis-server=$SERVER" >"$TMP/run4.log" 2>&1 &
PIDS+=("$!")
# served: the SHA-256 fingerprint of what the server presents now (to a
# client of its own); file_fp DIR: of a certificate file.
served() { openssl s_client -connect "127.0.5.4:$P4" -CAfile "$CA/ca.crt" -cert "$TMP/tls-1/tls.crt" \
    -key "$TMP/tls-1/tls.key" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null; }
file_fp() { openssl x509 -in "$1/tls.crt" -noout -fingerprint -sha256; }
serves() { [[ $(served) == "$(file_fp "$1")" ]]; } # serves DIR: the server presents DIR's certificate
check "run serves the first certificate" wait_for 10 serves "$rot/..v1"
spid=$(pgrep -f "127.0.5.4:$P4" | head -1)
"$certs" cert "$CA" "$rot/..v2" 127.0.5.4
swap ..v2
check "a renewed certificate is served within seconds, no restart" wait_for 10 serves "$rot/..v2"
check "the agent confirmed it by a handshake" grep -q 'the server presents the renewed certificate' "$TMP/run4.log"
check "the server kept running (pid $spid)" test "$(pgrep -f "127.0.5.4:$P4" | head -1)" = "$spid"
"$certs" cert "$CA" "$rot/..v3" 127.0.5.4 --from 20200101000000Z --until 20210101000000Z
swap ..v3
check "an expired renewal is refused and said so" wait_for 10 grep -q 'renewed certificate is refused.*expired on' "$TMP/run4.log"
check "... and the server keeps the one it had" serves "$rot/..v2"
check "... said once, not every second" test "$(sleep 2.5; grep -c 'renewed certificate is refused' "$TMP/run4.log")" = 1
"$certs" cert "$CA" "$rot/..v4" 127.0.5.4
swap ..v4
check "the next good one is applied" wait_for 10 serves "$rot/..v4"
check "no secret in any log" not_has T9 cat "$TMP"/*.log

summary integration
