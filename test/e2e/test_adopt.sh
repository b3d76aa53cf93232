#!/usr/bin/env bash
# Adopting volumes another deployment wrote (docs/decision.md "Adopting
# existing volumes"): a plain Redis replica set, as Bitnami's chart runs it
# (the data dir, appendonly yes, requirepass/masterauth, no redis-init),
# writes keys acknowledged by both replicas (WAIT) and shuts down. The
# redis-init pods then start on those three data dirs.
#  1. Without [discovery] adopt they refuse to guess: no pod's data carries
#     a redis-init record, so no history can be ranked; every pod waits
#     (rule B8) and `discover` names the way out, exit 69 at its deadline.
#  2. With adopt = server-1 (a replica of the old set: the choice is the
#     operator's, not ordinal 0's), server-1 starts as master (rule B11), the
#     others follow it, and every acknowledged key is on every pod.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

N=2000
cluster_create
for i in 0 1 2; do pod_create "$(redis_pod "$i")"; done
for i in 0 1 2; do pod_create "$(sentinel_pod "$i")"; done

# ---- 1. the other deployment's volumes
pw="plain-$(e2e_rand)"
plain() { # plain POD ARGS...: redis-cli to the plain server in POD
    local p=$1; shift
    REDISCLI_AUTH=$pw pod_exec "$p" timeout 10 redis-cli --no-auth-warning -p "$E2E_REDIS_PORT" "$@"
}
old_master=$(pod_fqdn "$(redis_pod 0)")
for i in 0 1 2; do
    p=$(redis_pod "$i")
    d=$(e2e_pod_dir "$p")
    # A config file (0600) keeps the password off the command line.
    printf '%s\n' "port $E2E_REDIS_PORT" "dir $d/data" "appendonly yes" "requirepass \"$pw\"" \
        "masterauth \"$pw\"" "daemonize yes" "pidfile $d/plain.pid" "logfile $d/plain.log" \
        'save ""' "repl-diskless-sync-delay 0" >"$d/plain.conf"
    ((i == 0)) || echo "replicaof $old_master $E2E_REDIS_PORT" >>"$d/plain.conf"
    chmod 600 "$d/plain.conf"
    pod_exec "$p" "$E2E_RUN_DIR/sbin/$RI_SERVER_PROG" "$d/plain.conf" ||
        fail_test "plain $RI_SERVER_PROG does not start in $p"
done
linked() { [[ $(plain "$(redis_pod 0)" INFO replication | tr -d '\r' | grep -c 'state=online') == 2 ]]; }
wait_until 30 "the plain replica set in sync" linked || fail_test "the plain replicas never linked"
for ((k = 0; k < N; k++)); do printf 'SET adopt:%d adopt-value-%d\n' "$k" "$k"; done |
    plain "$(redis_pod 0)" >/dev/null || fail_test "writing to the plain master failed"
acked=$(plain "$(redis_pod 0)" WAIT 2 5000 | tr -d '\r')
[[ $acked == 2 ]] || fail_test "WAIT 2 after $N writes: $acked replicas acknowledged"
for i in 2 1 0; do
    plain "$(redis_pod "$i")" SHUTDOWN >/dev/null 2>&1 || true
done
gone() { local i; for i in 0 1 2; do [[ ! -e $(e2e_pod_dir "$(redis_pod "$i")")/plain.pid ]] || return 1; done; }
wait_until 20 "the plain servers shut down" gone || fail_test "the plain servers did not stop"
for i in 0 1 2; do
    [[ ! -e $(e2e_pod_dir "$(redis_pod "$i")")/data/redis-init.history ]] ||
        fail_test "a plain Redis volume holds a redis-init record"
done
e2e_log "the other deployment: $N keys acknowledged by 2 replicas (WAIT), shut down cleanly"

# ---- 2. redis-init without adopt: nobody guesses
for i in 0 1 2; do start_redis_pod "$i"; done
for i in 0 1 2; do start_sentinel_pod "$i"; done
says_b8() { grep -q 'rule=B8' "$(e2e_pod_dir "$(redis_pod "$1")")/log"; }
for i in 0 1 2; do
    wait_until 30 "$(redis_pod "$i") waiting with B8" says_b8 "$i" ||
        fail_test "$(redis_pod "$i") did not wait for an operator: $(tail -5 "$(e2e_pod_dir "$(redis_pod "$i")")/log")"
done
rc=0
json=$(pod_discover "$(redis_pod 2)" --set discovery.deadline=2000) || rc=$?
[[ $rc == 69 ]] || fail_test "discover on adopted volumes exited $rc, want 69: $json"
jq -e '.decision.rule == "B8" and (.decision.reasons | join(" ") | contains("[discovery] adopt = <pod>"))' \
    >/dev/null <<<"$json" || fail_test "discover on adopted volumes: $(jq -c .decision <<<"$json")"
for i in 0 1 2; do
    out=$(rcli "$(redis_pod "$i")" PING 2>&1 || true)
    [[ $out == *"INIT redis-init is deciding"* ]] || fail_test "$(redis_pod "$i") serves without a decision: $out"
done
e2e_log "without adopt: every pod waits (B8), discover says how to choose"

# ---- 3. the operator's choice
for i in 0 1 2; do stop_pod "$(redis_pod "$i")"; done
for i in 0 1 2; do
    printf '%s\n' --set discovery.adopt="$(redis_pod 1)" >"$(e2e_pod_dir "$(redis_pod "$i")")/extra-flags"
done
for i in 0 1 2; do start_redis_pod "$i"; done
wait_healthy 90 || fail_test "cluster not healthy with adopt set: $E2E_WHY"
assert_master "$(redis_pod 1)"
grep -q 'rule=B11' "$(e2e_pod_dir "$(redis_pod 1)")/log" ||
    fail_test "$(redis_pod 1) did not start as master by B11"
assert_keys_everywhere adopt "$N"
e2e_log "adopt = $(redis_pod 1): master by B11, all $N acknowledged keys on every pod"

# The record now exists: the setting left in place chooses nothing more.
rec() { [[ -s $(e2e_pod_dir "$(redis_pod 1)")/data/redis-init.history ]]; }
wait_until 20 "a redis-init record on $(redis_pod 1)" rec || fail_test "no history record after adoption"
