# shellcheck shell=bash
# e2e/lib/names.sh: pod and service names, and where a pod's state lives.
# Part of test/e2e/lib.sh, which sources it.

e2e_netns_of() { printf 'ri-%s-%s' "$E2E_RUN_ID" "$1"; }
e2e_pod_dir() { printf '%s/pods/%s' "$E2E_RUN_DIR" "$1"; }
redis_pod() { printf '%s-%s' "$E2E_REDIS_SVC" "$1"; }
sentinel_pod() { printf '%s-%s' "$E2E_SENTINEL_SVC" "$1"; }

# pod_service NAME: the headless service a pod belongs to (its name minus -N).
pod_service() { printf '%s' "${1%-*}"; }

# pod_fqdn NAME: the pod's DNS name, as a StatefulSet behind a headless
# service gets it.
pod_fqdn() {
    printf '%s.%s.%s.svc.%s' "$1" "$(pod_service "$1")" "$E2E_K8S_NS" "$E2E_DOMAIN"
}

pod_is_sentinel() { [[ $(pod_service "$1") == "$E2E_SENTINEL_SVC" ]]; }

pod_port() {
    if pod_is_sentinel "$1"; then echo "$E2E_SENTINEL_PORT"; else echo "$E2E_REDIS_PORT"; fi
}

pod_ip() { cat "$(e2e_pod_dir "$1")/ip"; }
pod_exists() { [[ -f "$(e2e_pod_dir "$1")/ip" ]]; }
