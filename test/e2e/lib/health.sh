# shellcheck shell=bash
# e2e/lib/health.sh: the cluster's health: one master, linked replicas, agreeing sentinels.
# Part of test/e2e/lib.sh, which sources it.

# Running redis / sentinel pods (created and not stopped), in ordinal order.
running_redis_pods() { e2e_running_pods "$E2E_REDIS_SVC" "$E2E_REDIS_N"; }
running_sentinel_pods() { e2e_running_pods "$E2E_SENTINEL_SVC" "$E2E_SENTINEL_N"; }
e2e_running_pods() {
    local i
    for ((i = 0; i < $2; i++)); do
        pod_exists "$1-$i" && [[ ! -f "$(e2e_pod_dir "$1-$i")/stopped" ]] && printf '%s\n' "$1-$i"
    done
    return 0
}

# current_master: the one redis pod reporting role:master; fails (and
# prints nothing) when there are zero or several.
current_master() {
    local p masters=()
    for p in $(running_redis_pods); do
        [[ $(redis_role "$p") == master ]] && masters+=("$p")
    done
    ((${#masters[@]} == 1)) || return 1
    printf '%s\n' "${masters[0]}"
}

# E2E_WHY holds the last reason cluster_healthy failed, for messages.
E2E_WHY=
why() { E2E_WHY=$*; return 1; }

# cluster_healthy: exactly one master; every other running redis pod
# replicates from it by host name with the link up; the master counts all
# E2E_REDIS_N-1 replicas; every running sentinel names the master by host
# name, sees the other E2E_SENTINEL_N-1 sentinels and all replicas, and none
# of them (replica or peer sentinel) is flagged down. Stopped pods are not
# asked.
cluster_healthy() {
    local nr=$E2E_REDIS_N ns=$E2E_SENTINEL_N m mf p v
    m=$(current_master) || why "not exactly one master" || return 1
    mf=$(pod_fqdn "$m")
    for p in $(running_redis_pods); do
        [[ $p == "$m" ]] && continue
        v=$(info_field "$p" replication master_host)
        [[ ${v%.} == "$mf" ]] || why "$p: master_host '$v', want $mf" || return 1
        v=$(info_field "$p" replication master_link_status)
        [[ $v == up ]] || why "$p: master_link_status '$v'" || return 1
    done
    v=$(info_field "$m" replication connected_slaves)
    [[ $v == $((nr - 1)) ]] || why "$m: connected_slaves '$v', want $((nr - 1))" || return 1
    for p in $(running_sentinel_pods); do
        v=$(sentinel_master_addr "$p")
        [[ ${v%% *} == "$mf" || ${v%% *} == "$mf." ]] || why "$p: master addr '$v', want $mf" || return 1
        v=$(sentinel_master_field "$p" num-other-sentinels)
        [[ $v == $((ns - 1)) ]] || why "$p: num-other-sentinels '$v', want $((ns - 1))" || return 1
        v=$(sentinel_master_field "$p" num-slaves)
        [[ $v == $((nr - 1)) ]] || why "$p: num-slaves '$v', want $((nr - 1))" || return 1
        v=$(sentinel_master_field "$p" flags)
        [[ $v == master ]] || why "$p: master flags '$v'" || return 1
        v=$(rcli "$p" SENTINEL replicas "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' |
            awk 'prev == "flags" && $0 != "slave" {print} {prev = $0}')
        [[ -z $v ]] || why "$p: replica flags '$v'" || return 1
        v=$(rcli "$p" SENTINEL sentinels "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' |
            awk 'prev == "flags" && $0 != "sentinel" {print} {prev = $0}')
        [[ -z $v ]] || why "$p: peer sentinel flags '$v'" || return 1
    done
    E2E_WHY=
}

# wait_healthy SECONDS: wait for cluster_healthy, explain if it never is.
wait_healthy() {
    local limit=${1:-60} end=$((SECONDS + ${1:-60}))
    while ! cluster_healthy; do
        if ((SECONDS >= end)); then
            e2e_log "cluster not healthy after ${limit}s: $E2E_WHY"
            cluster_status >&2 || true
            return 1
        fi
        sleep 0.5
    done
    assert_selected_server
    assert_selected_tls
}

# assert_selected_tls: with E2E_TLS=on (make matrix runs its cases so), every
# running pod's rendered config listens on TLS only, so a case cannot pass
# in plain text by mistake.
assert_selected_tls() {
    [[ ${E2E_TLS:-off} == on ]] || return 0
    local p f
    for p in $(running_redis_pods) $(running_sentinel_pods); do
        f=$(e2e_pod_dir "$p")/conf/redis.conf
        [[ -f $f ]] || f=$(e2e_pod_dir "$p")/conf/sentinel.conf
        grep -qx 'port 0' "$f" && grep -q '^tls-port ' "$f" ||
            fail_test "$p: E2E_TLS=on but $f does not listen on TLS only"
    done
}

# assert_selected_server: every running pod's server is the E2E_SERVER
# selected (INFO server names it: redis_version / valkey_version), so a
# matrix run can never pass on the wrong server.
assert_selected_server() {
    local p
    for p in $(running_redis_pods) $(running_sentinel_pods); do
        rcli "$p" INFO server 2>/dev/null | tr -d '\r' | grep -Eq "$RI_SERVER_VERSION" ||
            fail_test "$p does not run $E2E_SERVER (want $RI_SERVER_VERSION in INFO server)"
    done
}

# cluster_status: one line per pod, for humans.
cluster_status() {
    local p
    for p in $(running_redis_pods); do
        printf '%-28s %-12s role=%-7s master_host=%s link=%s slaves=%s restarts=%s\n' "$p" "$(pod_ip "$p")" \
            "$(redis_role "$p")" "$(info_field "$p" replication master_host)" \
            "$(info_field "$p" replication master_link_status)" \
            "$(info_field "$p" replication connected_slaves)" "$(pod_restarts "$p")"
    done
    for p in $(running_sentinel_pods); do
        printf '%-28s %-12s master=%s sentinels=%s slaves=%s flags=%s restarts=%s\n' "$p" "$(pod_ip "$p")" \
            "$(sentinel_master_addr "$p")" "$(sentinel_master_field "$p" num-other-sentinels)" \
            "$(sentinel_master_field "$p" num-slaves)" "$(sentinel_master_field "$p" flags)" \
            "$(pod_restarts "$p")"
    done
}
