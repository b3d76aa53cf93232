# shellcheck shell=bash
# e2e/lib/asserts.sh: test helpers: starting a cluster, writing keys, waiting for a failover, assertions.
# Part of test/e2e/lib.sh, which sources it.

# redis_ready POD: answers, and is a master or a replica with its link up
# (what a readiness probe would check).
redis_ready() {
    local role
    role=$(redis_role "$1")
    [[ $role == master ]] || { [[ $role == slave ]] && [[ $(info_field "$1" replication master_link_status) == up ]]; }
}

# sentinel_ready POD: answers and monitors a master.
sentinel_ready() { [[ -n $(sentinel_master_addr "$1") ]]; }

# start_cluster_ordered: redis pods one by one, each after the previous is
# ready (StatefulSet OrderedReady), then the sentinels the same way.
start_cluster_ordered() {
    local i p
    for ((i = 0; i < E2E_REDIS_N; i++)); do
        p=$(redis_pod "$i")
        start_redis_pod "$i"
        wait_until 60 "$p ready" redis_ready "$p" || fail_test "$p did not become ready"
    done
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do
        p=$(sentinel_pod "$i")
        start_sentinel_pod "$i"
        wait_until 60 "$p ready" sentinel_ready "$p" || fail_test "$p did not become ready"
    done
}

# cluster_up: the usual start of a test: a new cluster, started in order,
# healthy within 60 s (or the test fails, saying why).
cluster_up() {
    cluster_create
    start_cluster_ordered
    wait_healthy 60 || fail_test "cluster not healthy after start: $E2E_WHY"
}

# start_cluster_parallel: every pod created (and in DNS) before any
# container starts, as the StatefulSet controller does with
# podManagementPolicy Parallel (or every node rebooting at once), then all
# six started together. The failure this guards against: every pod
# electing itself master and every sentinel monitoring a different one.
# Asserted: exactly one master within 90 s, everyone linked to it, all
# sentinels agreeing; still so 3 s later; writes reach every replica;
# `discover` in a replica and a sentinel agrees; nobody restarted.
start_cluster_parallel() {
    local i m
    for ((i = 0; i < E2E_REDIS_N; i++)); do pod_create "$(redis_pod "$i")"; done
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do pod_create "$(sentinel_pod "$i")"; done
    for ((i = 0; i < E2E_REDIS_N || i < E2E_SENTINEL_N; i++)); do
        ((i >= E2E_REDIS_N)) || start_redis_pod "$i"
        ((i >= E2E_SENTINEL_N)) || start_sentinel_pod "$i"
    done
    wait_healthy 90 || fail_test "cluster not healthy after a parallel start: $E2E_WHY"
    m=$(current_master)
    e2e_log "master after parallel start: $m"
    sleep 3 # stable: no second master appears a few seconds later
    cluster_healthy || fail_test "cluster became unhealthy after converging: $E2E_WHY"
    [[ $(current_master) == "$m" ]] || fail_test "master changed from $m to $(current_master)"
    write_keys parallel 20
    assert_keys_everywhere parallel 20
    assert_discover_consistent "$(redis_pod 2)"
    assert_discover_consistent "$(sentinel_pod 0)"
    assert_no_restarts
    e2e_log "parallel start OK"
}

# write_keys PREFIX COUNT: SET PREFIX:i = PREFIX-value-i on the master, then
# WAIT until every running replica acknowledged them, so "writes survive"
# checks are about our failover handling, not about replication lag.
write_keys() {
    local prefix=$1 n=$2 m i acked want
    m=$(current_master) || fail_test "write_keys: not exactly one master"
    for ((i = 0; i < n; i++)); do
        printf 'SET %s:%d %s-value-%d\n' "$prefix" "$i" "$prefix" "$i"
    done | rcli "$m" >/dev/null || fail_test "write_keys: SET on $m failed"
    want=$(($(running_redis_pods | wc -l) - 1))
    acked=$(rcli "$m" WAIT "$want" 5000 | tr -d '\r')
    [[ $acked -ge $want ]] || fail_test "write_keys: only $acked of $want replicas acknowledged"
}

# keys_present POD PREFIX COUNT: POD holds exactly the values write_keys set.
keys_present() {
    local pod=$1 prefix=$2 n=$3 i got want
    got=$(for ((i = 0; i < n; i++)); do printf 'GET %s:%d\n' "$prefix" "$i"; done | rcli "$pod" | tr -d '\r')
    want=$(for ((i = 0; i < n; i++)); do printf '%s-value-%d\n' "$prefix" "$i"; done)
    [[ $got == "$want" ]]
}

# assert_rejoined POD MASTER SECONDS: POD came back, as a replica, and the
# cluster is healthy with MASTER as its one master.
assert_rejoined() {
    local pod=$1 master=$2 secs=$3
    wait_until "$secs" "$pod ready" redis_ready "$pod" || fail_test "$pod did not come back"
    [[ $(redis_role "$pod") == slave ]] || fail_test "$pod came back as $(redis_role "$pod"), want replica"
    wait_healthy "$secs" || fail_test "not healthy after $pod came back: $E2E_WHY"
    assert_master "$master"
}

# newest_master: the running pod whose live history is the newest: the one
# master, or, in the instant a second failover has promoted a replica of a
# freshly promoted master, the one promoted from the other (its replid2 is
# the other's replid). Fails when that cannot be told.
newest_master() {
    local p masters=() a b
    for p in $(running_redis_pods); do
        [[ $(redis_role "$p") == master ]] && masters+=("$p")
    done
    if ((${#masters[@]} == 1)); then echo "${masters[0]}"; return 0; fi
    ((${#masters[@]} == 2)) || return 1
    a=${masters[0]} b=${masters[1]}
    if [[ $(info_field "$b" replication master_replid2) == "$(info_field "$a" replication master_replid)" ]]; then
        echo "$b"
    elif [[ $(info_field "$a" replication master_replid2) == "$(info_field "$b" replication master_replid)" ]]; then
        echo "$a"
    else
        return 1
    fi
}

# failed_over_from OLD: every running sentinel names the same master, not
# OLD, and it answers as master; sets PROMOTED to that pod.
failed_over_from() {
    local p a first=
    for p in $(running_sentinel_pods); do
        a=$(sentinel_master_addr "$p")
        a=${a%% *}
        [[ -n $a && $a != "$(pod_fqdn "$1")" ]] || return 1
        [[ -z $first || $a == "$first" ]] || return 1
        first=$a
    done
    [[ -n $first ]] && PROMOTED=$(pod_of_fqdn "$first") && [[ $(redis_role "$PROMOTED") == master ]]
}

# wait_failover OLD SECS: wait for failed_over_from OLD; sets PROMOTED and
# FAILOVER_MS (milliseconds from the call, polled every TEST_POLL_S).
wait_failover() {
    local t0
    t0=$(date +%s%N)
    FAILOVER_SINCE_MS=$((t0 / 1000000))
    wait_until "$2" "sentinels to fail over from $1" failed_over_from "$1" ||
        fail_test "no failover from $1 within $2 s"
    failed_over_from "$1"
    FAILOVER_MS=$((($(date +%s%N) - t0) / 1000000))
}

# sentinel_timeline: where the last wait_failover's time went, from every
# sentinel's log (test/tools/failover_timeline.py: event=ms after the wait began).
sentinel_timeline() {
    local k logs=()
    for ((k = 0; k < E2E_SENTINEL_N; k++)); do logs+=("$(e2e_pod_dir "$(sentinel_pod "$k")")/log"); done
    python3 "$E2E_REPO_DIR/test/tools/failover_timeline.py" "$FAILOVER_SINCE_MS" "${logs[@]}"
}

# assert_failover_fast WHAT: the last wait_failover took at most down-after
# + 4 s (the vote, the promotion, Sentinel's 1 s INFO period, our 200 ms
# polling; docs/resilience.md). Except after a split vote, which Sentinel
# itself reports: sentinels that start the election within the same few
# ms each vote for themselves, none is elected (-failover-abort-not-elected
# after the election timeout), and none tries again before 2 x
# failover-timeout after its first try. Then the bound is that much longer,
# and the case is logged and counted in SPLIT_VOTES (docs/resilience.md).
# Our polling (a redis-cli per sentinel, each a TLS handshake with TLS on)
# can see the switch late on a loaded machine: when FAILOVER_MS is over
# the bound but every sentinel's own log switched within it (switch-all),
# the failover was fast and the lateness is the test's, logged as such.
SPLIT_VOTES=0
assert_failover_fast() {
    local what=${1:-failover} bound=$((${E2E_DOWN_AFTER:-2000} + 4000)) timeline all
    if ((FAILOVER_MS > bound)); then
        timeline=$(sentinel_timeline)
        if [[ " $timeline" == *" failover-abort-not-elected="* ]]; then
            SPLIT_VOTES=$((SPLIT_VOTES + 1))
            bound=$((bound + 2 * ${E2E_FAILOVER_TIMEOUT:-10000}))
            e2e_log "$what: a split vote, Sentinel tried again after 2 x failover-timeout: new master after $FAILOVER_MS ms ($timeline)"
        elif [[ " $timeline" =~ \ switch-all=([0-9]+) ]] && ((BASH_REMATCH[1] <= bound)); then
            all=${BASH_REMATCH[1]}
            e2e_log "$what: every sentinel switched $all ms after the kill (their logs); our polling saw it at $FAILOVER_MS ms ($timeline)"
            return 0
        fi
    fi
    ((FAILOVER_MS <= bound)) || fail_test "$what: new master after $FAILOVER_MS ms, bound $bound ms ($(sentinel_timeline))"
}

# assert_rejoined_after_failover POD SECS: POD is back as a replica and the
# cluster healthy, under whichever master the sentinels settled on. Below
# down-after 1500 ms Sentinel sometimes fails the freshly promoted master
# over once more (no PONG from it within down-after of the switch), while
# it still takes writes: the tests run at 1500 or more, and a second
# failover is logged and counted in SECOND_FAILOVERS (docs/resilience.md).
SECOND_FAILOVERS=0
assert_rejoined_after_failover() {
    local pod=$1 secs=$2 m
    wait_until "$secs" "$pod ready" redis_ready "$pod" || fail_test "$pod did not come back"
    [[ $(redis_role "$pod") == slave ]] || fail_test "$pod came back as $(redis_role "$pod"), want replica"
    wait_healthy "$secs" || fail_test "not healthy after $pod came back: $E2E_WHY"
    m=$(current_master)
    if [[ $m != "$PROMOTED" ]]; then
        SECOND_FAILOVERS=$((SECOND_FAILOVERS + 1))
        e2e_log "a second failover after $PROMOTED was promoted: $m is master now"
        PROMOTED=$m
    fi
}

# assert_keys_everywhere PREFIX COUNT: every running redis pod has them
# (waits a little for replication after a resync).
assert_keys_everywhere() {
    local p
    for p in $(running_redis_pods); do
        wait_until 15 "$1:* on $p" keys_present "$p" "$1" "$2" || fail_test "$p lacks keys written as $1:*"
    done
}

# assert_master POD: POD is the one master and every sentinel names it.
assert_master() {
    local m
    m=$(current_master) || fail_test "not exactly one master"
    [[ $m == "$1" ]] || fail_test "master is $m, expected $1"
}

# assert_no_restarts: no container exited (crash loop, deadline exit).
assert_no_restarts() {
    local d n
    for d in "$E2E_RUN_DIR"/pods/*/; do
        n=$(cat "$d/restarts")
        [[ $n == 0 ]] || fail_test "pod $(basename "$d") restarted $n time(s)"
    done
}

# assert_discover_consistent POD: `discover --json` run in POD (exit 0)
# decides what the cluster actually is: master for the master, follow the
# master for a replica, monitor it for a sentinel; every peer answered, and
# what it reported matches the servers.
assert_discover_consistent() {
    local pod=$1 m mf json rc=0 want_action
    m=$(current_master) || fail_test "not exactly one master"
    mf=$(pod_fqdn "$m")
    # --all: every peer heard out, so the whole report can be held against reality.
    json=$(pod_discover "$pod" --all) || rc=$?
    [[ $rc == 0 ]] || fail_test "discover in $pod exited $rc: $json"
    jq -e . >/dev/null <<<"$json" || fail_test "discover in $pod printed no JSON: $json"
    if pod_is_sentinel "$pod"; then want_action=monitor
    elif [[ $pod == "$m" ]]; then want_action=master
    else want_action=follow; fi
    jq -e --arg a "$want_action" --arg mf "$mf" --arg self "$pod" --arg svc "$E2E_REDIS_SVC" '
        def host: rtrimstr(".");
        def masterpod: $mf | split(".")[0];
        .decision.action == $a
        and ($a == "master" or (.decision.host | host) == $mf)
        and ([.sentinels[] | select(.outcome != "self") |
              .outcome == "answer" and (.master_host | host) == $mf] | all)
        and ([.redis[] | select(.outcome != "self") | .outcome == "answer"] | all)
        and ([.redis[] | select(.outcome == "answer") |
              if (.host | split(".")[0]) == masterpod then .role == "master"
              else .role == "replica" and (.master_host | host) == $mf and .link_up end] | all)
    ' >/dev/null <<<"$json" || fail_test "discover in $pod does not match the cluster (master $m, want $want_action): $(jq -c . <<<"$json")"
    # The default run may settle before hearing everyone: same decision.
    local fast want got
    fast=$(pod_discover "$pod") || fail_test "discover (settling) in $pod exited non-zero: $fast"
    want=$(jq -c '.decision | {action, rule, host, port}' <<<"$json")
    got=$(jq -c '.decision | {action, rule, host, port}' <<<"$fast")
    [[ $got == "$want" ]] || fail_test "discover in $pod decides $got when settling early, $want when hearing all"
    e2e_log "discover in $pod: $want"
}

# assert_no_secret_leaks: no password appears on any pod process's command
# line or in any pod log.
assert_no_secret_leaks() {
    local ns pid pw f
    local -a pws
    mapfile -t pws < <(jq -r '.data | to_entries[] | select(.key | endswith("PASSWORD")) | .value' "$E2E_RUN_DIR/secrets.json")
    for ns in $(ip netns list | awk '{print $1}' | grep "^ri-$E2E_RUN_ID-"); do
        for pid in $(ip netns pids "$ns"); do
            [[ -r /proc/$pid/cmdline ]] || continue
            for pw in "${pws[@]}"; do
                if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pw"; then
                    fail_test "a password is on the command line of pid $pid in $ns"
                fi
            done
        done
    done
    for f in "$E2E_RUN_DIR"/pods/*/log; do
        for pw in "${pws[@]}"; do
            ! grep -qF -- "$pw" "$f" || fail_test "a password appears in $f"
        done
    done
}
