# shellcheck shell=bash
# e2e/lib/cli.sh: redis-cli inside a pod, and the fields tests read.
# Part of test/e2e/lib.sh, which sources it.

# rcli POD ARGS...: redis-cli inside POD's namespace against its own server
# (redis or sentinel port) as the admin user. The password travels in
# REDISCLI_AUTH for this one command, never on argv. Extra redis-cli options
# (-h HOST) may come first in ARGS.
rcli() { rcli_as "$E2E_ADMIN_USER" "$E2E_ADMIN_PASS" "$@"; }

# rcli_as USER PASSWORD POD ARGS...: the same as another user.
rcli_as() {
    local user=$1 pass=$2 name=$3; shift 3
    local -a tls
    mapfile -t tls < <(tls_cli_args "$name")
    REDISCLI_AUTH="$pass" ip netns exec "$(e2e_netns_of "$name")" \
        timeout 5 redis-cli "${tls[@]}" --user "$user" -h 127.0.0.1 -p "$(pod_port "$name")" "$@"
}

# tls_cli_args POD: redis-cli's TLS options with POD's certificate, one per
# line (nothing without E2E_TLS). redis-cli verifies the chain, not the name.
tls_cli_args() {
    local d
    d=$(e2e_tls_dir "$1")
    [[ -z $d ]] || printf '%s\n' --tls --cacert "$d/ca.crt" --cert "$d/tls.crt" --key "$d/tls.key"
}

# info_field POD SECTION FIELD: one field of INFO SECTION ("" if absent).
info_field() {
    rcli "$1" INFO "$2" 2>/dev/null | tr -d '\r' | awk -F: -v k="$3" '$1 == k {print $2; exit}'
}

redis_role() { info_field "$1" replication role; }

# sentinel_master_addr SPOD: "host port" the sentinel names for the group.
sentinel_master_addr() {
    rcli "$1" SENTINEL get-master-addr-by-name "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' | paste -sd' '
}

# sentinel_master_field SPOD FIELD: a field of SENTINEL MASTER <group>.
sentinel_master_field() {
    rcli "$1" SENTINEL master "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' |
        awk -v k="$2" 'NR % 2 == 1 && $0 == k {getline; print; exit}'
}

# pod_of_fqdn HOST: the pod name of a host name we published ("" if none).
pod_of_fqdn() {
    local h=${1%.} suffix
    for suffix in "$E2E_REDIS_SVC" "$E2E_SENTINEL_SVC"; do
        suffix=".$suffix.$E2E_K8S_NS.svc.$E2E_DOMAIN"
        if [[ $h == *"$suffix" ]]; then printf '%s' "${h%"$suffix"}"; return 0; fi
    done
    return 1
}
