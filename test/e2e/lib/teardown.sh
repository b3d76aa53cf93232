# shellcheck shell=bash
# e2e/lib/teardown.sh: logs, artifacts, and tearing a run down.
# Part of test/e2e/lib.sh, which sources it.

# dump_logs: the tail of every pod's log and of dnsmasq's, for a failed test.
dump_logs() {
    local f
    for f in "$E2E_RUN_DIR"/pods/*/log; do
        [[ -f $f ]] || continue
        printf '\n----- %s (last %s lines) -----\n' "${f#"$E2E_RUN_DIR"/}" "${E2E_LOG_LINES:-80}"
        tail -n "${E2E_LOG_LINES:-80}" "$f"
    done
    printf '\n----- dnsmasq.log (last 20 lines) -----\n'
    tail -n 20 "$E2E_RUN_DIR/dns/dnsmasq.log" 2>/dev/null || true
}

# teardown: kill every process of the run, delete its namespaces (the veths
# and the bridge go with them) and /etc/netns entries, remove the run dir.
# Idempotent; safe to call from a trap at any point of cluster_create.
# On failure the logs are dumped and kept in $E2E_ARTIFACTS if set.
teardown() {
    local rc=$? ns
    # Run to the end whatever happens: no errexit, and a second Ctrl-C does
    # not cut the cleanup short (it is bounded: at most ~12 s).
    set +e
    trap - EXIT
    trap '' INT TERM
    [[ -n ${E2E_RUN_ID:-} ]] || return "$rc"
    if ((rc != 0)) && [[ -d ${E2E_RUN_DIR:-} ]]; then
        dump_logs >&2 || true
        e2e_save_artifacts || true
    fi
    # All pods at once (a short grace: nothing needs a clean shutdown now),
    # so teardown takes seconds, not seconds per pod.
    local -a nss
    mapfile -t nss < <(ip netns list 2>/dev/null | awk '{print $1}' | grep "^ri-$E2E_RUN_ID-")
    if ((${#nss[@]})); then
        e2e_kill_netns 2 "${nss[@]}" || true
        for ns in "${nss[@]}"; do
            ip netns del "$ns" 2>/dev/null || e2e_log "could not delete netns $ns"
        done
    fi
    rm -rf /etc/netns/ri-"$E2E_RUN_ID"-*
    if [[ ${E2E_KEEP:-0} != 1 && -n ${E2E_RUN_DIR:-} && -f $E2E_RUN_DIR/state ]]; then
        rm -rf "$E2E_RUN_DIR"
    fi
    return "$rc"
}

# Logs only (conf dirs hold credentials).
e2e_save_artifacts() {
    [[ -n ${E2E_ARTIFACTS:-} ]] || return 0
    local dst="$E2E_ARTIFACTS/${E2E_TEST_NAME:-run}-$E2E_RUN_ID" f p
    mkdir -p "$dst"
    for f in "$E2E_RUN_DIR"/pods/*/log; do
        [[ -f $f ]] || continue
        p=$(basename "$(dirname "$f")")
        cp "$f" "$dst/$p.log"
    done
    cp "$E2E_RUN_DIR/dns/dnsmasq.log" "$dst/" 2>/dev/null || true
    e2e_log "logs kept in $dst"
}
