# shellcheck shell=bash
# e2e/lib/cluster.sh: creating a run (netns, bridge, dnsmasq, secrets, settings) and attaching to one.
# Part of test/e2e/lib.sh, which sources it.

e2e_need_tools() {
    local t missing=()
    for t in ip dnsmasq redis-server redis-sentinel redis-cli jq setsid getent; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    ((${#missing[@]} == 0)) ||
        die "missing tools: ${missing[*]} (Debian packages: iproute2 dnsmasq-base redis-server redis-sentinel redis-tools jq util-linux)"
    ((EUID == 0)) || die "e2e needs root (network namespaces); running as uid $EUID"
}

# cluster_create: new run id, run dir ($E2E_RUN_DIR if set), network namespace with the
# bridge and dnsmasq, secrets and settings. Installs the cleanup trap unless
# E2E_NO_TRAP=1.
cluster_create() {
    e2e_need_tools
    ri_server_ready || die "server $E2E_SERVER is not available"
    E2E_RUN_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    E2E_RUN_DIR=${E2E_RUN_DIR:-/tmp/ri-e2e-$E2E_RUN_ID}
    # A trixie server sees the host's /tmp only (test/server-exec.sh).
    [[ -z $RI_SERVER_ROOT || $E2E_RUN_DIR == /tmp/* ]] ||
        die "E2E_SERVER=$E2E_SERVER needs E2E_RUN_DIR under /tmp (got $E2E_RUN_DIR)"
    E2E_NETNS=$(e2e_netns_of net)
    E2E_BRIDGE="br$E2E_RUN_ID"
    if [[ ${E2E_NO_TRAP:-0} != 1 ]]; then
        # EXIT covers errors and normal ends; INT/TERM become exits so the
        # EXIT trap runs exactly once.
        trap teardown EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi
    mkdir -p "$E2E_RUN_DIR/pods" "$E2E_RUN_DIR/dns"
    chmod 0700 "$E2E_RUN_DIR"
    e2e_save_state

    if ! ip netns add "$E2E_NETNS" 2>"$E2E_RUN_DIR/netns.err"; then
        cat "$E2E_RUN_DIR/netns.err" >&2
        die "cannot create a network namespace ('ip netns add' failed). The e2e tests need root with CAP_SYS_ADMIN and CAP_NET_ADMIN (a privileged container or a VM); they are NOT skipped."
    fi
    e2e_write_netns_etc "$E2E_NETNS"
    ip -n "$E2E_NETNS" link set lo up
    # A fixed MAC: by default a bridge takes the lowest MAC of its ports, so
    # deleting a pod could change the gateway's MAC under the other pods'
    # ARP caches and black-hole their DNS queries for seconds.
    ip -n "$E2E_NETNS" link add "$E2E_BRIDGE" address 02:00:0a:e7:00:01 type bridge
    ip -n "$E2E_NETNS" addr add "$E2E_GW/24" dev "$E2E_BRIDGE"
    ip -n "$E2E_NETNS" link set "$E2E_BRIDGE" up
    echo 10 >"$E2E_RUN_DIR/next_ip"
    echo 0 >"$E2E_RUN_DIR/next_veth"
    : >"$E2E_RUN_DIR/dns/hosts"
    e2e_start_dnsmasq
    e2e_write_secrets
    ri_server_wrappers "$E2E_RUN_DIR/sbin"
    e2e_write_settings
    e2e_log "cluster $E2E_RUN_ID created in $E2E_RUN_DIR ($E2E_SERVER)"
}

# Non-secret state, so cluster.sh down/status (another process) can reattach.
e2e_save_state() {
    {
        printf 'E2E_RUN_ID=%q\n' "$E2E_RUN_ID"
        printf 'E2E_RUN_DIR=%q\n' "$E2E_RUN_DIR"
        printf 'E2E_NETNS=%q\n' "$E2E_NETNS"
        printf 'E2E_BRIDGE=%q\n' "$E2E_BRIDGE"
        printf 'E2E_K8S_NS=%q\n' "$E2E_K8S_NS"
        printf 'RI_BIN_DIR=%q\n' "${RI_BIN_DIR:-}"
        printf 'E2E_SERVER=%q\n' "$E2E_SERVER"
    } >"$E2E_RUN_DIR/state"
}

# cluster_attach RUN_DIR: load a run's state (no trap is installed).
cluster_attach() {
    [[ -f $1/state ]] || return 1
    # shellcheck source=/dev/null
    source "$1/state"
    e2e_load_admin
}

