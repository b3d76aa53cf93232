#!/usr/bin/env bash
# `run` as the server's init (lib/agent/supervise.h): it starts a real
# redis-server as its child and stays; signals are forwarded once, orphans
# reaped, the server's exit status is its own; the agent's errors (a data
# dir it cannot write, a server that refuses its INFO) cost one log line
# and never the server. `--exec` and [lifecycle] agent = off still exec.
. "$(dirname "$0")/lib.sh"
echo "init"

SECRETS=$TMP/config.json
make_secrets_probe "$SECRETS" probe-Q9
P=$(free_port)
cat >"$TMP/settings.ini" <<INI
[server]
flavour = $RI_SERVER_FLAVOUR
[cluster]
host-pattern = 127.0.6.{i}
redis-port = $P
[paths]
redis-server = $SERVER
redis-sentinel = $SENTINEL
[redis]
bind = 127.0.6.1 127.0.0.1
INI

admin() { rcli_at 127.0.0.1 "$P" admin admin-Q9 "$@"; }
pinged() { [[ $(admin PING) == PONG ]]; }
alive() { kill -0 "$1" 2>/dev/null; }
# The init's one child: the server.
server_of() { pgrep -P "$1" | head -1; }

# start NAME [ARGS]: `run --master` of pod 0 in $TMP/NAME/{conf,data}, in
# the background; INIT is its pid (POD_NAME=... is set by env, not a shell,
# so $! is redis-init itself).
start() {
    local name=$1; shift
    mkdir -p "$TMP/$name/conf" "$TMP/$name/data"
    env POD_NAME=redis-cluster-server-0 "$BIN/redis-init" run --master -c "$TMP/settings.ini" \
        -s "$SECRETS" -o "$TMP/$name/conf" -d "${DATA:-$TMP/$name/data}" "$@" \
        >"$TMP/$name.log" 2>&1 &
    INIT=$!
    PIDS+=("$INIT")
}
# finish: wait for the init to end; RC is its exit status.
finish() { RC=0; wait "$INIT" || RC=$?; }
# ends_within S: the init ends within S seconds (then RC is set).
ends_within() {
    local i
    for ((i = 0; i < $1 * 10; i++)); do alive "$INIT" || { finish; return 0; }; sleep 0.1; done
    return 1
}

# SIGTERM and SIGINT: forwarded once; the server saves and exits 0, and so
# does the init. No sentinel here, so the handover has nothing to do (H3).
for sig in TERM INT; do
    start "$sig"
    check "SIG$sig: the server answers under the init" wait_for 10 pinged
    srv=$(server_of "$INIT")
    check "SIG$sig: the server is the init's child, in a process group of its own" \
        test -n "$srv" -a "$(ps -o pgid= -p "${srv:-0}" | tr -d ' ')" = "$srv"
    check "SIG$sig: the server's program is $RI_SERVER_PROG" grep -q "$RI_SERVER_PROG" "/proc/$srv/cmdline"
    admin SET k "$sig" >/dev/null
    kill -"$sig" "$INIT"
    check "SIG$sig: the init ends" ends_within 10
    check "SIG$sig: exit status 0, the server's (got $RC)" test "$RC" = 0
    check "SIG$sig: forwarded once" test "$(grep -c "msg=\"forwarding to the server\" signal=SIG$sig" "$TMP/$sig.log")" = 1
    check "SIG$sig: the server is gone" bash -c "! kill -0 $srv 2>/dev/null"
    if [[ $sig == TERM ]]; then
        check "SIGTERM: the handover ran first and had nothing to do (H3)" grep -q 'rule=H3' "$TMP/$sig.log"
    fi
done

# SIGKILL of the server: 128 + 9.
start kill
check "SIGKILL: the server answers" wait_for 10 pinged
kill -KILL "$(server_of "$INIT")"
check "SIGKILL of the server: the init ends" ends_within 10
check "SIGKILL of the server: exit status 137 (got $RC)" test "$RC" = 137
check "SIGKILL: the init says how the server ended" grep -q 'msg="the server ended" signal=SIGKILL' "$TMP/kill.log"

# An orphan: the server program is a wrapper that leaves a sleep behind
# (its parent exits at once), then execs the server. The sleep is
# re-parented to the init (a child subreaper here), reaped when it ends.
cat >"$TMP/orphaning-server" <<SH
#!/bin/sh
( sleep 2 & )
exec "$SERVER" "\$@"
SH
chmod 755 "$TMP/orphaning-server"
start orphan --set "paths.redis-server=$TMP/orphaning-server"
check "orphan: the server answers" wait_for 10 pinged
orphan=$(pgrep -f '^sleep 2$' -P "$INIT" || true)
check "orphan: the sleep was re-parented to the init" test -n "$orphan"
zombie() { ps -o stat= -p "$1" 2>/dev/null | grep -q Z; }
gone() { ! alive "$1" && ! zombie "$1"; }
check "orphan: reaped once it ended (no zombie)" wait_for 6 gone "${orphan:-0}"
check "orphan: the server still runs" pinged
kill -TERM "$INIT"
check "orphan: the init ends" ends_within 10

# The exit status of a server that fails: passed through.
printf '#!/bin/sh\nsleep 0.5\nexit 3\n' >"$TMP/failing-server"
chmod 755 "$TMP/failing-server"
start failing --set "paths.redis-server=$TMP/failing-server"
check "a server that exits 3: the init ends" ends_within 10
check "a server that exits 3: the init exits 3 (got $RC)" test "$RC" = 3

# A server that refuses SIGTERM and runs on, as Redis does while it writes
# its first AOF after a sync: the init sends it again every second until
# it stops (here at the third), and passes its status on.
cat >"$TMP/stubborn-server" <<'SH'
#!/bin/bash
n=0
trap 'n=$((n + 1)); echo "SIGTERM $n"; ((n < 3)) || exit 0' TERM
while :; do sleep 0.1; done
SH
chmod 755 "$TMP/stubborn-server"
start stubborn --set "paths.redis-server=$TMP/stubborn-server"
sleep 1
kill -TERM "$INIT"
check "a server that refuses SIGTERM twice: the init ends when it stops" ends_within 10
check "... with the server's status 0 (got $RC)" test "$RC" = 0
check "... after three SIGTERMs, a second apart" grep -q 'SIGTERM 3' "$TMP/stubborn.log"
check "... said once" test "$(grep -c 'sending it again every second' "$TMP/stubborn.log")" = 1

# The agent's errors. A data dir it cannot write (a read-only mount; the
# server persists nothing here, so only the record needs it): one line,
# the server runs on; writable again, the record comes back.
mkdir -p "$TMP/rw" "$TMP/ro"
mount --bind "$TMP/rw" "$TMP/ro"
mount -o remount,ro,bind "$TMP/ro"
DATA=$TMP/ro start rodata --set redis.persistence=none
check "read-only data dir: the server answers" wait_for 10 pinged
check "read-only data dir: one clear line" wait_for 5 grep -q 'cannot record the replication history' "$TMP/rodata.log"
admin REPLICAOF 127.0.0.1 1 >/dev/null # a new line to record (nothing listens there)
sleep 1
admin REPLICAOF NO ONE >/dev/null
sleep 1
check "read-only data dir: still one line after more changes" \
    test "$(grep -c 'cannot record the replication history' "$TMP/rodata.log")" = 1
check "read-only data dir: the server still runs" pinged
mount -o remount,rw,bind "$TMP/ro"
check "writable again: the record is written" wait_for 5 test -s "$TMP/rw/redis-init.history"
check "writable again: and the log says so" grep -q 'the history record is written again' "$TMP/rodata.log"
kill -TERM "$INIT"
check "read-only data dir: the init ends" ends_within 10
umount "$TMP/ro"

# A server that refuses the probe user's INFO: one line, and one when it
# answers again.
start noinfo
check "probe refused: the server answers" wait_for 10 pinged
check "probe refused: the record is written" wait_for 5 test -s "$TMP/noinfo/data/redis-init.history"
admin ACL SETUSER probe -info >/dev/null
sleep 1
check "probe refused: one clear line" test "$(grep -c 'cannot watch the server' "$TMP/noinfo.log")" = 1
check "probe refused: the server still runs" pinged
admin ACL SETUSER probe +info >/dev/null
check "probe allowed again: one line says so" wait_for 5 grep -q 'watching the server again' "$TMP/noinfo.log"
kill -TERM "$INIT"
check "probe refused: the init ends with 0" ends_within 10
check "probe refused: exit 0 (got $RC)" test "$RC" = 0

# --exec and [lifecycle] agent = off: run becomes the server (same pid).
for how in --exec "--set lifecycle.agent=off"; do
    # shellcheck disable=SC2086 # two words for --set
    start exec $how
    check "$how: the server answers" wait_for 10 pinged
    check "$how: the process run started is the server (pid $INIT)" grep -q "$RI_SERVER_PROG" "/proc/$INIT/cmdline"
    check "$how: no history record (no agent)" test ! -e "$TMP/exec/data/redis-init.history"
    kill -TERM "$INIT"
    check "$how: the server ends" ends_within 10
    rm -rf "$TMP/exec"
done

# sentinel-init run: the same init for redis-sentinel, beside a master.
start master
check "sentinel: its master answers" wait_for 10 pinged
SP=$(free_port)
mkdir -p "$TMP/sentinel/conf"
env POD_NAME=redis-cluster-sentinel-0 "$BIN/sentinel-init" run --monitor "127.0.0.1:$P" \
    -c "$TMP/settings.ini" -s "$SECRETS" -o "$TMP/sentinel/conf" --set "cluster.sentinel-port=$SP" \
    >"$TMP/sentinel.log" 2>&1 &
SINIT=$!
PIDS+=("$SINIT")
sentinel_up() { [[ $(server_of "$SINIT") ]] && grep -q "$RI_SENTINEL_PROG" "/proc/$(server_of "$SINIT")/cmdline"; }
check "sentinel: the init's child is $RI_SENTINEL_PROG" wait_for 10 sentinel_up
ssrv=$(server_of "$SINIT")
smasters() { REDISCLI_AUTH=admin-Q9 timeout 5 redis-cli --no-auth-warning -h 127.0.0.1 -p "$SP" --user admin SENTINEL MASTERS 2>&1; }
monitors() { grep -qx 127.0.0.1 < <(smasters); }
if wait_for 10 monitors; then ok "sentinel: it monitors the master"; else
    fail "sentinel: it monitors the master; SENTINEL MASTERS: $(smasters | head -c 300 | tr '\n' ' '); its log: $(tail -n 5 "$TMP/sentinel.log" | tr '\n' ' ')"; fi
kill -TERM "$SINIT"
INIT=$SINIT
check "sentinel: SIGTERM ends the init" ends_within 10
check "sentinel: exit 0 (got $RC)" test "$RC" = 0
check "sentinel: forwarded once" test "$(grep -c 'msg="forwarding to the server" signal=SIGTERM' "$TMP/sentinel.log")" = 1
check "sentinel: the server is gone" bash -c "! kill -0 $ssrv 2>/dev/null"
INIT=${PIDS[-2]}
kill -TERM "$INIT"
check "sentinel: its master ends" ends_within 10

check "no secret in any log" not_has Q9 cat "$TMP"/*.log
summary integration
