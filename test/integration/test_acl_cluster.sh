#!/usr/bin/env bash
# A master, a replica and a sentinel rendered by our binaries, started as real
# servers on loopback, and every ACL promise checked against them.
# Usage: test_acl_cluster.sh plain|tricky
. "$(dirname "$0")/lib.sh"

case ${1:-plain} in
plain)
    ADMIN=admin-pass REPL=replica-pass SENT=sentinel-pass SYNC=sync-pass SVC=api_pass ;;
tricky)  # every character class that broke the bash scripts (docs/configuration.md)
    ADMIN="a b\"c'd\\e #\$!()%&/=; x"
    REPL="-leading dash \"dq\" 'sq' \\\\ back"
    SENT="ünïcødé 日本 🔑 %s%n \$(id)"
    SYNC="\$(rm -rf /);'\"\`uname\`\" & | > <"
    SVC=" %x /=&;#! tab	end " ;;
esac
echo "acl cluster ($1 passwords, $E2E_SERVER)"

SECRETS=$TMP/config.json
make_secrets "$SECRETS" "$ADMIN" "$REPL" "$SENT" "$SYNC" "$SVC"
P=$(free_port); SP=$(free_port)
cat >"$TMP/settings.ini" <<INI
[server]
flavour = $RI_SERVER_FLAVOUR
[cluster]
host-pattern = 127.0.0.{i}
redis-port = $P
sentinel-port = $SP
[sentinel]
quorum = 1
down-after = 5000
[redis]
; the replica syncs at once, not after Redis's default 5 s wait
directive = repl-diskless-sync-delay 0
INI
export REDIS_INIT_CONFIG=$TMP/settings.ini REDIS_INIT_SECRETS=$SECRETS

render_pod() {  # render_pod NAME BIND args...
    local name=$1 bind=$2; shift 2
    mkdir -p "$TMP/$name/conf" "$TMP/$name/data"
    POD_NAME=$name "$@" -o "$TMP/$name/conf" --set "redis.bind=$bind"
}
render_pod pod-1 127.0.0.1 "$BIN/redis-init" render --master -d "$TMP/pod-1/data"
render_pod pod-2 127.0.0.2 "$BIN/redis-init" render --replica-of "127.0.0.1:$P" -d "$TMP/pod-2/data"
render_pod sent-1 127.0.0.1 "$BIN/sentinel-init" render --monitor "127.0.0.1:$P"

# Files: private, no plaintext password in ACL files, same bytes every time.
check "redis.conf and users.acl are mode 0600" \
    test "$(stat -c %a "$TMP/pod-1/conf/redis.conf" "$TMP/pod-1/conf/users.acl" "$TMP/sent-1/conf/sentinel.conf" | sort -u)" = 600
no_plaintext() { local f pw; for f in "$TMP"/*/conf/users.acl; do for pw in "$ADMIN" "$REPL" "$SENT" "$SYNC" "$SVC"; do ! grep -qF -- "$pw" "$f" || return 1; done; done; }
check "no plaintext password in any users.acl" no_plaintext
cp -a "$TMP/pod-2/conf" "$TMP/pod-2.before"
render_pod pod-2 127.0.0.2 "$BIN/redis-init" render --replica-of "127.0.0.1:$P" -d "$TMP/pod-2/data"
check "rendering twice gives byte-identical files" diff -r "$TMP/pod-2.before" "$TMP/pod-2/conf"

start_bg "$TMP/pod-1.log" "$SERVER" "$TMP/pod-1/conf/redis.conf"
wait_for 10 redis-cli -h 127.0.0.1 -p "$P" PING || { cat "$TMP/pod-1.log"; fail "master starts"; }
is_server() { rcli_at 127.0.0.1 "$1" admin "$ADMIN" INFO server | tr -d '\r' | grep -Eq "$RI_SERVER_VERSION"; }
check "the master is $E2E_SERVER ($RI_SERVER_VERSION)" is_server "$P"
# has WANT command...: the command's output contains WANT. (Captured first:
# grep -q in a pipe may exit early and fail the pipe under pipefail.)
has() { local want=$1 out; shift; out=$("$@" 2>&1) || true; grep -qF -- "$want" <<<"$out"; }
check "fencing: master refuses writes with no replica (min-replicas-to-write)" \
    has NOREPLICAS rcli_at 127.0.0.1 "$P" api_service "$SVC" SET k v
start_bg "$TMP/pod-2.log" "$SERVER" "$TMP/pod-2/conf/redis.conf"
link_up() { rcli_at 127.0.0.2 "$P" admin "$ADMIN" INFO replication | grep -q 'master_link_status:up'; }
check "replica syncs through masteruser/masterauth" wait_for 15 link_up
# The replica says "link up" a moment before the master counts it as a good
# replica for min-replicas-to-write (once it is online and has ACKed; seen
# once in four CI rehearsals). Writes before that get NOREPLICAS, which is
# the fencing working, not the ACL under test.
takes_writes() { has OK rcli_at 127.0.0.1 "$P" admin "$ADMIN" SET fencing-probe 1; }
check "the master takes writes once it counts the replica" wait_for 10 takes_writes

check "service user can SET"        has OK rcli_at 127.0.0.1 "$P" api_service "$SVC" SET greeting "hello world"
check "service user can GET"        has "hello world" rcli_at 127.0.0.1 "$P" api_service "$SVC" GET greeting
check "service user may ROLE (Predis asks it before it uses a master)" \
    has master rcli_at 127.0.0.1 "$P" api_service "$SVC" ROLE
check "service user cannot FLUSHALL" has NOPERM rcli_at 127.0.0.1 "$P" api_service "$SVC" FLUSHALL
check "service user cannot CONFIG"  has NOPERM rcli_at 127.0.0.1 "$P" api_service "$SVC" CONFIG GET dir
check "admin can CONFIG GET"        has maxmemory rcli_at 127.0.0.1 "$P" admin "$ADMIN" CONFIG GET maxmemory
check "default user cannot run commands" has NOAUTH redis-cli -h 127.0.0.1 -p "$P" PING
check "default user cannot log in"  has WRONGPASS rcli_at 127.0.0.1 "$P" default unused-default PING
check "replica user cannot GET"     has NOPERM rcli_at 127.0.0.1 "$P" replica-user "$REPL" GET greeting
check "sentinel user cannot GET"    has NOPERM rcli_at 127.0.0.1 "$P" sentinel-user "$SENT" GET greeting
check "sentinel user can INFO"      has role:master rcli_at 127.0.0.1 "$P" sentinel-user "$SENT" INFO replication
check "wrong password is refused"   has WRONGPASS rcli_at 127.0.0.1 "$P" admin "x$ADMIN" PING
replicated() { [ "$(rcli_at 127.0.0.2 "$P" admin "$ADMIN" GET greeting)" = "hello world" ]; }
check "the write reached the replica" wait_for 10 replicated

start_bg "$TMP/sent-1.log" "$SENTINEL" "$TMP/sent-1/conf/sentinel.conf"
check "the sentinel is $E2E_SERVER" wait_for 10 is_server "$SP"
sees_master() { rcli_at 127.0.0.1 "$SP" admin "$ADMIN" SENTINEL get-master-addr-by-name mymaster | head -1 | grep -qx 127.0.0.1; }
sees_replica() { rcli_at 127.0.0.1 "$SP" admin "$ADMIN" SENTINEL replicas mymaster | grep -qx 127.0.0.2; }
master_ok() { [ "$(rcli_at 127.0.0.1 "$SP" admin "$ADMIN" SENTINEL master mymaster | sed -n '/^flags$/{n;p}')" = master ]; }
check "sentinel monitors the master" wait_for 10 sees_master
check "sentinel found the replica through auth-user (INFO on the master)" wait_for 20 sees_replica
check "sentinel sees the master healthy" wait_for 10 master_ok
check "service user may look up the master on sentinel" \
    has 127.0.0.1 rcli_at 127.0.0.1 "$SP" api_service "$SVC" SENTINEL get-master-addr-by-name mymaster
# What Sentinel-aware clients send (docs/connecting.md) is allowed ...
for c in "SENTINEL masters" "SENTINEL master mymaster" "SENTINEL replicas mymaster" \
         "SENTINEL slaves mymaster" "SENTINEL sentinels mymaster" "CLIENT SETNAME app" "PING"; do
    # shellcheck disable=SC2086 # the command's words
    check "service user may send $c to sentinel" not_has NOPERM rcli_at 127.0.0.1 "$SP" api_service "$SVC" $c
done
# Valkey names the same lookups "primary" too (docs/servers.md); Redis
# does not know them, so the valkey flavour alone allows them.
if [ "$RI_SERVER_FLAVOUR" = valkey ]; then
    for c in "SENTINEL primaries" "SENTINEL primary mymaster" "SENTINEL get-primary-addr-by-name mymaster"; do
        # shellcheck disable=SC2086
        check "service user may send $c to the Valkey sentinel" not_has NOPERM rcli_at 127.0.0.1 "$SP" api_service "$SVC" $c
    done
    check "SENTINEL get-primary-addr-by-name names the master" \
        has 127.0.0.1 rcli_at 127.0.0.1 "$SP" api_service "$SVC" SENTINEL get-primary-addr-by-name mymaster
else
    check "Redis knows no SENTINEL primary (the valkey-only rules would not load)" \
        has ERR rcli_at 127.0.0.1 "$SP" admin "$ADMIN" SENTINEL primary mymaster
fi
check "service user may HELLO 3 on sentinel" has proto rcli_at 127.0.0.1 "$SP" api_service "$SVC" HELLO 3
# subscribed CHANNEL-OR-PATTERN CMD: the subscription is confirmed, not refused.
subscribed() {
    local out
    out=$(REDISCLI_AUTH=$SVC timeout 1 redis-cli --no-auth-warning --raw -h 127.0.0.1 -p "$SP" \
        --user api_service "$2" "$1" 2>&1) || true
    grep -qxF -- "$1" <<<"$out" && ! grep -q NOPERM <<<"$out"
}
check "service user may SUBSCRIBE +switch-master on sentinel" subscribed +switch-master SUBSCRIBE
check "service user may PSUBSCRIBE * on sentinel" subscribed '*' PSUBSCRIBE
# ... and nothing that changes Sentinel state.
for c in "SENTINEL failover mymaster" "SENTINEL set mymaster quorum 2" "SENTINEL reset mymaster" \
         "SENTINEL remove mymaster" "SENTINEL monitor other 127.0.0.1 $P 1" \
         "SENTINEL config set resolve-hostnames no" "SENTINEL debug" "SENTINEL flushconfig" \
         "SENTINEL simulate-failure crash-after-election" "CLIENT KILL ID 1" "PUBLISH +switch-master x" \
         "ACL LIST" "SHUTDOWN NOSAVE"; do
    # shellcheck disable=SC2086
    check "service user is refused $c on sentinel" has NOPERM rcli_at 127.0.0.1 "$SP" api_service "$SVC" $c
done
check "default user cannot use sentinel" has NOAUTH redis-cli -h 127.0.0.1 -p "$SP" SENTINEL masters

# The lifecycle commands on the same servers (rules: docs/lifecycle.md).
# Only pod-1 and sent-1 listen on 127.0.0.1, where `check` asks; of the 3
# configured sentinels (127.0.0.0..2) only sent-1 runs.
ri_rc() { local rc=0; "$@" >"$TMP/ri.out" 2>&1 || rc=$?; echo "$rc"; }
# says CODE TEXT CMD...: CMD exits CODE and says TEXT; otherwise what it said
# is shown (on fd 3: check() silences the command's own output), so a
# failure says why.
exec 3>&1
says() {
    [ "$(ri_rc "${@:3}")" = "$1" ] && { [ -z "$2" ] || grep -qF -- "$2" "$TMP/ri.out"; } && return 0
    sed 's/^/    | /' "$TMP/ri.out" >&3
    return 1
}
jq '.data.PROBE_PASSWORD = "not-the-probe-password"' "$SECRETS" >"$TMP/wrong-probe.json"
check "master liveness passes (L1)" says 0 "" env POD_NAME=pod-1 "$BIN/redis-init" check --liveness
check "master startup passes (L1)" says 0 "" env POD_NAME=pod-1 "$BIN/redis-init" check --startup
check "master named by 1 of 3 sentinels is not ready (R10, exit 75)" \
    says 75 "rule R10" env POD_NAME=pod-1 "$BIN/redis-init" check
check "sentinel without peers is not ready (Q5, exit 75)" \
    says 75 "rule Q5" env POD_NAME=sent-1 "$BIN/sentinel-init" check --readiness
check "sentinel liveness passes" says 0 "" env POD_NAME=sent-1 "$BIN/sentinel-init" check --liveness
check "a wrong probe password is refused (exit 77)" \
    says 77 "refused the probe user" env POD_NAME=pod-1 "$BIN/redis-init" check --liveness -s "$TMP/wrong-probe.json"
check "nothing on the port: down (exit 69)" \
    says 69 "rule L4" env POD_NAME=pod-1 "$BIN/redis-init" check --liveness --set "cluster.redis-port=$(free_port)"
check "sentinel prestop, no failover led: at once (G1)" says 0 "rule=G1" env POD_NAME=sent-1 "$BIN/sentinel-init" prestop
check "master prestop without a sentinel majority: bounded, exit 69 (H16)" \
    says 69 "rule H16" env POD_NAME=pod-1 "$BIN/redis-init" prestop --set lifecycle.prestop-timeout=4000 \
    --set lifecycle.check-timeout=2000   # the one sentinel must not time out on a loaded machine (H3)
check "master still writable after a failed prestop" has OK rcli_at 127.0.0.1 "$P" api_service "$SVC" SET after prestop

# [acl] sentinel-default-user = discovery (docs/connecting.md): a second
# sentinel, last (it would become sent-1's peer), whose default user finds
# the master without a password and can do nothing else.
SP2=$(free_port)
render_pod sent-2 127.0.0.2 "$BIN/sentinel-init" render --monitor "127.0.0.1:$P" \
    --set "cluster.sentinel-port=$SP2" --set acl.sentinel-default-user=discovery
start_bg "$TMP/sent-2.log" "$SENTINEL" "$TMP/sent-2/conf/sentinel.conf"
anon() { redis-cli --raw -h 127.0.0.2 -p "$SP2" "$@"; }
check "anonymous discovery: the sentinel starts with the default user open" wait_for 10 anon PING
check "anonymous discovery: get-master-addr-by-name names the master" \
    has 127.0.0.1 anon SENTINEL get-master-addr-by-name mymaster
for c in "SENTINEL replicas mymaster" "SENTINEL slaves mymaster" "SENTINEL sentinels mymaster"; do
    # shellcheck disable=SC2086
    check "anonymous discovery: $c is allowed" not_has NOPERM anon $c
done
anon_subscribed() {
    local out
    out=$(timeout 1 redis-cli --raw -h 127.0.0.2 -p "$SP2" SUBSCRIBE +switch-master 2>&1) || true
    grep -qxF -- +switch-master <<<"$out" && ! grep -q NOPERM <<<"$out"
}
check "anonymous discovery: SUBSCRIBE +switch-master is allowed" anon_subscribed
if [ "$RI_SERVER_FLAVOUR" = valkey ]; then
    check "anonymous discovery: get-primary-addr-by-name names the master (Valkey)" \
        has 127.0.0.1 anon SENTINEL get-primary-addr-by-name mymaster
fi
for c in "SENTINEL masters" "SENTINEL master mymaster" "SENTINEL failover mymaster" \
         "SENTINEL set mymaster quorum 2" "SENTINEL reset mymaster" "SENTINEL config get *" \
         "SENTINEL debug" "INFO" "CLIENT LIST" "ACL LIST" "PUBLISH +switch-master x" "SHUTDOWN NOSAVE"; do
    # shellcheck disable=SC2086
    check "anonymous discovery: $c is refused" has NOPERM anon $c
done
check "anonymous discovery: the default user has no password to guess" \
    has "user default on nopass" cat "$TMP/sent-2/conf/users.acl"

# ---------------------------------------------------------------- live credentials
# The server behaviours live rotation rests on (issue 21; the facts table of
# docs/design/credentials-plan.md), on this flavour, once (plain passwords):
# a user takes a second password and drops the first with ACL SETUSER, and
# no link authenticated before is re-checked; a replica switches masterauth
# with no resync; Sentinel switches auth-pass and sentinel-pass live. After
# each switch the links are cut from the server side, so they must come
# back with the new password; a link that could not would stop answering
# pings (Sentinel pings every second).
if [ "${1:-plain}" = plain ]; then
    sha() { printf %s "$1" | sha256sum | cut -c1-64; }
    at() { local h=$1 p=$2; shift 2; rcli_at "$h" "$p" admin "$ADMIN" "$@"; }
    both_servers() { at 127.0.0.1 "$P" "$@" && at 127.0.0.2 "$P" "$@"; }
    both_sentinels() { at 127.0.0.1 "$SP" "$@" && at 127.0.0.2 "$SP2" "$@"; }
    info_field() { at "$1" "$P" INFO "$2" | tr -d '\r' | sed -n "s/^$3://p"; }
    # fresh IP PORT SENTINEL-ARGS...: the instance at IP:PORT answered one of
    # sent-1's pings in the last 1.5 s, as SENTINEL master/replicas/sentinels
    # report it (the configured pods that do not run are listed too, down).
    # Only a +PONG counts: a ping refused for want of AUTH does not.
    fresh() { fresh_on 127.0.0.1 "$SP" "$@"; }
    fresh_on() { # ASK_HOST ASK_PORT, then as fresh: asking another sentinel
        local ms
        ms=$(at "$1" "$2" SENTINEL "${@:5}" | awk -v ip="$3" -v port="$4" '
            NR % 2 { k = $0; next }
            k == "name" { if (hit) exit; i = ""; p = "" }
            k == "ip" { i = $0 } k == "port" { p = $0 }
            k == "last-ok-ping-reply" && i == ip && p == port { print; hit = 1 }')
        [ -n "$ms" ] && [ "$ms" -lt 1500 ]
    }

    # A second password for the service user, then the first one dropped.
    NEWSVC=svc-new-Q9 go=$TMP/hold.go
    REDIS_PASS=$SVC /usr/bin/python3 "$(dirname "$0")/../tools/hold.py" 127.0.0.1 "$P" - - - api_service \
        "$go" "$TMP/hold.out" & hold=$!
    wait_for 5 grep -q '^before PONG' "$TMP/hold.out"
    check "ACL SETUSER adds a second password on both servers" both_servers ACL SETUSER api_service "#$(sha "$NEWSVC")"
    check "with two passwords, the new one logs in" has PONG rcli_at 127.0.0.1 "$P" api_service "$NEWSVC" PING
    check "with two passwords, the old one still logs in" has PONG rcli_at 127.0.0.1 "$P" api_service "$SVC" PING
    # credentials status reads the same through ACL GETUSER (this flavour's reply shape).
    status_svc() { # HOST OTHERS [ARGS]: api_service current there, with OTHERS other passwords
        local out
        out=$(env POD_NAME=pod-1 "$BIN/redis-init" credentials --json "${@:3}" status 2>/dev/null) || true
        jq -e --arg h "$1" --argjson p "$P" --argjson o "$2" '.members[] | select(.host == $h and .port == $p) |
            .marker == null and .users.api_service.current and .users.api_service.others == $o' <<<"$out" >/dev/null
    }
    status_both() { status_svc 127.0.0.1 "$@" && status_svc 127.0.0.2 "$@"; }
    check "credentials status sees the second password on both servers" status_both 1
    check "ACL SETUSER !hash drops the old password" both_servers ACL SETUSER api_service "!$(sha "$SVC")"
    check "the old password dropped: a new AUTH with it gets WRONGPASS" \
        has WRONGPASS rcli_at 127.0.0.1 "$P" api_service "$SVC" PING
    jq --arg p "$NEWSVC" '.data.SERVICE_PASSWORD = $p' "$SECRETS" >"$TMP/new-secrets.json"
    check "credentials status: with the new secrets, current and alone on both servers" \
        status_both 0 -s "$TMP/new-secrets.json"
    touch "$go"; wait "$hold" || true
    check "a connection authenticated with the old password is not re-checked (it stays)" \
        grep -qx 'after PONG' "$TMP/hold.out"

    # Replication: both passwords on every server, the replica switches
    # masterauth, the old one goes; the link stays, and once cut comes back
    # with the new password and a partial resync.
    NEWREPL=repl-new-Q9
    full=$(info_field 127.0.0.1 stats sync_full) partial=$(info_field 127.0.0.1 stats sync_partial_ok)
    both_servers ACL SETUSER replica-user "#$(sha "$NEWREPL")" >/dev/null
    check "CONFIG SET masterauth on the replica" has OK at 127.0.0.2 "$P" CONFIG SET masterauth "$NEWREPL"
    both_servers ACL SETUSER replica-user "!$(sha "$REPL")" >/dev/null
    check "masterauth switched, the old password dropped: the link is still up" link_up
    at 127.0.0.2 "$P" CLIENT KILL TYPE master >/dev/null
    resynced() { link_up && [ "$(info_field 127.0.0.1 stats sync_partial_ok)" -gt "$partial" ]; }
    check "the link cut: the replica reconnects with the new password (partial resync)" wait_for 15 resynced
    check "no full resync through the switch (sync_full $full)" test "$(info_field 127.0.0.1 stats sync_full)" = "$full"

    # Sentinel -> servers: SENTINEL SET auth-pass, then the sentinels'
    # connections cut on both servers.
    NEWSENT=sent-new-Q9
    both_servers ACL SETUSER sentinel-user "#$(sha "$NEWSENT")" >/dev/null
    check "SENTINEL SET <master> auth-pass on both sentinels" both_sentinels SENTINEL SET mymaster auth-pass "$NEWSENT"
    both_servers ACL SETUSER sentinel-user "!$(sha "$SENT")" >/dev/null
    both_servers CLIENT KILL USER sentinel-user >/dev/null
    sleep 3
    check "auth-pass switched and links cut: the sentinel still pings the master" fresh 127.0.0.1 "$P" master mymaster
    check "... and the replica" fresh 127.0.0.2 "$P" replicas mymaster
    check "... and sees the master healthy" master_ok

    # Sentinel <-> sentinel: SENTINEL CONFIG SET sentinel-pass.
    NEWSYNC=sync-new-Q9
    both_sentinels ACL SETUSER sentinel-sync "#$(sha "$NEWSYNC")" >/dev/null
    check "SENTINEL CONFIG SET sentinel-pass on both sentinels" both_sentinels SENTINEL CONFIG SET sentinel-pass "$NEWSYNC"
    both_sentinels ACL SETUSER sentinel-sync "!$(sha "$SYNC")" >/dev/null
    both_sentinels CLIENT KILL USER sentinel-sync >/dev/null
    sleep 3
    # sent-2 asks sent-1: sent-1's default user is off, so a failed AUTH
    # leaves sent-2's pings refused (sent-2's own default user answers PING).
    check "sentinel-pass switched and links cut: a sentinel still pings its peer" \
        fresh_on 127.0.0.2 "$SP2" 127.0.0.1 "$SP" sentinels mymaster
    no_new_pw() { ! grep -qF -e "$NEWSVC" -e "$NEWREPL" -e "$NEWSENT" -e "$NEWSYNC" "$TMP"/*.log; }
    check "no new password in any server or sentinel log" no_new_pw
fi

summary integration
