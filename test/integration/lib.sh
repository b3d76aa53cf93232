#!/usr/bin/env bash
# Helpers for integration tests: real redis-server / redis-sentinel (or
# valkey-server / valkey-sentinel) on loopback addresses (127.0.0.N),
# rendered by our binaries. Sourced.
set -euo pipefail

BIN=${RI_BIN_DIR:-bin}
BIN=$(cd "$BIN" && pwd)
TMP=$(mktemp -d /tmp/ri-it.XXXXXX)
PIDS=()

# The server under test (E2E_SERVER=redis7|redis8|valkey8, test/servers.sh):
# $SERVER and $SENTINEL run it, RI_SERVER_FLAVOUR is its [server] flavour.
# shellcheck source=../servers.sh
. "$(dirname "${BASH_SOURCE[0]}")/../servers.sh"
ri_server_ready || exit 1
ri_server_wrappers "$TMP/sbin"
SERVER=$TMP/sbin/$RI_SERVER_PROG SENTINEL=$TMP/sbin/$RI_SENTINEL_PROG

cleanup() {
    local p
    # A PIDS entry may be a subshell around an init: its children first.
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && pkill -TERM -P "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    mountpoint -q "$TMP/ro" 2>/dev/null && umount "$TMP/ro"
    [[ -n ${KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# ok, fail, check, wait_for: test/lib/assert.sh.
# shellcheck source=../lib/assert.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"

# A port free on every loopback address we use.
# A port below the kernel's ephemeral range (ip_local_port_range, from
# 32768 here): one above it could be taken by any outgoing connection
# between this check and the server's bind.
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((16000 + RANDOM % 16000))
        if ! ss -Hltn "sport = :$p" | grep -q .; then echo "$p"; return; fi
    done
    echo "no free port" >&2; return 1
}


# Secrets JSON ({"data": {...}}, docs/configuration.md) built with jq so any byte is encoded right.
# Usage: make_secrets FILE admin_pw replica_pw sentinel_pw sync_pw service_pw
make_secrets() {
    jq -n --arg a "$2" --arg r "$3" --arg s "$4" --arg y "$5" --arg v "$6" '{data: {
        REPLICA_USERNAME: "replica-user", REPLICA_PASSWORD: $r,
        SENTINEL_USERNAME: "sentinel-user", SENTINEL_PASSWORD: $s,
        SENTINEL_SYNC_USERNAME: "sentinel-sync", SENTINEL_SYNC_PASSWORD: $y,
        ADMIN_USERNAME: "admin", ADMIN_PASSWORD: $a,
        SERVICE_USERNAME: "api_service", SERVICE_PASSWORD: $v,
        DEFAULT_USER_PASS: "unused-default"}}' >"$1"
    chmod 600 "$1"
}

# make_secrets_probe FILE PROBE_PASSWORD: make_secrets' file with a probe
# user of its own ("probe", that password) added.
make_secrets_probe() {
    make_secrets "$1.base" admin-Q9 repl-Q9 sent-Q9 sync-Q9 "svc-Q9"
    jq --arg p "$2" '.data += {PROBE_USERNAME: "probe", PROBE_PASSWORD: $p}' "$1.base" >"$1"
    chmod 600 "$1"
    rm -f "$1.base"
}

# rcli_at HOST PORT USER PASSWORD args...: redis-cli, password via the
# environment (never argv), raw output. (e2e's rcli_at POD takes a pod.)
rcli_at() {
    local host=$1 port=$2 user=$3 pw=$4; shift 4
    REDISCLI_AUTH=$pw redis-cli --no-auth-warning --raw -h "$host" -p "$port" --user "$user" "$@" 2>&1
}

# not_has UNWANTED command...: the command's output lacks UNWANTED and any
# other error reply (ERR, NOAUTH, WRONGPASS, NOPERM).
not_has() {
    local bad=$1 out; shift
    out=$("$@" 2>&1) || true
    ! grep -qF -- "$bad" <<<"$out" && ! grep -qE '^(ERR|NOAUTH|WRONGPASS|NOPERM)' <<<"$out"
}

# start_bg LOGFILE command...: start a server in the background, remember it.
start_bg() {
    local log=$1; shift
    "$@" >"$log" 2>&1 &
    PIDS+=("$!")
}
