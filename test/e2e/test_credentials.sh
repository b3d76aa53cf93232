#!/usr/bin/env bash
# Live credentials (issue 21, docs/credentials.md): passwords changed in the
# secrets are rolled out by the agents with no restart, under the WAIT 1
# writer, in one cluster ([credentials] grace = 5 s), which starts all six
# pods at once (start_cluster_parallel: one master, everyone linked, stable,
# nobody restarted):
#  1. the replication, sentinel, sentinel-sync and service passwords at
#     once: every member goes accept -> use -> done; no replica link goes
#     down, no full resync, no +sdown/+odown/+switch-master; redis-py,
#     ioredis and node-redis connected through the sentinels with the old
#     service password all along write (WAIT 1) with no error through every
#     phase and after the drop, and lose nothing; afterwards the
#     old passwords get WRONGPASS everywhere and the new ones log in; links
#     cut from the server side come back with the new passwords (replicas
#     with a partial resync, sentinels to the master and to each other);
#     then the admin password (and the probe and reload users derived from
#     it): liveness never fails on any pod meanwhile; the master's handover
#     (SIGTERM) then works on the new passwords;
#  router: the router pod's own copy of the Secret updated 6 s before the
#     members' (admin and service passwords): its health check falls back to
#     the previous passwords its agent kept, HAProxy never takes the master
#     out, and its fallback becomes the new passwords once every member
#     dropped the old ones;
#  users: an [acl] user line added to settings.ini (its password added to the
#     Secret) is created live on every server and writes its keys; its rules
#     changed to read-only are applied live (NOPERM on every server); removed
#     while it holds a connection, with [credentials] drop = command set at
#     the same time: past the grace it is still there, `credentials finish`
#     drops it (every member logs the finish mark), the connection is
#     closed and its password refused;
#  2. a pod restarted in a phase: with a sentinel down the cluster holds in
#     accept (the rotation waits and names it, `credentials finish` exits 69
#     naming it); a replica restarted then
#     starts on both passwords and syncs; redis-py, ioredis and node-redis
#     work through the sentinels with the old and with the new service
#     password; the sentinel started again on the new secrets lets the
#     rotation go on; held in use by another replica killed, that replica
#     restarted starts on both passwords and syncs on the new one; once done,
#     the old passwords are refused and the clients work on the new one;
#  3. a malformed Secret (a key missing; a user name with a space) is
#     refused with one line per pod naming the key; users.acl and the
#     markers stay as they were;
#  4. the writer loses no acknowledged write; no password of any generation
#     in any log or command line.
# E2E_CREDS_CASES picks the clients of case 1, the admin rotation with the
# handover, the router, the users, case 2 and case 3 (default "clients admin
# router users restart refuse"): the server
# matrix runs case 1's
# rotation alone (the server behaviours it rests on, on each flavour, with
# TLS), the rest is our own logic, proved once here.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

export E2E_CREDS_GRACE=5000
cases=${E2E_CREDS_CASES-clients admin router users restart refuse}
want() { [[ " $cases " == *" $1 "* ]]; }
! want restart && ! want clients || e2e_need_clients
cluster_create
r0=$(redis_pod 0) r1=$(redis_pod 1) r2=$(redis_pod 2)
s0=$(sentinel_pod 0) s1=$(sentinel_pod 1) s2=$(sentinel_pod 2)
members=("$r0" "$r1" "$r2" "$s0" "$s1" "$s2")
# The cluster this test needs starts the way test_ordered_start's does
# not: all six at once, with that start's own checks (one cluster, two
# suites).
start_cluster_parallel
writer_start cr
secrets=$E2E_RUN_DIR/secrets.json

# at_phase PHASE [N]: N members (default 6) answer `credentials status` with
# their marker at PHASE (a regex: "use|done") of the secrets' generation.
at_phase() {
    local out
    out=$(pod_ri "$r1" credentials --json status 2>/dev/null) || true
    jq -e --arg p "$1" --argjson n "${2:-6}" '.generation as $g |
        [.members[] | select(.outcome == "answer" and .marker.generation == $g and (.marker.phase | test("^(" + $p + ")$")))]
        | length == $n' <<<"$out" >/dev/null
}

# rotate KEY...: those passwords replaced by new ones (awkward characters
# included), the file swapped in one rename; the old file kept for the leak
# scan. Values travel through jq's environment, never argv.
# rotated OUT KEY...: the secrets with those passwords replaced, into OUT.
n_rot=0
rotated() {
    local out=$1 k filter=.
    shift
    for k in "$@"; do filter+=" | .data.$k = (\"r-\" + env.ROT_SALT + \"-$k-%/&# x\\\"\")"; done
    (umask 077 && ROT_SALT=$(e2e_rand) jq "$filter" "$secrets" >"$out")
}
rotate() {
    n_rot=$((n_rot + 1))
    cp -p "$secrets" "$E2E_RUN_DIR/secrets.gen$n_rot.json"
    rotated "$secrets.tmp" "$@"
    mv "$secrets.tmp" "$secrets"
}

# auth_says POD USER PASSWORD_KEY FILE WANT: a new connection to POD's own
# server logging in as USER with FILE's PASSWORD_KEY answers WANT (PONG or
# WRONGPASS).
auth_says() {
    local out
    out=$(rcli_as "$2" "$(jq -r ".data.$3" "$4")" "$1" PING 2>&1) || true
    [[ $out == *"$5"* ]] || fail_test "$1: AUTH $2 with the $(basename "$4") $3: '$out', want $5"
}

# auth_all: auth_says for each line of stdin ("POD USER PASSWORD_KEY FILE
# WANT"), all at once; any failure fails the test with every message.
auth_all() {
    local line i=0 rc=0 pid d=$E2E_RUN_DIR/auth
    local -a pids=()
    rm -rf "$d" && mkdir -p "$d"
    while read -r line; do
        # shellcheck disable=SC2086 # the line's words
        (auth_says $line) 2>"$d/$i" &
        pids+=("$!") i=$((i + 1))
    done
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    ((rc == 0)) || fail_test "$(cat "$d"/*)"
}

# Link sampler: every replica's master_link_status each 0.2 s, a line per
# sample that is not up.
sample_links() {
    while [[ ! -f $E2E_RUN_DIR/links.stop ]]; do
        for p in $(running_redis_pods); do
            [[ $(redis_role "$p") == slave ]] || continue
            v=$(info_field "$p" replication master_link_status)
            [[ $v == up ]] || printf '%(%T)T %s %s\n' -1 "$p" "$v"
        done
        sleep 0.2
    done
}
# clients_probe FILE [py|js|nr...]: redis-py, ioredis and node-redis (or
# those named) find the master through the sentinels, write and read, as
# the service user of FILE (test/clients; RI_SECRETS, never argv); all at
# once, each client's output on stderr when it fails.
declare -A client_cmd=([py]="/usr/bin/python3 $E2E_CLIENTS_DIR/sentinel_client.py"
    [js]="node $E2E_CLIENTS_DIR/sentinel_client.js" [nr]="node $E2E_CLIENTS_DIR/node_redis_client.js")
clients_probe() {
    local f=$1 c rc=0 pid d=$E2E_RUN_DIR/clients
    shift
    local -a which=("$@") pids=()
    ((${#which[@]})) || which=(py js nr)
    mkdir -p "$d"
    for c in "${which[@]}"; do
        # shellcheck disable=SC2086 # the command's words
        RI_SECRETS=$f pod_exec "$E2E_APP_POD" timeout 30 ${client_cmd[$c]} probe "$(sentinel_addrs)" "$E2E_MASTER_NAME" \
            >"$d/$c" 2>&1 &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    ((rc == 0)) || { for c in "${which[@]}"; do echo "$c: $(cat "$d/$c")" >&2; done; }
    return "$rc"
}
log_lines() { wc -l <"$(e2e_pod_dir "$1")/log"; }
resumed() { since_last_start "$1" | grep -q "credentials: resuming the rotation recorded here.*phase=$2"; }
link_up() { [[ $(info_field "$1" replication master_link_status) == up ]]; }
since_line() { tail -n "+$(($2 + 1))" "$(e2e_pod_dir "$1")/log"; }

# ---- 0. every member records the generation it started on (marker done)
wait_until 15 "every member marks its generation done" at_phase done ||
    fail_test "markers after start: $(pod_ri "$r1" credentials status 2>&1)"
e2e_log "every member marks the secrets' generation done"

# ---- 1. replication, sentinel, sentinel-sync and service passwords at once
m=$(current_master)
full0=$(info_field "$m" stats sync_full)
declare -A mark
for p in "${members[@]}"; do mark[$p]=$(log_lines "$p"); done
rm -f "$E2E_RUN_DIR/links.stop"
sample_links >"$E2E_RUN_DIR/links.down" 2>/dev/null &
sampler=$!
# Applications connected through the sentinels all along, on the service
# password of their own mount, which has not updated yet.
apps=$E2E_RUN_DIR/apps
declare -A app_pid
# app_ok C N: client C has done at least N write, WAIT 1 and read rounds.
app_ok() { [[ -f $apps/$1.status ]] && (($(jq -r .ok "$apps/$1.status") >= $2)); }
if want clients; then
    mkdir -p "$apps"
    cp -p "$secrets" "$apps/secrets.json"
    for c in py js nr; do
        # shellcheck disable=SC2086 # the command's words
        RI_SECRETS=$apps/secrets.json pod_exec "$E2E_APP_POD" ${client_cmd[$c]} run "$(sentinel_addrs)" "$E2E_MASTER_NAME" \
            "app$c" "$apps/$c.status" "$apps/stop" >"$apps/$c.out" 2>&1 &
        app_pid[$c]=$!
    done
    for c in py js nr; do
        wait_until 30 "$c writes through the sentinels" app_ok "$c" 10 || fail_test "$c: $(cat "$apps/$c.out" "$apps/$c.status" 2>&1)"
    done
fi
rotate REPLICA_PASSWORD SENTINEL_PASSWORD SENTINEL_SYNC_PASSWORD SERVICE_PASSWORD
old=$E2E_RUN_DIR/secrets.gen1.json
t0=$SECONDS
wait_until 40 "every member rolls the new passwords out (done)" at_phase done ||
    fail_test "rotation 1 did not finish: $(pod_ri "$r1" credentials status 2>&1)"
e2e_log "rotation 1 done on every member in $((SECONDS - t0)) s"
for p in "${members[@]}"; do
    log=$(since_line "$p" "${mark[$p]}")
    for ph in accept use done; do
        [[ $(grep -c "credentials: phase done here.*phase=$ph" <<<"$log") == 1 ]] ||
            fail_test "$p: phase $ph not logged once: $(grep credentials <<<"$log")"
    done
done
[[ $(info_field "$m" stats sync_full) == "$full0" ]] || fail_test "a full resync during the rotation"
for p in "$s0" "$s1" "$s2"; do
    ! since_line "$p" "${mark[$p]}" | grep -E '\+(sdown|odown|switch-master)' ||
        fail_test "$p: a sentinel event during the rotation"
done
# Every server and sentinel: the old passwords refused, the new ones in.
for p in "$r0" "$r1" "$r2"; do
    printf '%s\n' "$p replica-user REPLICA_PASSWORD $old WRONGPASS" "$p replica-user REPLICA_PASSWORD $secrets PONG" \
        "$p sentinel-user SENTINEL_PASSWORD $old WRONGPASS" "$p api-service SERVICE_PASSWORD $old WRONGPASS" \
        "$p api-service SERVICE_PASSWORD $secrets PONG"
done | auth_all
for p in "$s0" "$s1" "$s2"; do
    printf '%s\n' "$p sentinel-sync SENTINEL_SYNC_PASSWORD $old WRONGPASS" \
        "$p sentinel-sync SENTINEL_SYNC_PASSWORD $secrets PONG" "$p api-service SERVICE_PASSWORD $old WRONGPASS" \
        "$p api-service SERVICE_PASSWORD $secrets PONG"
done | auth_all
e2e_log "old passwords refused (WRONGPASS), new ones accepted, on every member"
if want clients; then
    # Still working on the connections they opened with the old password,
    # with not one error through the three phases.
    for c in py js nr; do
        n=$(jq -r .ok "$apps/$c.status")
        wait_until 20 "$c still writes after the drop" app_ok "$c" $((n + 10)) || fail_test "$c stopped: $(cat "$apps/$c.status")"
    done
    touch "$apps/stop"
    for c in py js nr; do
        wait "${app_pid[$c]}" || fail_test "$c: $(cat "$apps/$c.out")"
        jq -e '.errors == 0 and .n_missing == 0 and .acked > 0' "$apps/$c.out" >/dev/null ||
            fail_test "$c through the rotation: $(cat "$apps/$c.out")"
    done
    e2e_log "redis-py, ioredis and node-redis wrote through the rotation with no error: $(for c in py js nr; do printf '%s %s ok; ' "$c" "$(jq -r .ok "$apps/$c.out")"; done)"
fi
# Links cut from the server side come back with the new passwords.
for p in "${members[@]}"; do mark[$p]=$(log_lines "$p"); done
rcli "$m" CLIENT KILL TYPE replica >/dev/null
rcli "$m" CLIENT KILL USER sentinel-user >/dev/null
for p in "$s0" "$s1" "$s2"; do rcli "$p" CLIENT KILL USER sentinel-sync >/dev/null; done
sleep 1
wait_healthy 20 || fail_test "links cut after the rotation did not come back: $E2E_WHY"
sleep 3 # past down-after (2 s): a peer that cannot log in would be +sdown by now
[[ $(info_field "$m" stats sync_full) == "$full0" ]] || fail_test "replicas reconnecting on the new password needed a full resync"
for p in "$s0" "$s1" "$s2"; do
    ! since_line "$p" "${mark[$p]}" | grep -E '\+(sdown|odown)' || fail_test "$p: links on the new passwords failed"
    [[ $(rcli "$p" SENTINEL CKQUORUM "$E2E_MASTER_NAME") == OK* ]] || fail_test "$p: no quorum"
done
touch "$E2E_RUN_DIR/links.stop"
wait "$sampler"
[[ ! -s $E2E_RUN_DIR/links.down ]] || fail_test "a replica link went down: $(head "$E2E_RUN_DIR/links.down")"
e2e_log "replica, sentinel and peer links cut come back on the new passwords; no link down before"
if want admin; then
    # The admin password, and with it the probe (and with TLS the reload) user:
    # every pod's liveness probe passes throughout (rule L5 covers the second
    # before each agent takes the new secrets), then readiness everywhere.
    probe_all() {
        while [[ ! -f $E2E_RUN_DIR/probes.stop ]]; do
            for p in "${members[@]}"; do
                rc=0; pod_ri "$p" check --liveness 2>>"$E2E_RUN_DIR/probes.err" || rc=$?
                ((rc == 0)) || printf '%(%T)T %s liveness %s\n' -1 "$p" "$rc"
            done
        done
    }
    rm -f "$E2E_RUN_DIR/probes.stop"
    probe_all >"$E2E_RUN_DIR/probes.failed" &
    prober=$!
    sleep 1
    rotate ADMIN_PASSWORD
    wait_until 40 "the admin password rolled out" at_phase done ||
        fail_test "the admin rotation did not finish: $(pod_ri "$r1" credentials status 2>&1)"
    touch "$E2E_RUN_DIR/probes.stop"
    wait "$prober"
    [[ ! -s $E2E_RUN_DIR/probes.failed ]] ||
        fail_test "liveness failed during the admin rotation: $(head "$E2E_RUN_DIR/probes.failed") $(tail -3 "$E2E_RUN_DIR/probes.err")"
    auth_says "$r0" admin ADMIN_PASSWORD "$E2E_RUN_DIR/secrets.gen$n_rot.json" WRONGPASS
    e2e_load_admin
    for p in "${members[@]}"; do assert_check "$p" 0 --readiness; done
    e2e_log "admin password rotated: liveness passed throughout, readiness after, the old one refused"

    # The master stopped like the kubelet does (SIGTERM: the agent hands over,
    # on the new passwords), then started again.
    stop_pod "$m"
    wait_until 30 "failover to a new master on the new passwords" failed_over_from "$m" ||
        fail_test "no failover from $m"
    start_redis_pod "${m##*-}"
    wait_healthy 30 || fail_test "not healthy after the handover: $E2E_WHY"
    e2e_log "handover on the new passwords: $(current_master); $m rejoined"
fi

if want router; then
    # ---- the router pod's Secret updated first (its kubelet synced before
    # the members'): its health check keeps logging in, with the previous
    # passwords its agent kept, and HAProxy never takes the master out.
    rpod=$(router_pod) rsec=$E2E_RUN_DIR/router-secrets.json
    pod_exists "$rpod" || pod_create "$rpod"
    cp -p "$secrets" "$rsec"
    printf '%s\n' -s "$rsec" >"$(e2e_pod_dir "$rpod")/extra-flags"
    start_router_pod
    m=$(current_master)
    routes_to() { [[ $(routed_to "$E2E_APP_POD") == "$1" ]]; }
    wait_until 20 "the router reaches $m" routes_to "$m" || fail_test "the router does not reach $m"
    rlog=$(e2e_pod_dir "$rpod")/log
    rmark=$(wc -l <"$rlog")
    rotated "$rsec.tmp" ADMIN_PASSWORD SERVICE_PASSWORD
    mv "$rsec.tmp" "$rsec"
    wait_until 10 "the router's agent keeps the previous passwords" \
        grep -q "credentials: new secrets; the router's check falls back" "$rlog" ||
        fail_test "the router's agent did not see its new secrets: $(tail -5 "$rlog")"
    sleep 6 # many checks (inter 1 s), every one refused the new passwords first
    routes_to "$m" || fail_test "the router lost $m while only its own Secret was new"
    # Then the members' Secret: the rotation, through the router all along.
    n_rot=$((n_rot + 1))
    cp -p "$secrets" "$E2E_RUN_DIR/secrets.gen$n_rot.json"
    cp -p "$rsec" "$secrets.tmp"
    mv "$secrets.tmp" "$secrets"
    wait_until 40 "the members roll the router's new passwords out" at_phase done ||
        fail_test "the rotation did not finish: $(pod_ri "$r1" credentials status 2>&1)"
    e2e_load_admin
    routes_to "$m" || fail_test "the router does not reach $m with the new service password"
    wait_until 10 "the router's agent drops the previous passwords" \
        grep -q "credentials: every member dropped the previous passwords" "$rlog" ||
        fail_test "the router's agent kept the previous passwords: $(tail -5 "$rlog")"
    jq -e --slurpfile s "$secrets" '.old_login.ADMIN_PASSWORD == $s[0].data.ADMIN_PASSWORD and
        .old_login.SERVICE_PASSWORD == $s[0].data.SERVICE_PASSWORD' "$(e2e_pod_dir "$rpod")/conf/redis-init.credentials" >/dev/null ||
        fail_test "the router's fallback is not the current login after the rotation"
    ! tail -n "+$((rmark + 1))" "$rlog" | grep -q "Server master/$m is DOWN" ||
        fail_test "HAProxy took the master out during the rotation: $(grep 'is DOWN' "$rlog" | tail -3)"
    e2e_log "router: its Secret updated 6 s before the members', its check fell back to the previous passwords; $m stayed routed throughout"
fi

if want users; then
    # ---- users added and removed live: an [acl] user line in settings.ini
    # (a ConfigMap), its password in the Secret
    (umask 077 && APP_PW="app-$(e2e_rand)&# x" jq '.data.APP_PASSWORD = env.APP_PW' "$secrets" >"$secrets.tmp")
    mv "$secrets.tmp" "$secrets"
    ini=$E2E_RUN_DIR/settings.ini
    cp -p "$ini" "$ini.before"
    { cat "$ini.before"; printf '\n[acl]\nuser = app APP_PASSWORD ~app:* +@all\n'; } >"$ini.tmp"
    mv "$ini.tmp" "$ini"
    wait_until 30 "user app added on every member" at_phase done ||
        fail_test "adding a user did not finish: $(pod_ri "$r1" credentials status 2>&1)"
    m=$(current_master)
    # [acl] users are the servers'
    printf '%s\n' "$r0 app APP_PASSWORD $secrets PONG" "$r1 app APP_PASSWORD $secrets PONG" \
        "$r2 app APP_PASSWORD $secrets PONG" "$s0 app APP_PASSWORD $secrets WRONGPASS" | auth_all
    pw=$(jq -r .data.APP_PASSWORD "$secrets")
    out=$(rcli_as app "$pw" "$m" SET app:x 1 2>&1)
    [[ $out == OK ]] || fail_test "app cannot write app:x on $m: $out"
    e2e_log "user app added live: logs in on every server, writes its keys"
    # Its rules changed in the ConfigMap (same password): applied live.
    sed 's/^user = app APP_PASSWORD ~app:\* +@all$/user = app APP_PASSWORD ~app:* +@read +ping/' "$ini" >"$ini.tmp"
    mv "$ini.tmp" "$ini"
    read_only() {
        local p
        for p in "$r0" "$r1" "$r2"; do [[ $(rcli_as app "$pw" "$p" SET app:y 1 2>&1) == *NOPERM* ]] || return 1; done
    }
    wait_until 20 "app's new rules on every server" read_only ||
        fail_test "app's rules did not change live: $(rcli_as app "$pw" "$m" SET app:y 1 2>&1)"
    [[ $(rcli_as app "$pw" "$m" GET app:x 2>&1) == 1 ]] || fail_test "app cannot read app:x with its new rules"
    wait_until 30 "the rules change rolled out" at_phase done ||
        fail_test "the rules change did not finish: $(pod_ri "$r1" credentials status 2>&1)"
    grep -q '^user app on #[0-9a-f]\{64\} ~app:\* +@read +ping' "$(e2e_pod_dir "$m")/conf/users.acl" ||
        fail_test "users.acl does not hold app's new rules: $(grep '^user app ' "$(e2e_pod_dir "$m")/conf/users.acl")"
    e2e_log "user app's rules changed live: writes refused (NOPERM) on every server, reads allowed, users.acl rewritten"
    # Removed while it holds a connection: the connection is closed.
    go=$E2E_RUN_DIR/hold.go
    REDIS_PASS=$pw pod_exec "$E2E_APP_POD" /usr/bin/python3 "$E2E_REPO_DIR/test/tools/hold.py" \
        "$(pod_fqdn "$m")" "$E2E_REDIS_PORT" - - - app "$go" "$E2E_RUN_DIR/hold.out" &
    hold=$!
    wait_until 10 "app holds a connection" grep -q '^before PONG' "$E2E_RUN_DIR/hold.out" ||
        fail_test "app's held connection: $(cat "$E2E_RUN_DIR/hold.out")"
    # The removal with [credentials] drop = command: past the grace the old
    # user stays until `credentials finish`.
    sed 's/^grace = .*/&\ndrop = command/' "$ini.before" >"$ini.tmp"
    mv "$ini.tmp" "$ini"
    for p in "${members[@]}"; do mark[$p]=$(log_lines "$p"); done
    wait_until 30 "every member at use for the removal" at_phase use ||
        fail_test "removing a user did not reach use: $(pod_ri "$r1" credentials status 2>&1)"
    sleep 7 # past the grace (5 s)
    at_phase use || fail_test "drop = command: dropped without the command: $(pod_ri "$r1" credentials status 2>&1)"
    auth_says "$m" app APP_PASSWORD "$secrets" PONG
    out=$(pod_ri "$r1" credentials finish 2>&1) || fail_test "credentials finish: $out"
    [[ $out == *"every member (6) uses generation"* ]] || fail_test "credentials finish said: $out"
    wait_until 10 "user app removed on every member" at_phase done ||
        fail_test "removing a user did not finish: $(pod_ri "$r1" credentials status 2>&1)"
    for p in "${members[@]}"; do
        since_line "$p" "${mark[$p]}" | grep -q "credentials: phase done here.*phase=done.*holds the finish mark" ||
            fail_test "$p: not dropped by the finish mark: $(since_line "$p" "${mark[$p]}" | grep credentials)"
    done
    out=$(pod_ri "$r1" credentials finish 2>&1) && [[ $out == *"is rolled out"* ]] ||
        fail_test "credentials finish once done: $out"
    cp -p "$ini.before" "$ini.tmp"
    mv "$ini.tmp" "$ini"
    touch "$go"
    wait "$hold" && fail_test "app's connection survived its removal: $(cat "$E2E_RUN_DIR/hold.out")"
    grep -qE '^(error|after) ' "$E2E_RUN_DIR/hold.out" && ! grep -q '^after PONG' "$E2E_RUN_DIR/hold.out" ||
        fail_test "app's held connection after the removal: $(cat "$E2E_RUN_DIR/hold.out")"
    for p in "$r0" "$r1" "$r2"; do echo "$p app APP_PASSWORD $secrets WRONGPASS"; done | auth_all
    e2e_log "user app removed live with drop = command: held past the grace, dropped by credentials finish; its open connection closed, its password refused"
fi

if want restart; then
    # ---- 2. a pod restarted in a phase
    kill_pod "$s2"
    for p in "${members[@]}"; do mark[$p]=$(log_lines "$p"); done
    rotate REPLICA_PASSWORD SERVICE_PASSWORD
    old=$E2E_RUN_DIR/secrets.gen$n_rot.json
    wait_until 20 "five members accept, $s2 being down" at_phase accept 5 ||
        fail_test "not held in accept: $(pod_ri "$r1" credentials status 2>&1)"
    sleep 2
    at_phase accept 5 || fail_test "the rotation went on with $s2 down"
    since_line "$r0" "${mark[$r0]}" | grep -q "credentials: waiting.*$(pod_fqdn "$s2").*does not answer" ||
        fail_test "$r0 does not say it waits for $s2: $(since_line "$r0" "${mark[$r0]}" | grep credentials)"
    rc=0 && out=$(pod_ri "$r1" credentials finish 2>&1) || rc=$?
    [[ $rc == 69 && $out == *"$(pod_fqdn "$s2")"*"does not answer"* ]] ||
        fail_test "credentials finish with $s2 down: exit $rc, '$out', want 69 naming it"
    rp=$(current_master)
    for p in "$r0" "$r1" "$r2"; do [[ $p == "$rp" ]] || { rr=$p; break; }; done
    stop_pod "$rr"
    start_redis_pod "${rr##*-}"
    wait_until 30 "$rr restarted in accept syncs" link_up "$rr" || fail_test "$rr restarted in accept did not sync"
    grep -q "^user replica-user on #[0-9a-f]\{64\} #[0-9a-f]\{64\} " "$(e2e_pod_dir "$rr")/conf/users.acl" ||
        fail_test "$rr restarted in accept lacks both replica passwords"
    wait_until 10 "$rr resumes in accept" resumed "$rr" accept || fail_test "$rr did not resume in accept"
    auth_says "$rr" replica-user REPLICA_PASSWORD "$old" PONG
    auth_says "$rr" replica-user REPLICA_PASSWORD "$secrets" PONG
    e2e_log "$rr restarted in accept: both passwords, synced on the old one, the rotation resumed"
    # Real clients through the sentinels, held in accept: the old service
    # password and the new one both work.
    for f in "$old" "$secrets"; do clients_probe "$f" || fail_test "clients with $(basename "$f") in accept"; done
    e2e_log "redis-py, ioredis and node-redis through the sentinels with the old and with the new password"
    start_sentinel_pod 2
    # Held in use: once every member uses the new passwords (a pod started
    # on the new secrets marks them done at once), a replica killed within
    # the grace holds the drop; started again, it resumes in use.
    wait_until 40 "every member uses the new passwords" at_phase "use|done" ||
        fail_test "rotation 2 did not reach use: $(pod_ri "$r1" credentials status 2>&1)"
    for p in "$r0" "$r1" "$r2"; do [[ $p == "$rp" || $p == "$rr" ]] || { ru=$p; break; }; done
    kill_pod "$ru"
    sleep 2
    at_phase "use|done" 5 || fail_test "not held with $ru down: $(pod_ri "$r1" credentials status 2>&1)"
    auth_says "$rp" replica-user REPLICA_PASSWORD "$old" PONG # not dropped on the master
    start_redis_pod "${ru##*-}"
    wait_until 30 "$ru restarted in use syncs" link_up "$ru" || fail_test "$ru restarted in use did not sync"
    grep -q "^user replica-user on #[0-9a-f]\{64\} #[0-9a-f]\{64\} " "$(e2e_pod_dir "$ru")/conf/users.acl" ||
        fail_test "$ru restarted in use lacks both replica passwords"
    wait_until 10 "$ru resumes in use" resumed "$ru" use || fail_test "$ru did not resume in use"
    e2e_log "$ru restarted in use: both passwords, synced on the new one, the rotation resumed"
    wait_until 40 "the rotation ends once $ru is back" at_phase done ||
        fail_test "rotation 2 did not finish: $(pod_ri "$r1" credentials status 2>&1)"
    wait_healthy 30 || fail_test "not healthy after rotation 2: $E2E_WHY"
    for p in "$r0" "$r1" "$r2"; do
        printf '%s\n' "$p replica-user REPLICA_PASSWORD $old WRONGPASS" "$p replica-user REPLICA_PASSWORD $secrets PONG"
    done | auth_all
    ! clients_probe "$old" py 2>/dev/null || fail_test "redis-py still logs in with the old service password"
    clients_probe "$secrets" || fail_test "clients with the new service password after the rotation"
    e2e_log "rotation 2 finished once $ru came back; the old passwords refused, the clients work on the new"
fi

if want refuse; then
    # ---- 3. a malformed Secret is refused, nothing changes: a key missing,
    # a user name that breaks the rules (users.acl splits on spaces); each
    # with a password change beside it that must not happen either.
    declare -A acl
    for bad in 'del(.data.REPLICA_PASSWORD)|REPLICA_PASSWORD: missing' \
               '.data.REPLICA_USERNAME = "replica user"|REPLICA_USERNAME'; do
        for p in "${members[@]}"; do
            mark[$p]=$(log_lines "$p")
            acl[$p]=$(sha256sum <"$(e2e_pod_dir "$p")/conf/users.acl")
        done
        cp -p "$secrets" "$E2E_RUN_DIR/secrets.good.json"
        (umask 077 && jq "${bad%%|*} | .data.SERVICE_PASSWORD = \"changed\"" "$secrets" >"$secrets.tmp")
        mv "$secrets.tmp" "$secrets"
        sleep 4
        for p in "${members[@]}"; do
            n=$(since_line "$p" "${mark[$p]}" | grep -c "credentials: the secrets are refused.*key ${bad#*|}") || true
            [[ $n == 1 ]] || fail_test "$p: the refusal (${bad#*|}) logged $n times, want 1: $(since_line "$p" "${mark[$p]}" | grep credentials)"
            ! since_line "$p" "${mark[$p]}" | grep -q "credentials: new secrets" || fail_test "$p began a rotation on a malformed Secret"
            [[ $(sha256sum <"$(e2e_pod_dir "$p")/conf/users.acl") == "${acl[$p]}" ]] || fail_test "$p: users.acl changed"
        done
        mv "$E2E_RUN_DIR/secrets.good.json" "$secrets"
        wait_until 10 "markers as before" at_phase done || fail_test "markers changed after a refused Secret"
        e2e_log "a Secret with ${bad#*|} refused with one line per pod; nothing changed"
    done
fi

# ---- 4. no acknowledged write lost, no password anywhere
writer_stop cr
writer_verify cr
assert_no_secret_leaks
for f in "$E2E_RUN_DIR"/secrets.gen*.json; do
    mapfile -t pws < <(jq -r '.data | to_entries[] | select(.key | endswith("PASSWORD")) | .value' "$f")
    for lf in "$E2E_RUN_DIR"/pods/*/log; do
        for pw in "${pws[@]}"; do ! grep -qF -- "$pw" "$lf" || fail_test "an old password appears in $lf"; done
    done
done
e2e_log "0 acknowledged writes lost; no password of any generation in any log"
