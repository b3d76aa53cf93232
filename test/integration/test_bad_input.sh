#!/usr/bin/env bash
# Every bad input: one clear line on stderr naming file/key/reason, the
# documented exit code, and a pre-existing output directory left untouched.
. "$(dirname "$0")/lib.sh"
echo "bad input"

make_secrets "$TMP/good.json" admin-pass replica-pass sentinel-pass sync-pass api-pass
printf '[cluster]\nredis-replicas = 3\n' >"$TMP/good.ini"
OUT=$TMP/out
mkdir -p "$OUT"
POD_NAME=redis-cluster-server-0 "$BIN/redis-init" render --master -c "$TMP/good.ini" -s "$TMP/good.json" -o "$OUT" -d "$TMP/data" 2>/dev/null
snapshot() { (cd "$OUT" && find . -type f -printf '%p %m\n' | sort && find . -type f -exec sha256sum {} + | sort); }
BEFORE=$(snapshot)

# expect CODE PATTERN description -- args for redis-init render
expect() {
    local code=$1 pattern=$2 what=$3; shift 4
    local err rc=0
    err=$(POD_NAME=redis-cluster-server-0 "$BIN/redis-init" render "${ROLE[@]}" "$@" 2>&1 >/dev/null) || rc=$?
    local lines; lines=$(printf '%s\n' "$err" | grep -c .)
    if [ "$rc" -ne "$code" ]; then fail "$what: exit $rc, want $code: $err"; return; fi
    if [ "$lines" -ne 1 ]; then fail "$what: $lines lines on stderr, want 1: $err"; return; fi
    if ! printf '%s' "$err" | grep -qE -- "$pattern"; then fail "$what: message lacks /$pattern/: $err"; return; fi
    if [ "$(snapshot)" != "$BEFORE" ]; then fail "$what: output directory changed"; return; fi
    ok "$what (exit $rc)"
}
ROLE=(--master)
good=(-c "$TMP/good.ini" -s "$TMP/good.json" -o "$OUT" -d "$TMP/data")

printf '{\n  "data": {\n    "ADMIN_PASSWORD" "x"\n  }\n}\n' >"$TMP/bad.json"
expect 65 'bad\.json:3:[0-9]+' "malformed JSON names line and column" -- -c "$TMP/good.ini" -s "$TMP/bad.json" -o "$OUT"
jq 'del(.data.ADMIN_PASSWORD)' "$TMP/good.json" >"$TMP/missing.json"
expect 65 'ADMIN_PASSWORD' "missing secret key is named" -- -c "$TMP/good.ini" -s "$TMP/missing.json" -o "$OUT"
jq '.data.REPLICA_PASSWORD = "a\u0000b"' "$TMP/good.json" >"$TMP/nul.json"
expect 65 'REPLICA_PASSWORD' "unrepresentable byte (NUL) is rejected naming the key" -- -c "$TMP/good.ini" -s "$TMP/nul.json" -o "$OUT"
jq '.data.ADMIN_PASSWORD = 42' "$TMP/good.json" >"$TMP/num.json"
expect 65 'ADMIN_PASSWORD' "non-string secret is rejected" -- -c "$TMP/good.ini" -s "$TMP/num.json" -o "$OUT"

expect 78 'ordinal 3, but \[cluster\] redis-replicas is 3 \(members 0\.\.2\)' \
    "a pod beyond redis-replicas (its StatefulSet scaled without the settings)" -- "${good[@]}" --set cluster.pod-name=redis-cluster-server-3
printf '[redis]\nfoo = 1\n' >"$TMP/key.ini"
expect 78 'key\.ini:2.*foo' "unknown INI key names file, line and key" -- -c "$TMP/key.ini" -s "$TMP/good.json" -o "$OUT"
printf '[bogus]\nx = 1\n' >"$TMP/sec.ini"
expect 78 'bogus' "unknown INI section" -- -c "$TMP/sec.ini" -s "$TMP/good.json" -o "$OUT"
printf '[cluster]\nredis-port = 63x9\n' >"$TMP/port.ini"
expect 78 'redis-port' "non-numeric port" -- -c "$TMP/port.ini" -s "$TMP/good.json" -o "$OUT"
printf '[sentinel]\nquorum = 5\n' >"$TMP/quorum.ini"
expect 78 'quorum' "quorum larger than the sentinel count" -- -c "$TMP/quorum.ini" -s "$TMP/good.json" -o "$OUT"
expect 78 'quorum' "out-of-range quorum from a flag" -- "${good[@]}" --set sentinel.quorum=0x
expect 66 'nonexistent\.ini' "unreadable settings file" -- -c "$TMP/nonexistent.ini" -s "$TMP/good.json" -o "$OUT"
expect 66 'nonexistent\.json' "unreadable secrets file" -- -c "$TMP/good.ini" -s "$TMP/nonexistent.json" -o "$OUT"
expect 73 'no-such-dir' "missing output directory" -- -c "$TMP/good.ini" -s "$TMP/good.json" -o "$TMP/no-such-dir"
mkdir -p "$TMP/ro"
if mount -t tmpfs -o ro,size=1m tmpfs "$TMP/ro"; then
    expect 73 'ro' "read-only output directory" -- -c "$TMP/good.ini" -s "$TMP/good.json" -o "$TMP/ro"
else
    fail "could not mount a read-only tmpfs to test an unwritable output directory"
fi
ROLE=(--replica-of "host:99999")
expect 64 'replica-of' "bad --replica-of argument" -- "${good[@]}"
ROLE=(--frobnicate)
expect 64 'frobnicate' "unknown option" -- "${good[@]}"

summary integration
