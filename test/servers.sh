# shellcheck shell=bash
# shellcheck disable=SC2034 # RI_SERVER_* are set for the scripts that source this
# servers.sh: which Redis-compatible server the tests run, shared by the
# integration suite (test/integration/lib.sh), the end-to-end harness
# (test/e2e/lib.sh) and the fixture script (test/fixtures/rdb/make-fixtures.sh).
#
#   E2E_SERVER=redis7   the host's redis-server / redis-sentinel (Debian
#                       bookworm, Redis 7.0); the default
#   E2E_SERVER=redis8   redis-server / redis-sentinel 8.0 from a Debian trixie root
#   E2E_SERVER=valkey8  valkey-server / valkey-sentinel 8.1 from a Debian trixie root
#
# A trixie root is built once with mmdebstrap from the machine's own apt
# mirror and cached in /var/cache/redis-init-test (E2E_CACHE_DIR). Servers
# run from it through test/server-exec.sh: a private mount namespace, /tmp
# and the caller's resolv.conf / hosts bound into the root, then chroot. The
# caller's network namespace is kept, so a pod's server listens in its pod.
# Everything the servers read or write (conf dir, data dir) must live under
# /tmp.

RI_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_CACHE_DIR=${E2E_CACHE_DIR:-/var/cache/redis-init-test}

# ri_server_select: set from E2E_SERVER
#   RI_SERVER_FLAVOUR   the [server] flavour setting (redis|valkey)
#   RI_SERVER_PROG      program name of the server, RI_SENTINEL_PROG of Sentinel
#   RI_SERVER_ROOT      the trixie root ("" = the host), RI_SERVER_PKGS its packages
#   RI_SERVER_VERSION   the INFO server line that proves which server answers
#                       (an extended regular expression)
ri_server_select() {
    E2E_SERVER=${E2E_SERVER:-redis7}
    RI_SERVER_ROOT="" RI_SERVER_PKGS=""
    case $E2E_SERVER in
        redis7)
            RI_SERVER_FLAVOUR=redis RI_SERVER_PROG=redis-server RI_SENTINEL_PROG=redis-sentinel
            RI_SERVER_VERSION='^redis_version:7\.0\.' ;;
        redis8)
            RI_SERVER_VERSION='^redis_version:8\.0\.'
            RI_SERVER_FLAVOUR=redis RI_SERVER_PROG=redis-server RI_SENTINEL_PROG=redis-sentinel
            RI_SERVER_ROOT=$E2E_CACHE_DIR/trixie-redis8 RI_SERVER_PKGS=redis-server,redis-sentinel,redis-tools ;;
        valkey8)
            RI_SERVER_VERSION='^valkey_version:8\.1\.'
            RI_SERVER_FLAVOUR=valkey RI_SERVER_PROG=valkey-server RI_SENTINEL_PROG=valkey-sentinel
            RI_SERVER_ROOT=$E2E_CACHE_DIR/trixie-valkey8 RI_SERVER_PKGS=valkey-server,valkey-sentinel,valkey-tools ;;
        *) printf 'E2E_SERVER=%s: expected redis7, redis8 or valkey8\n' "$E2E_SERVER" >&2; return 64 ;;
    esac
}

# The first Debian mirror the machine's apt sources name.
ri_debian_mirror() {
    local u
    u=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
    [[ -n $u ]] || u=$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    [[ -n $u ]] || return 1
    printf '%s' "$u"
}

# ri_trixie_root ROOT PACKAGES: a trixie minbase root with PACKAGES
# (comma-separated), built once (a lock keeps concurrent runs from building
# it twice; .complete marks a finished build).
ri_trixie_root() {
    local root=$1 pkgs=$2 mirror
    [[ -f $root/.complete ]] && return 0
    command -v mmdebstrap >/dev/null 2>&1 || { echo "mmdebstrap is missing (Debian package mmdebstrap; tools/install-deps.sh)" >&2; return 1; }
    mirror=$(ri_debian_mirror) || { echo "no Debian mirror in /etc/apt/sources.list(.d) for the trixie root" >&2; return 1; }
    mkdir -p "$(dirname "$root")"
    (
        flock 9
        [[ -f $root/.complete ]] && exit 0
        rm -rf "$root.tmp"
        printf '[servers] building a trixie root with %s in %s (once)\n' "$pkgs" "$root" >&2
        mmdebstrap --quiet --variant=minbase --include="$pkgs" trixie "$root.tmp" "deb $mirror trixie main" >&2 ||
            { echo "mmdebstrap of trixie with $pkgs failed" >&2; exit 1; }
        touch "$root.tmp/.complete"
        rm -rf "$root"
        mv "$root.tmp" "$root"
    ) 9>"$root.lock"
}

# ri_server_ready: the selected server exists (building its root if needed).
ri_server_ready() {
    ri_server_select || return
    if [[ -z $RI_SERVER_ROOT ]]; then
        command -v "$RI_SERVER_PROG" >/dev/null && command -v "$RI_SENTINEL_PROG" >/dev/null ||
            { echo "$RI_SERVER_PROG / $RI_SENTINEL_PROG missing (Debian: redis-server redis-sentinel)" >&2; return 1; }
        return 0
    fi
    ri_trixie_root "$RI_SERVER_ROOT" "$RI_SERVER_PKGS" || return
    [[ -x $RI_SERVER_ROOT/usr/bin/$RI_SERVER_PROG && -x $RI_SERVER_ROOT/usr/bin/$RI_SENTINEL_PROG ]] ||
        { echo "no $RI_SERVER_PROG / $RI_SENTINEL_PROG in $RI_SERVER_ROOT" >&2; return 1; }
}

# ri_server_exec PROG ARGS...: run PROG (a server program name) of the
# selected server, in the foreground, replacing nothing (a child process).
ri_server_exec() {
    if [[ -z $RI_SERVER_ROOT ]]; then "$@"; else "$RI_TEST_DIR/server-exec.sh" "$RI_SERVER_ROOT" "$@"; fi
}

# ri_server_wrappers DIR: write DIR/<server program> and DIR/<sentinel
# program>, executables that run the selected server with their arguments:
# what [paths] redis-server / redis-sentinel name so that `run` execs them.
# On redis7 they exec the host's programs.
ri_server_wrappers() {
    local dir=$1 p
    mkdir -p "$dir"
    for p in "$RI_SERVER_PROG" "$RI_SENTINEL_PROG"; do
        if [[ -z $RI_SERVER_ROOT ]]; then
            printf '#!/bin/sh\nexec %q "$@"\n' "$(command -v "$p")" >"$dir/$p"
        else
            printf '#!/bin/sh\nexec %q %q %q "$@"\n' "$RI_TEST_DIR/server-exec.sh" "$RI_SERVER_ROOT" "$p" >"$dir/$p"
        fi
        chmod 0755 "$dir/$p"
    done
}
