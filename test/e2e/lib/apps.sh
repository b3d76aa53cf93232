# shellcheck shell=bash
# e2e/lib/apps.sh: applications: Sentinel-aware clients, the master router and Webdis as pods.
# Part of test/e2e/lib.sh, which sources it.

# sentinel_addrs: "fqdn:port,..." of every sentinel, as an application's
# configuration names them.
sentinel_addrs() {
    local i out=()
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do out+=("$(pod_fqdn "$(sentinel_pod "$i")"):$E2E_SENTINEL_PORT"); done
    (IFS=,; printf '%s' "${out[*]}")
}

# e2e_need_clients: the real client libraries of test/clients (Debian's
# python3-redis, npm's ioredis and node-redis via `npm ci` from the
# committed lock file).
E2E_CLIENTS_DIR="$E2E_REPO_DIR/test/clients"
e2e_need_clients() {
    /usr/bin/python3 -c 'import redis' 2>/dev/null ||
        die "python3-redis is missing (Debian package python3-redis; tools/install-deps.sh installs it)"
    php -r 'require "Predis/Autoloader.php";' 2>/dev/null ||
        die "php-cli and php-predis are missing (Debian packages; tools/install-deps.sh installs them)"
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
        die "node and npm are needed for the ioredis client tests (Debian: nodejs npm)"
    if [[ ! -f $E2E_CLIENTS_DIR/node_modules/ioredis/package.json ||
          ! -f $E2E_CLIENTS_DIR/node_modules/redis/package.json ]]; then
        (cd "$E2E_CLIENTS_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
            die "npm ci in test/clients failed"
    fi
}

# app_exec POD CMD...: run an application command inside POD with the
# secrets file it reads (like a mounted Secret) named in RI_SECRETS, for
# this process only; nothing secret on its argv.
app_exec() {
    local name=$1; shift
    RI_SECRETS="$E2E_RUN_DIR/secrets.json" pod_exec "$name" "$@"
}

# svc_cli POD HOST PORT ARGS...: redis-cli inside POD against HOST:PORT as
# the service user (what an application uses); the password travels in
# REDISCLI_AUTH for this one command, never on argv.
# With E2E_TLS, over TLS with POD's certificate.
svc_cli() {
    local pod=$1 host=$2 port=$3 user pass; shift 3
    local -a tls
    mapfile -t tls < <(tls_cli_args "$pod")
    user=$(jq -r .data.SERVICE_USERNAME "$E2E_RUN_DIR/secrets.json")
    pass=$(jq -r .data.SERVICE_PASSWORD "$E2E_RUN_DIR/secrets.json")
    REDISCLI_AUTH="$pass" ip netns exec "$(e2e_netns_of "$pod")" \
        timeout 5 redis-cli "${tls[@]}" --no-auth-warning --user "$user" -h "$host" -p "$port" "$@"
}

# The master router (HAProxy rendered by `redis-init router`) as a pod of
# the router service; applications reach it by its service name.
E2E_ROUTER_SVC=${E2E_ROUTER_SVC:-redis-cluster-router}
router_pod() { printf '%s-0' "$E2E_ROUTER_SVC"; }
router_host() { printf '%s.%s.svc.%s' "$E2E_ROUTER_SVC" "$E2E_K8S_NS" "$E2E_DOMAIN"; }

# start_router_pod: `redis-init router --run` as the router pod's container:
# it writes haproxy.cfg, its check (and with E2E_TLS the router's
# certificate files), then runs haproxy in the foreground beside the agent
# that hands it renewed certificates.
start_router_pod() {
    local name
    name=$(router_pod)
    command -v haproxy >/dev/null 2>&1 || die "haproxy is missing (Debian package haproxy; tools/install-deps.sh)"
    pod_exists "$name" || pod_create "$name"
    local -a flags
    mapfile -t flags < <(ri_flags "$name")
    pod_spawn "$name" "$(ri_bin redis-init)" router --run "${flags[@]}"
}

# run_id POD: the server's run_id (which process answers).
run_id() { info_field "$1" server run_id; }

# routed_to CLIENT: the redis pod that a new connection through the router
# reaches, from pod CLIENT ("" if none answers).
routed_to() {
    local rid p
    rid=$(svc_cli "$1" "$(router_host)" "$E2E_REDIS_PORT" INFO server 2>/dev/null | tr -d '\r' |
        awk -F: '$1 == "run_id" {print $2}')
    [[ -n $rid ]] || return 1
    for p in $(running_redis_pods); do
        [[ $(run_id "$p") == "$rid" ]] && { printf '%s\n' "$p"; return 0; }
    done
    return 1
}

# ---------------------------------------------------------------- webdis

# Webdis 0.1.12+ is needed (ACL user in redis_auth); bookworm has 0.1.9, so
# it runs from a Debian trixie root filesystem built with mmdebstrap from the
# machine's own apt mirror, cached across runs (E2E_TRIXIE_ROOT).
E2E_TRIXIE_ROOT=${E2E_TRIXIE_ROOT:-$E2E_CACHE_DIR/trixie-webdis}

# e2e_trixie_webdis: the root filesystem with webdis (built once).
e2e_trixie_webdis() {
    ri_trixie_root "$E2E_TRIXIE_ROOT" webdis || die "no trixie root with webdis"
    [[ -x $E2E_TRIXIE_ROOT/usr/bin/webdis ]] || die "no webdis in $E2E_TRIXIE_ROOT"
}

# start_webdis_pod: `redis-init webdis --run` in its own pod: it writes
# webdis.json and runs webdis from the trixie root (chroot), restarting it
# when its certificate is renewed. The program it starts ([paths] webdis)
# is a wrapper that enters the chroot in a mount namespace of its own
# (unshare: nothing stays mounted on the host) with the pod's DNS and the
# run dir (conf and certificates, at the same paths) bound into it.
webdis_pod() { printf 'webdis-0'; }
start_webdis_pod() {
    local name dir
    name=$(webdis_pod)
    dir=$(e2e_pod_dir "$name")
    e2e_trixie_webdis
    pod_exists "$name" || pod_create "$name"
    mkdir -p "$dir"
    # shellcheck disable=SC2016 # expanded by the wrapper's sh
    printf '#!/bin/sh\n# [paths] webdis of %s: webdis CONF in the trixie root.\nexec unshare --mount --propagation private sh -c %s sh %q %q %q "$1"\n' \
        "$name" "'set -e
root=\$1 run=\$2 ns=\$3
mkdir -p \"\$root/\$run\"
touch \"\$root/etc/resolv.conf\" \"\$root/etc/hosts\"
mount --bind \"\$run\" \"\$root/\$run\"
mount --bind \"/etc/netns/\$ns/resolv.conf\" \"\$root/etc/resolv.conf\"
mount --bind \"/etc/netns/\$ns/hosts\" \"\$root/etc/hosts\"
mount -t proc proc \"\$root/proc\"
exec chroot \"\$root\" /usr/bin/webdis \"\$4\"'" \
        "$E2E_TRIXIE_ROOT" "$E2E_RUN_DIR" "$(e2e_netns_of "$name")" >"$dir/webdis-chroot"
    chmod 0755 "$dir/webdis-chroot"
    local -a flags
    mapfile -t flags < <(ri_flags "$name")
    pod_spawn "$name" "$(ri_bin redis-init)" webdis --run "${flags[@]}" --set "paths.webdis=$dir/webdis-chroot"
}
