#!/usr/bin/env bash
# The harness itself, with plain redis-server processes (no redis-init): pods
# resolve each other through dnsmasq, a deleted pod's name is NXDOMAIN, a
# re-created pod gets a new address, pods have no route out of their subnet,
# and replication by host name works across pods.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_create

# plain_redis NAME [REPLICAOF_HOST]: redis-server with no auth, config on argv.
plain_redis() {
    local -a args=(--port "$E2E_REDIS_PORT" --bind '* -::*' --protected-mode no --save ''
        --appendonly no --dir "$(e2e_pod_dir "$1")/data" --replica-announce-ip "$(pod_fqdn "$1")")
    [[ -z ${2:-} ]] || args+=(--replicaof "$2" "$E2E_REDIS_PORT")
    pod_spawn "$1" redis-server "${args[@]}"
}
# plain_cli POD ARGS: redis-cli without auth inside POD.
plain_cli() { local p=$1; shift; pod_exec "$p" timeout 5 redis-cli "$@"; }

r0=$(redis_pod 0) r1=$(redis_pod 1) r2=$(redis_pod 2)
pod_create "$r0"
pod_create "$r1"
pod_create "$r2"

# Isolation: only lo and eth0, one address in the subnet, no default route.
routes=$(pod_exec "$r1" ip -4 route show)
[[ $routes == "$E2E_SUBNET.0/24 dev eth0 "* && $(wc -l <<<"$routes") == 1 ]] ||
    fail_test "unexpected routes in $r1: $routes"
links=$(pod_exec "$r1" ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | paste -sd,)
[[ $links == eth0,lo ]] || fail_test "unexpected links in $r1: $links"
# The host's /etc/hosts is not visible; localhost still resolves.
[[ $(pod_exec "$r1" cat /etc/hosts) != *"$(hostname)"* ]] || fail_test "host /etc/hosts leaks into pods"
pod_exec "$r1" getent hosts localhost >/dev/null || fail_test "localhost does not resolve in a pod"

# Resolution: FQDN, short name through the search path, service name.
want=$(pod_ip "$r0")
[[ $(dns_lookup "$r1" "$(pod_fqdn "$r0")") == "$want" ]] || fail_test "$r1 cannot resolve $r0"
[[ $(dns_lookup "$r1" "$r0.$E2E_REDIS_SVC") == "$want" ]] || fail_test "search path does not work"
svc=$(dns_lookup "$r1" "$E2E_REDIS_SVC.$E2E_K8S_NS.svc.$E2E_DOMAIN" | paste -sd' ')
[[ $svc == "$(printf '%s\n' "$(pod_ip "$r0")" "$(pod_ip "$r1")" "$(pod_ip "$r2")" | sort -u | paste -sd' ')" ]] ||
    fail_test "headless service name resolves to '$svc'"
rc=0; dns_lookup "$r1" "$(sentinel_pod 0).$E2E_SENTINEL_SVC.$E2E_K8S_NS.svc.$E2E_DOMAIN" >/dev/null || rc=$?
[[ $rc == 2 ]] || fail_test "a pod that does not exist must be NXDOMAIN (getent rc 2), got rc $rc"
rc=0; dns_lookup "$r1" "example.com" >/dev/null || rc=$?
[[ $rc != 0 ]] || fail_test "names outside $E2E_DOMAIN must not resolve"

# Replication by host name across namespaces.
plain_redis "$r0"
wait_until 10 "$r0 up" plain_cli "$r1" -h "$(pod_fqdn "$r0")" PING
plain_redis "$r1" "$(pod_fqdn "$r0")"
plain_redis "$r2" "$(pod_fqdn "$r0")"
link_up() { [[ $(plain_cli "$1" INFO replication | tr -d '\r' | grep '^master_link_status:') == *:up ]]; }
wait_until 15 "$r1 link up" link_up "$r1" || fail_test "$r1 did not replicate from $r0"
wait_until 15 "$r2 link up" link_up "$r2" || fail_test "$r2 did not replicate from $r0"
plain_cli "$r0" SET e2e:k v1 >/dev/null
# Functions, so that wait_until asks again on every poll (a "$(...)"
# argument would be evaluated once, before the first).
key_on() { [[ $(plain_cli "$1" GET e2e:k) == v1 ]]; }
online_replicas() { [[ $(plain_cli "$r0" INFO replication | tr -d '\r' | grep -c '^slave[0-9]*:.*state=online') == "$1" ]]; }
wait_until 5 "key on $r2" key_on "$r2" || fail_test "write did not replicate"
# The master lists replicas under their announced names.
slaves=$(plain_cli "$r0" INFO replication | tr -d '\r' | grep -c "ip=$E2E_REDIS_SVC-[12]\.") || true
[[ $slaves == 2 ]] || fail_test "master lists $slaves replicas by name, want 2"

# Delete -> NXDOMAIN everywhere at once; re-create -> new address.
old=$(pod_ip "$r2")
pod_delete "$r2" --kill
rc=0; dns_lookup "$r1" "$(pod_fqdn "$r2")" >/dev/null || rc=$?
[[ $rc == 2 ]] || fail_test "deleted pod still resolves (getent rc $rc)"
pod_create "$r2"
new=$(pod_ip "$r2")
[[ $new != "$old" ]] || fail_test "re-created pod kept its IP $old"
got=$(dns_lookup "$r1" "$(pod_fqdn "$r2")") || true
[[ $got == "$new" ]] || fail_test "$r1 does not see the new IP $new of $r2 (got '$got')"
# Data dir (PVC) survived, conf dir (emptyDir) did not matter here; the pod
# rejoins by name.
plain_redis "$r2" "$(pod_fqdn "$r0")"
wait_until 15 "$r2 link up again" link_up "$r2" || fail_test "$r2 did not rejoin after re-creation"
[[ $(plain_cli "$r2" GET e2e:k) == v1 ]] || fail_test "re-created replica lacks the data"
wait_until 10 "master counts 2 replicas" online_replicas 2 ||
    fail_test "master does not see 2 online replicas after re-creation"

# stop_pod stops processes and leaves the network; restart count stayed 0.
stop_pod "$r1" 5
rc=0; plain_cli "$r0" -h "$(pod_fqdn "$r1")" PING >/dev/null 2>&1 || rc=$?
[[ $rc != 0 ]] || fail_test "$r1 still answers after stop_pod"
[[ $(pod_restarts "$r0") == 0 ]] || fail_test "$r0 restarted"
e2e_log "infra OK"
