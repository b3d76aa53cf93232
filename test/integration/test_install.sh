#!/usr/bin/env bash
# install DIR: both names, mode 0755, atomic and idempotent, no settings or
# secrets needed, exit 73 with one line when DIR is missing or read-only.
. "$(dirname "$0")/lib.sh"
echo "install"

# Settings that would fail if install read them: it must not.
inst() { env -i PATH=/usr/bin:/bin REDIS_INIT_CONFIG=/nonexistent.ini "$BIN/redis-init" install "$@"; }

D=$TMP/seed
mkdir -p "$D"
rc=0; (umask 077 && inst "$D") 2>/dev/null || rc=$?
check "install exits 0 without settings or secrets (umask 077)" test "$rc" -eq 0
check "exactly redis-init and sentinel-init in DIR, no temp files" \
    test "$(ls -A "$D" | tr '\n' ' ')" = "redis-init sentinel-init "
for n in redis-init sentinel-init; do
    check "$n is mode 0755" test "$(stat -c %a "$D/$n")" = 755
    check "$n is the running executable, byte for byte" cmp -s "$D/$n" "$BIN/redis-init"
    check "$n --version names itself" test "$("$D/$n" --version)" = "$n $(cat "$(dirname "$0")/../../VERSION")"
done

# Each name is its own tool: sentinel-init writes sentinel.conf.
make_secrets "$TMP/s.json" admin-pass replica-pass sentinel-pass sync-pass api-pass
printf '[cluster]\nredis-replicas = 3\n' >"$TMP/s.ini"
mkdir -p "$TMP/rc" "$TMP/sc"
POD_NAME=redis-cluster-server-0 "$D/redis-init" render --master -c "$TMP/s.ini" -s "$TMP/s.json" \
    -o "$TMP/rc" -d "$TMP/data" 2>/dev/null
check "installed redis-init renders redis.conf" test -s "$TMP/rc/redis.conf"
POD_NAME=redis-cluster-sentinel-0 "$D/sentinel-init" render --monitor redis-cluster-server-0:6379 \
    -c "$TMP/s.ini" -s "$TMP/s.json" -o "$TMP/sc" 2>/dev/null
check "installed sentinel-init renders sentinel.conf" test -s "$TMP/sc/sentinel.conf"

# Idempotent: again over the same files, and from the installed copy.
sum1=$(cd "$D" && sha256sum redis-init sentinel-init)
rc=0; inst "$D" 2>/dev/null || rc=$?
rc2=0; env -i "$D/sentinel-init" install "$D" 2>/dev/null || rc2=$?
check "a second and a third install exit 0" test "$rc$rc2" = 00
check "and leave the same two files" test "$(cd "$D" && sha256sum redis-init sentinel-init)" = "$sum1"
check "and no temp files" test "$(ls -A "$D" | wc -l)" -eq 2

# expect_73 DIR PATTERN WHAT: exit 73, one stderr line naming DIR, nothing written.
expect_73() {
    local dir=$1 pattern=$2 what=$3 err rc=0
    err=$(inst "$dir" 2>&1 >/dev/null) || rc=$?
    if [ "$rc" -ne 73 ]; then fail "$what: exit $rc, want 73: $err"; return; fi
    if [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ]; then fail "$what: want one line: $err"; return; fi
    if ! printf '%s' "$err" | grep -qE -- "$pattern"; then fail "$what: message lacks /$pattern/: $err"; return; fi
    ok "$what (exit 73: $(printf '%s' "$err" | sed 's/.*msg=//'))"
}
expect_73 "$TMP/no-such-dir" 'no-such-dir.*does not exist' "missing DIR"
: >"$TMP/plainfile"
expect_73 "$TMP/plainfile" 'plainfile.*not a directory' "DIR is a file"
mkdir -p "$TMP/ro"
if mount -t tmpfs -o ro,size=1m tmpfs "$TMP/ro"; then
    expect_73 "$TMP/ro" 'ro.*[Rr]ead-only' "read-only DIR"
    check "nothing appeared in the read-only DIR" test -z "$(ls -A "$TMP/ro")"
else
    fail "could not mount a read-only tmpfs"
fi

summary integration
