# shellcheck shell=bash
# lib.sh: a private Docker engine for tests, and base images made locally.
#
# The engine is Debian's docker.io dockerd with everything of its own under
# one temp dir ($DK_ENGINE: data root, exec root, pidfile, socket, config), and
# --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false
# --bridge=none: the host's firewall, sysctls and default bridge are never
# touched, and containers have no network unless a test creates one
# (dk_network: --internal, so nothing is routed or forwarded beyond it).
# The host's /etc/docker/daemon.json and ~/.docker are not read.
#
# No registry is reachable: base images are root file systems made with
# mmdebstrap from the machine's own apt sources and `docker import`ed under
# the name the official image has (dk_base_image). The tarballs are cached
# in $DK_CACHE (default /var/cache/redis-init-test), keyed by what goes in
# them, so repeat runs import in seconds; CI makes them from nothing.
#
# Usage: source this file, dk_engine_start (installs the EXIT/INT/TERM trap
# that removes the suite's containers, networks and volumes, stops the
# engine if the suite started it, and removes $DK_RUN, the suite's scratch
# folder; a test adds its own cleanup by defining dk_test_cleanup), then
# dk ... (the docker CLI on this engine). Shared by test/docker/test_*.sh,
# image-bins.sh and test/k8s/test_kubelet.sh.
#
# One engine for several suites: with DK_SHARED set to an engine folder
# that test/docker/engine.sh started, the suites use that engine instead
# of starting their own, so base images are imported and our image is
# built (with its build cache) once per `make test`, not once per suite.

DK_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # for the tests that source this file
DK_REPO_DIR=$(cd "$DK_LIB_DIR/../.." && pwd)
DK_CACHE=${DK_CACHE:-/var/cache/redis-init-test}
DOCKER_BIN=${DOCKER_BIN:-/usr/bin/docker}     # docker.io's CLI, not another on PATH
DOCKERD_BIN=${DOCKERD_BIN:-/usr/sbin/dockerd}
DK_TIMEOUT=${DK_TIMEOUT:-300}                 # s, any one docker command

dk_log() { printf '[docker %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# dk ARGS...: the docker CLI against the private engine, bounded in time.
dk() {
    DOCKER_HOST="unix://$DK_ENGINE/docker.sock" DOCKER_CONFIG="$DK_ENGINE/cli" \
        timeout -k 10 "$DK_TIMEOUT" "$DOCKER_BIN" "$@"
}

# ---------------------------------------------------------------- results

# ok, fail, check, summary, wait_for, die: test/lib/assert.sh ("docker: N
# passed, M failed" from `summary docker`).
TEST_TAG=docker
# shellcheck source=../lib/assert.sh
. "$DK_LIB_DIR/../lib/assert.sh"

# dk_cli CONTAINER PORT USER PASSWORD ARGS...: redis-cli inside a container,
# raw output without CRs; the password travels in the environment (the
# docker CLI passes the name only). A failure is in the output.
dk_cli() {
    local cn=$1 port=$2 user=$3
    REDISCLI_AUTH=$4 dk exec -e REDISCLI_AUTH "$cn" timeout 10 redis-cli --no-auth-warning --raw \
        -p "$port" --user "$user" "${@:5}" 2>&1 | tr -d '\r' || true
}

# ---------------------------------------------------------------- engine

# dk_engine_launch DIR: dockerd with everything of its own under DIR
# (data root, exec root, pidfile, socket, config); sets DK_ENGINE and
# DK_DOCKERD_PID. Dies if it does not answer within 60 s.
dk_engine_launch() {
    [[ -x $DOCKERD_BIN && -x $DOCKER_BIN ]] || die "dockerd/docker not found (Debian package docker.io)"
    DK_ENGINE=$1
    mkdir -p "$DK_ENGINE/cli"
    echo '{}' >"$DK_ENGINE/daemon.json"
    setsid "$DOCKERD_BIN" --config-file "$DK_ENGINE/daemon.json" \
        --data-root "$DK_ENGINE/data" --exec-root "$DK_ENGINE/exec" --pidfile "$DK_ENGINE/dockerd.pid" \
        -H "unix://$DK_ENGINE/docker.sock" --iptables=false --ip6tables=false --ip-forward=false \
        --ip-masq=false --bridge=none --log-level="${DK_LOG_LEVEL:-warn}" \
        >"$DK_ENGINE/dockerd.log" 2>&1 </dev/null &
    DK_DOCKERD_PID=$!
    local end=$((SECONDS + 60))
    until dk version >/dev/null 2>&1; do
        if ! kill -0 "$DK_DOCKERD_PID" 2>/dev/null || ((SECONDS >= end)); then
            tail -20 "$DK_ENGINE/dockerd.log" >&2
            die "dockerd did not come up (log above)"
        fi
        sleep 0.2
    done
    dk_log "engine up: $DK_ENGINE (dockerd pid $DK_DOCKERD_PID, $(dk version -f '{{.Server.Version}}'))"
}

dk_engine_start() {
    # Short path: the exec root holds unix sockets (108-byte limit).
    DK_RUN=$(mktemp -d /tmp/ri-dk.XXXXXX)
    trap dk_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if [[ -n ${DK_SHARED:-} ]]; then
        DK_ENGINE=$DK_SHARED DK_DOCKERD_PID=
        dk version >/dev/null 2>&1 || die "DK_SHARED=$DK_SHARED: no engine answers there"
        dk_log "engine shared: $DK_ENGINE (test/docker/engine.sh); scratch $DK_RUN"
        return 0
    fi
    dk_engine_launch "$DK_RUN"
}

# Every process started with the engine's folder in its command line
# (dockerd, its containerd, the shims): found by that unique path, never
# by name.
dk_own_pids() {
    local p cmd
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        [[ $cmd == *"$DK_ENGINE/"* ]] && echo "${p#/proc/}"
    done
}

# dk_clear: every container, then unused networks and volumes, gone: what
# a suite leaves on a shared engine.
dk_clear() {
    local ids
    ids=$(DK_TIMEOUT=20 dk ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -n $ids ]] && DK_TIMEOUT=30 dk rm -f -v $ids >/dev/null 2>&1
    DK_TIMEOUT=30 dk network prune -f >/dev/null 2>&1
    DK_TIMEOUT=30 dk volume prune -f >/dev/null 2>&1
    return 0
}

# dk_engine_stop: bounded: containers removed, dockerd TERM then KILL,
# leftovers of the engine killed, mounts under $DK_ENGINE unmounted,
# $DK_ENGINE removed (unless DK_KEEP). Non-zero if mounts are left.
dk_engine_stop() {
    [[ -n ${DK_ENGINE:-} && -d $DK_ENGINE ]] || return 0
    if [[ -z ${DK_DOCKERD_PID:-} && -f $DK_ENGINE/dockerd.pid ]]; then DK_DOCKERD_PID=$(cat "$DK_ENGINE/dockerd.pid"); fi
    if [[ -n ${DK_DOCKERD_PID:-} ]] && kill -0 "$DK_DOCKERD_PID" 2>/dev/null; then
        dk_clear
        kill -TERM "$DK_DOCKERD_PID" 2>/dev/null || true
        local end=$((SECONDS + 30))
        while kill -0 "$DK_DOCKERD_PID" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
        kill -KILL "$DK_DOCKERD_PID" 2>/dev/null || true
        # Not our child when engine.sh started it: wait fails, and under
        # set -e that would end the stop before the unmounts.
        wait "$DK_DOCKERD_PID" 2>/dev/null || true
    fi
    local p
    for p in $(dk_own_pids); do kill -KILL "$p" 2>/dev/null; done
    sleep 0.2
    # A shim that was still exiting can leave its netns mount behind the
    # first pass: up to three.
    local m try
    for try in 1 2 3; do
        grep -qF " $DK_ENGINE/" /proc/self/mounts || break
        ((try == 1)) || sleep 0.5
        while read -r m; do umount -l "$m" 2>/dev/null; done < <(awk -v d="$DK_ENGINE/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
    done
    if [[ -n ${DK_KEEP:-} ]]; then
        dk_log "kept $DK_ENGINE (DK_KEEP)"
    elif grep -qF " $DK_ENGINE/" /proc/self/mounts; then
        dk_log "WARNING: mounts left under $DK_ENGINE, not removed"
        return 1
    else
        rm -rf "$DK_ENGINE"
    fi
    return 0
}

# The suite's end: its own cleanup, then its engine stopped (or, on a
# shared engine, what it left removed), then its scratch folder removed.
dk_teardown() {
    local rc=$?
    trap - EXIT INT TERM
    set +e   # every step runs, whatever failed before it
    [[ -n ${DK_RUN:-} && -d $DK_RUN ]] || exit "$rc"
    if declare -F dk_test_cleanup >/dev/null; then dk_test_cleanup || true; fi
    if [[ -n ${DK_SHARED:-} ]]; then
        dk_clear
    else
        dk_engine_stop || { ((rc)) || rc=1; }
    fi
    if [[ -n ${DK_KEEP:-} ]]; then dk_log "kept $DK_RUN (DK_KEEP)"; elif [[ $DK_RUN != "${DK_ENGINE:-}" ]]; then rm -rf "$DK_RUN"; fi
    exit "$rc"
}

# ---------------------------------------------------------------- images

# dk_base_image NAME SUITE [PACKAGE...] [-- DOCKER-IMPORT-CHANGE...]:
# NAME (e.g. debian:bookworm, redis:7.0) from an mmdebstrap minbase of SUITE
# with PACKAGEs, made from this machine's apt sources (the image then has
# those sources too), unless the engine already has it.
dk_base_image() {
    local name=$1 suite=$2; shift 2
    local pkgs=() changes=()
    while (($#)) && [[ $1 != -- ]]; do pkgs+=("$1"); shift; done
    (($#)) && shift && changes=("$@")
    if dk image inspect "$name" >/dev/null 2>&1; then return 0; fi
    local sources=(/etc/apt/sources.list.d/*.sources /etc/apt/sources.list)
    local s key mirror srcs=()
    for s in "${sources[@]}"; do
        [[ -s $s && $(basename "$s") != redis-init-deb-src.* ]] && srcs+=("$s")
    done
    ((${#srcs[@]})) || die "no apt sources on this machine"
    # A suite the machine's sources do not name (trixie on bookworm): the
    # same mirror, that suite (docs/servers.md).
    if ! grep -qE "^[^#]*[[:space:]]$suite([[:space:]]|$)" "${srcs[@]}"; then
        mirror=$(dk_debian_mirror) || die "no Debian mirror in the apt sources for $suite"
        mkdir -p "$DK_RUN/apt"
        echo "deb $mirror $suite main" >"$DK_RUN/apt/$suite.list"
        srcs=("$DK_RUN/apt/$suite.list")
    fi
    key=$( { echo "minbase $suite ${pkgs[*]}"; cat "${srcs[@]}"; } | sha256sum | cut -c1-16)
    local tar="$DK_CACHE/${name//[:\/]/_}-$suite-$key.tar"
    if [[ ! -f $tar ]]; then
        mkdir -p "$DK_CACHE"
        dk_log "mmdebstrap $suite minbase ${pkgs[*]:++ ${pkgs[*]} }-> $tar"
        local inc=()
        ((${#pkgs[@]})) && inc=(--include="$(IFS=,; echo "${pkgs[*]}")")
        # The sources go in as files (one per argument), never from stdin.
        timeout -k 10 900 mmdebstrap --quiet --variant=minbase --format=tar "${inc[@]}" \
            "$suite" "$tar.tmp" "${srcs[@]}" </dev/null ||
            { rm -f "$tar.tmp"; die "mmdebstrap failed for $name"; }
        mv "$tar.tmp" "$tar"
    fi
    local c ch=()
    for c in "${changes[@]}"; do ch+=(--change "$c"); done
    dk import "${ch[@]}" "$tar" "$name" >/dev/null || die "docker import $tar as $name failed"
    dk_log "image $name from $(basename "$tar") ($(du -m "$tar" | cut -f1) MB)"
}

# The first Debian mirror the machine's apt sources name.
dk_debian_mirror() {
    local u
    u=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
    [[ -n $u ]] || u=$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    [[ -n $u ]] && printf '%s' "$u"
}

# dk_stand_in NAME BASE DOCKERFILE-LINES [FILE...]: NAME built FROM BASE
# (offline) with those lines, the FILEs in its build context (by their
# base names), labelled as our stand-in; nothing when the engine already
# has it.
DK_STAND_IN_LABEL=org.redis-init.test.stand-in
dk_stand_in() {
    local name=$1 base=$2 lines=$3 ctx
    [[ $(dk image inspect -f "{{index .Config.Labels \"$DK_STAND_IN_LABEL\"}}" "$name" 2>/dev/null) == "$name" ]] &&
        return 0
    ctx=$(mktemp -d "$DK_RUN/ctx.XXXXXX")
    printf 'FROM %s\n%s\nLABEL %s="%s"\n' "$base" "$lines" "$DK_STAND_IN_LABEL" "$name" >"$ctx/Dockerfile"
    (($# < 4)) || cp "${@:4}" "$ctx/"
    dk build -q --network none -t "$name" "$ctx" >/dev/null || die "building the stand-in $name failed"
    rm -rf "$ctx"
    dk_log "stand-in $name (FROM $base)"
}

# Stand-ins for official images no registry can give us here, tagged as the
# official ones, laid out like them where our compose file and manifests
# rely on it (what runs as PID 1 is always given explicitly):
#   dk_image_redis [TAG]    redis:7.0: Debian bookworm's redis-server,
#                           redis-sentinel, redis-cli; /data owned by 999:999
#                           (the official image's redis user), WORKDIR /data
#   dk_image_haproxy [TAG]  haproxy:2.6: bookworm's HAProxy 2.6 (with /bin/sh,
#                           as the official Debian-based image)
#   dk_image_webdis [TAG]   nicolas/webdis:0.1.22: trixie's Webdis 0.1.22
#                           (bookworm's 0.1.9 cannot log in as an ACL user)
#   dk_image_dns [TAG]      ri-test/dnsmasq: not an official image; the
#                           "host's resolver" a compose network forwards to
#   dk_image_exporter [TAG] oliver006/redis_exporter:v1.45.0: bookworm's
#                           redis_exporter 1.45 as /redis_exporter, the
#                           entry point, user 59000 (as upstream)
#   dk_image_prometheus [TAG] prom/prometheus:v2.42.0: bookworm's Prometheus
#                           2.42 as /bin/prometheus, user nobody, /prometheus
#                           its data (as upstream)
# Cached (mmdebstrap tarballs in $DK_CACHE) and idempotent per engine.
dk_image_redis() {
    local tag=${1:-redis:7.0}
    dk_base_image ri-base/redis:bookworm bookworm redis-server redis-sentinel redis-tools
    dk_stand_in "$tag" ri-base/redis:bookworm \
        $'RUN mkdir -p /data && chown 999:999 /data && chmod 0755 /data\nWORKDIR /data\nCMD ["redis-server"]'
}
dk_image_haproxy() {
    local tag=${1:-haproxy:2.6}
    dk_base_image ri-base/haproxy:bookworm bookworm haproxy
    dk_stand_in "$tag" ri-base/haproxy:bookworm 'CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
}
dk_image_webdis() {
    local tag=${1:-nicolas/webdis:0.1.22}
    dk_base_image ri-base/webdis:trixie trixie webdis
    dk_stand_in "$tag" ri-base/webdis:trixie 'CMD ["webdis", "/etc/webdis.prod.json"]'
}
dk_image_dns() {
    local tag=${1:-ri-test/dnsmasq}
    dk_base_image ri-base/dnsmasq:bookworm bookworm dnsmasq-base
    dk_stand_in "$tag" ri-base/dnsmasq:bookworm 'CMD ["dnsmasq", "--version"]'
}

# The binaries of Debian's packages, unpacked by tools/install-deps.sh.
dk_image_exporter() {
    local tag=${1:-oliver006/redis_exporter:v1.45.0}
    dk_stand_in "$tag" debian:bookworm \
        $'COPY prometheus-redis-exporter /redis_exporter\nUSER 59000:59000\nEXPOSE 9121\nENTRYPOINT ["/redis_exporter"]' \
        "$DK_CACHE/prometheus-redis-exporter/usr/bin/prometheus-redis-exporter"
}
dk_image_prometheus() {
    local tag=${1:-prom/prometheus:v2.42.0}
    dk_stand_in "$tag" debian:bookworm \
        $'COPY prometheus /bin/prometheus\nRUN mkdir -p /etc/prometheus /prometheus && chown 65534:65534 /prometheus\nUSER 65534:65534\nWORKDIR /prometheus\nEXPOSE 9090\nENTRYPOINT ["/bin/prometheus"]\nCMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]' \
        "$DK_CACHE/prometheus/usr/bin/prometheus"
}

# dk_stack_images: the base our Dockerfile builds FROM and every stand-in
# that docker-compose.yml and the k8s/ manifests run.
dk_stack_images() {
    dk_base_image debian:bookworm bookworm
    dk_image_redis redis:7.0
    dk_image_haproxy haproxy:2.6
    dk_image_webdis nicolas/webdis:0.1.22
    dk_image_dns ri-test/dnsmasq
    dk_image_exporter
    dk_image_prometheus
}

# The SOURCE label of our image (test_image.sh asserts it): the repository
# it was built from.
DK_SOURCE=$(git -C "$DK_REPO_DIR" remote get-url origin 2>/dev/null || echo "file://$DK_REPO_DIR")

# dk_image_key: what our image is made of: VERSION, DK_SOURCE and every file
# of the build context (.dockerignore's paths left out) by name, mode and
# content; 16 hex digits.
dk_image_key() {
    local -a prune=()
    local p
    while read -r p; do
        [[ -z $p || $p == \#* ]] || prune+=(-path "./$p" -prune -o)
    done <"$DK_REPO_DIR/.dockerignore"
    (cd "$DK_REPO_DIR" && {
        printf '%s\n' "$(cat VERSION)" "$DK_SOURCE"
        find . "${prune[@]}" -type f -printf '%m %p\n' | LC_ALL=C sort
        find . "${prune[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    } | sha256sum | cut -c1-16)
}

# dk_build_image TAG: docker build of ./Dockerfile as TAG, as README has
# it: no VERSION build argument (the Dockerfile's default, the VERSION
# file's), its SOURCE label DK_SOURCE; on failure the end of the
# build log is shown and the status is non-zero. The image is then kept in
# $DK_CACHE under dk_image_key (the last one only), for dk_our_image.
dk_build_image() {
    local tag=$1 t0=$SECONDS key
    key=$(dk_image_key)
    if ! dk build --network host -q --build-arg SOURCE="$DK_SOURCE" -t "$tag" "$DK_REPO_DIR" \
        >"$DK_RUN/build.log" 2>&1; then
        tail -40 "$DK_RUN/build.log" >&2
        return 1
    fi
    dk_log "image $tag built ($((SECONDS - t0)) s)"
    mkdir -p "$DK_CACHE"
    rm -f "$DK_CACHE"/redis-init-image-*.tar
    dk save -o "$DK_CACHE/redis-init-image-$key.tar.part" "$tag" &&
        mv "$DK_CACHE/redis-init-image-$key.tar.part" "$DK_CACHE/redis-init-image-$key.tar"
}

# dk_our_image TAG: ./Dockerfile's image of the files as they are now. The
# suites after test_image.sh (which always builds) load the image it built
# of these very files instead of building it again; any change to a file of
# the context changes the key, and then this builds.
dk_our_image() {
    local tag=$1 key tar
    key=$(dk_image_key)
    tar=$DK_CACHE/redis-init-image-$key.tar
    if [[ -f $tar ]] && dk load -q -i "$tar" >/dev/null && dk image inspect "$tag" >/dev/null 2>&1; then
        dk_log "image $tag loaded: built by an earlier suite of these files ($key)"
        return 0
    fi
    dk_build_image "$tag"
}

# dkc ARGS...: Debian's docker-compose (1.29) against the private engine,
# bounded in time; COMPOSE_* variables come from the caller.
dkc() {
    command -v docker-compose >/dev/null 2>&1 || die "docker-compose is missing (Debian package docker-compose)"
    DOCKER_HOST="unix://$DK_ENGINE/docker.sock" DOCKER_CONFIG="$DK_ENGINE/cli" \
        timeout -k 10 "$DK_TIMEOUT" docker-compose "$@"
}

# dk_network NAME SUBNET: a user-defined --internal network for one test (no
# gateway out, no NAT); containers on it find each other through the
# engine's embedded DNS by name and --network-alias.
dk_network() {
    dk network create --internal --driver bridge --subnet "$2" "$1" >/dev/null ||
        die "docker network create $1 failed"
}
