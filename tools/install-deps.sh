#!/usr/bin/env bash
# Install what building and testing redis-init needs on Debian bookworm.
# Idempotent; run as root. Used by README's setup step and by .ci/run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
    build-essential pkg-config          # cc, make
    libhiredis-dev libjansson-dev libinih-dev   # the libraries we link
    check libsubunit-dev                # unit tests
    clang libclang-rt-14-dev            # libFuzzer and sanitizers
    redis-server redis-sentinel redis-tools     # the real servers the tests start
    dnsmasq iproute2 procps jq          # the local multi-pod cluster (netns + DNS)
    nftables hyperfine time binutils    # make bench: unresponsive peers, timing, RSS, sizes
    python3-redis                       # e2e: a real Sentinel-aware client (ioredis: npm ci in test/clients)
    haproxy                             # e2e: the master router (redis-init router)
    mmdebstrap curl                     # e2e: Webdis from a Debian trixie root filesystem, HTTP client
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Packages may start their own daemons where an init system exists; our
# tests start their own servers on their own ports and namespaces instead.
for svc in redis-server redis-sentinel dnsmasq haproxy; do
    service "$svc" stop >/dev/null 2>&1 || true
done
echo "dependencies installed"
