# shellcheck shell=bash
# e2e/lib/writer.sh: the WAIT 1 writer (test/tools/ri-writer.c) in a client pod.
# Part of test/e2e/lib.sh, which sources it.

# The steady writer (test/tools/ri-writer.c) runs in a client pod "app-0":
# it asks the sentinels for the master like an application, writes
# PREFIX:n and confirms each write with WAIT 1, and records what was
# acknowledged. Passwords come from secrets.json, never argv.
E2E_WRITER=${E2E_WRITER:-$E2E_REPO_DIR/build/tools/ri-writer}
E2E_APP_POD=app-0

# The sentinels' addresses as a client is configured with them.
sentinel_list() {
    local i out=()
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do out+=("$(pod_fqdn "$(sentinel_pod "$i")"):$E2E_SENTINEL_PORT"); done
    local IFS=,
    printf '%s' "${out[*]}"
}

e2e_writer() {
    [[ -x $E2E_WRITER ]] || die "$E2E_WRITER not built (make build/tools/ri-writer)"
    pod_exists "$E2E_APP_POD" || pod_create "$E2E_APP_POD"
    local mode=$1 prefix=$2; shift 2
    # With E2E_TLS, TLS to the sentinels and the master, with app-0's certificate.
    [[ ${E2E_TLS:-off} != on ]] || set -- -t "$(e2e_tls_dir "$E2E_APP_POD")" "$@"
    pod_exec "$E2E_APP_POD" "$E2E_WRITER" "$mode" -s "$E2E_RUN_DIR/secrets.json" -S "$(sentinel_list)" \
        -m "$E2E_MASTER_NAME" -p "$prefix" -a "$E2E_RUN_DIR/writer-$prefix.acked" "$@"
}

# writer_start PREFIX: start writing in the background.
writer_start() {
    local p=$1
    rm -f "$E2E_RUN_DIR/writer-$p.stop"
    e2e_writer write "$p" -x "$E2E_RUN_DIR/writer-$p.stop" >"$E2E_RUN_DIR/writer-$p.out" 2>&1 &
    echo "$!" >"$E2E_RUN_DIR/writer-$p.pid"
    wait_until 10 "writer $p acknowledges writes" test -s "$E2E_RUN_DIR/writer-$p.acked" ||
        fail_test "writer $p never got a write acknowledged: $(cat "$E2E_RUN_DIR/writer-$p.out")"
}

# writer_stop PREFIX: stop it; sets WRITER_ISSUED, WRITER_ACKED, WRITER_GAP_MS.
writer_stop() {
    local p=$1 line
    touch "$E2E_RUN_DIR/writer-$p.stop"
    wait "$(cat "$E2E_RUN_DIR/writer-$p.pid")" || fail_test "writer $p failed: $(cat "$E2E_RUN_DIR/writer-$p.out")"
    line=$(tail -n 1 "$E2E_RUN_DIR/writer-$p.out")
    [[ $line =~ issued=([0-9]+)\ acked=([0-9]+)\ max_gap_ms=([0-9]+) ]] || fail_test "writer $p: bad summary '$line'"
    WRITER_ISSUED=${BASH_REMATCH[1]} WRITER_ACKED=${BASH_REMATCH[2]} WRITER_GAP_MS=${BASH_REMATCH[3]}
    e2e_log "writer $p: $line"
}

# writer_verify PREFIX: every acknowledged write is on the master the
# sentinels name now.
writer_verify() {
    local out rc=0
    out=$(e2e_writer verify "$1" 2>&1) || rc=$?
    e2e_log "writer $1 verify: $out"
    ((rc == 0)) || fail_test "acknowledged writes lost ($1): $out"
}
