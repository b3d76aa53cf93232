# shellcheck shell=bash
# lib.sh: a multi-host Redis/Sentinel "cluster" on one machine, for e2e tests.
#
# Every pod is a network namespace; all of a run's traffic stays inside
# namespaces this file creates:
#
#   ri-<id>-net              bridge br<id> (10.231.0.1/24) + dnsmasq on it
#   ri-<id>-<pod name>       eth0 (veth into the bridge), one 10.231.0.x/24
#                            address, lo; NO default route, so nothing can
#                            leave the subnet even by mistake.
#
# dnsmasq is authoritative for cluster.local (--local, --no-resolv,
# --no-hosts, no cache) and serves the pods' headless-service names from an
# addn-hosts file that is rewritten and SIGHUP'd on every pod change: a
# deleted pod's name is NXDOMAIN at once, a re-created pod gets a new IP.
# `ip netns exec` bind-mounts /etc/netns/<ns>/{resolv.conf,hosts} over /etc,
# so pods resolve through dnsmasq only and never see the host's /etc/hosts.
#
# Pods run a tiny "container runtime" (container.sh) that restarts the
# command when it exits, like restartPolicy: Always. Pod dirs mimic volumes:
# conf/ is an emptyDir (wiped when the pod is deleted), data/ is a PVC (kept
# unless pod_delete --wipe-data).
#
# Usage: source this file, call cluster_create (installs the cleanup trap),
# then pod_create / start_redis_pod / ... Everything is torn down on exit,
# Ctrl-C or TERM. State lives in $E2E_RUN_DIR so another process (cluster.sh
# down/status) can reattach with cluster_attach.
#
# The functions live in lib/, one file per concern: names, cluster (a run),
# dns, secrets (and settings), pods, cli (redis-cli in a pod), apps (clients,
# router, Webdis), health, asserts (starting a cluster, writes, failovers),
# writer (the WAIT 1 writer), metrics (exporters, Prometheus), teardown.
# The tests, `make up` (cluster.sh), the chaos campaign and the benchmark
# all use them; none redefines one.

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO_DIR=$(cd "$E2E_LIB_DIR/../.." && pwd)
# The server the pods run: E2E_SERVER=redis7 (default) | redis8 | valkey8
# (test/servers.sh: Redis 8.0 and Valkey 8.1 come from a trixie root).
# shellcheck source=test/servers.sh
source "$E2E_LIB_DIR/../servers.sh"

# Cluster shape and names, as the binaries see them (settings INI [cluster]).
E2E_K8S_NS=${E2E_K8S_NS:-redis-e2e}
E2E_DOMAIN=${E2E_DOMAIN:-cluster.local}
E2E_REDIS_SVC=${E2E_REDIS_SVC:-redis-cluster-server}
E2E_SENTINEL_SVC=${E2E_SENTINEL_SVC:-redis-cluster-sentinel}
E2E_REDIS_N=${E2E_REDIS_N:-3}
E2E_SENTINEL_N=${E2E_SENTINEL_N:-3}
E2E_REDIS_PORT=${E2E_REDIS_PORT:-6379}
E2E_SENTINEL_PORT=${E2E_SENTINEL_PORT:-26379}
E2E_MASTER_NAME=${E2E_MASTER_NAME:-mymaster}
# The shortest down-after (ms) redis-init supports, which the fault tests
# run at: below it Sentinel can fail a live new master over again and lose
# acknowledged writes (docs/resilience.md).
E2E_SHORTEST_DOWN_AFTER=1500
# Private subnet; it exists only inside this run's namespaces, so two runs
# can use the same one without colliding.
E2E_SUBNET=${E2E_SUBNET:-10.231.0}
E2E_GW="$E2E_SUBNET.1"
E2E_POD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

e2e_log() { printf '[e2e %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# die, fail_test, wait_until, wait_for: test/lib/assert.sh.
TEST_TAG=e2e
# shellcheck source=test/lib/assert.sh
source "$E2E_REPO_DIR/test/lib/assert.sh"
# The parts, one per concern (test/e2e/lib/*.sh).
for e2e_part in names cluster dns secrets pods cli apps health asserts writer metrics teardown; do
    # shellcheck source=/dev/null
    source "$E2E_LIB_DIR/lib/$e2e_part.sh"
done
unset e2e_part