#!/usr/bin/env bash
# cluster.sh up|down|status: a local 3 redis + 3 sentinel cluster in network
# namespaces (see lib.sh), left running for a person to poke at.
#
#   make up      build, then bring the cluster up and print how to reach it
#                (METRICS=1: with exporters and Prometheus, lib/metrics.sh)
#   make down    tear it down
#   test/e2e/cluster.sh status
#
# State lives in $E2E_UP_DIR (default /tmp/redis-init-up): settings.ini,
# secrets.json (0600), pods/<name>/{log,conf,data}.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

E2E_UP_DIR=${E2E_UP_DIR:-/tmp/redis-init-up}
export RI_BIN_DIR=${RI_BIN_DIR:-bin}

usage() { echo "usage: $0 up|down|status" >&2; exit 64; }

# A run is live while its net namespace exists.
up_is_live() {
    cluster_attach "$E2E_UP_DIR" 2>/dev/null && ip netns list | awk '{print $1}' | grep -qx "$E2E_NETNS"
}

do_up() {
    if up_is_live; then
        echo "a cluster is already up (run $E2E_RUN_ID in $E2E_UP_DIR); 'make down' first" >&2
        exit 1
    fi
    # Leftovers of a run that died without teardown.
    if [[ -f $E2E_UP_DIR/state ]]; then do_down; fi
    rm -rf "$E2E_UP_DIR"
    E2E_RUN_DIR=$E2E_UP_DIR
    [[ ${METRICS:-0} != 1 ]] || E2E_METRICS=on
    cluster_create # the trap tears everything down if bring-up fails
    # Like a StatefulSet with OrderedReady: each redis pod after the previous
    # one is ready, then the sentinels.
    start_cluster_ordered
    wait_healthy 90 || die "cluster did not become healthy"
    if metrics_on; then
        metrics_start_exporters
        prom_start
    fi
    # Success: leave it running.
    trap - EXIT INT TERM

    local r1 m
    r1=$(redis_pod 1)
    m=$(current_master)
    echo
    echo "==== redis-init discover, as pod $r1 sees the cluster"
    local -a flags envv
    mapfile -t flags < <(ri_flags "$r1")
    mapfile -t envv < <(pod_env "$r1")
    pod_exec "$r1" env -i "${envv[@]}" "$(ri_bin redis-init)" discover "${flags[@]}" || true
    echo
    echo "==== pods"
    cluster_status
    cat <<EOF

Cluster $E2E_RUN_ID is up; state in $E2E_UP_DIR (logs: pods/<pod>/log).
Master: $m ($(pod_fqdn "$m"))
Connect as admin; the password goes through REDISCLI_AUTH, never argv:

  export REDISCLI_AUTH="\$(jq -r .data.ADMIN_PASSWORD $E2E_UP_DIR/secrets.json)"
  ip netns exec $(e2e_netns_of "$r1") redis-cli --user $E2E_ADMIN_USER -h $(pod_fqdn "$m") -p $E2E_REDIS_PORT
  ip netns exec $(e2e_netns_of "$(sentinel_pod 0)") redis-cli --user $E2E_ADMIN_USER -p $E2E_SENTINEL_PORT SENTINEL masters

$(metrics_on && printf 'Prometheus (the rules of observability/rules.yml; every pod on 9188 and 9121):\n  ip netns exec %s curl -s http://%s:%s/api/v1/alerts\n' "$E2E_NETNS" "$E2E_GW" "$E2E_PROM_PORT")
Status: test/e2e/cluster.sh status
Tear down with: make down
EOF
}

do_down() {
    if ! cluster_attach "$E2E_UP_DIR" 2>/dev/null; then
        echo "no cluster state in $E2E_UP_DIR; nothing to tear down"
        return 0
    fi
    E2E_KEEP=0 teardown
    echo "cluster $E2E_RUN_ID torn down"
}

do_status() {
    up_is_live || { echo "no cluster up (state dir $E2E_UP_DIR)"; exit 1; }
    echo "cluster $E2E_RUN_ID in $E2E_UP_DIR"
    cluster_status
    if cluster_healthy; then echo "healthy"; else echo "NOT healthy: $E2E_WHY"; exit 1; fi
}

case ${1:-} in
    up) do_up ;;
    down) do_down ;;
    status) do_status ;;
    *) usage ;;
esac
