#!/usr/bin/env bash
# Observability against a real Prometheus (docs/observability.md): every
# pod's agent metrics and its redis_exporter sidecar, scraped every second,
# with observability/rules.yml evaluated every second (`for:` set to 0 s:
# these are the expressions as shipped, and promtool's tests in make unit
# hold the `for:` boundaries). One cluster, one fault after the other, each
# alert read back from Prometheus's alerts API and cleared after healing:
#  - healthy: no alert at all, and every query of observability/
#    dashboard.json returns data;
#  - a replica made master by hand (REPLICAOF NO ONE): split brain, until
#    it is made a replica again;
#  - the master and one sentinel cut off from everyone else: the others
#    fail over, so two servers are master (split brain), the cut sentinel
#    names the old one (sentinels disagree), and the old master, cut from
#    its replicas, refuses writes (writes fenced);
#  - a majority of the sentinels stopped: quorum unreachable;
#  - EXPORTER_PASSWORD changed in the Secret ([credentials] grace = 5 s):
#    every agent rewrites its sidecar's password file in phase use; each
#    sidecar's `redis-init exporter --run` restarts it on the new file, and
#    once the old password is dropped and their connections cut, every
#    exporter still reports redis_up 1.
# The WAIT 1 writer runs throughout: no acknowledged write may be lost.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

E2E_METRICS=on
export E2E_CREDS_GRACE=5000
cluster_up
metrics_start_exporters
prom_start 0s
prom_settled
firing_now() { prom_firing | tr '\n' ';'; }

# ---------------------------------------------------------------- healthy
# Once the first scrapes are in (the sentinels may not have heard each
# other's hello yet at the very start), no alert at all for six
# evaluations.
start_alerts=
quiet_now() { local a; a=$(prom_alerts) || return 1; [[ $a == "[]" ]] || { start_alerts=$a; return 1; }; }
wait_until 30 "no alert after the start" quiet_now ||
    { e2e_log "the last 30 s per agent: $(prom_recent_gaps | tr '\n' ';')"; fail_test "a healthy cluster keeps alerts: $start_alerts"; }
quiet_since=$SECONDS
while ((SECONDS - quiet_since < 6)); do
    a=$(prom_alerts) || fail_test "Prometheus did not answer /api/v1/alerts"
    if [[ $a != "[]" ]]; then
        e2e_log "the last 30 s per agent: $(prom_recent_gaps | tr '\n' ';')"
        fail_test "a healthy cluster has alerts: $a"
    fi
    sleep 1
done
e2e_log "healthy: no alert for 6 s${start_alerts:+ (at the start, briefly: $start_alerts)}"

# Every dashboard query returns data ($cluster: this run's cluster;
# $__rate_interval: Grafana's at a 1 s scrape, at least 4 scrapes), within
# 20 s: a rate or an increase needs two scrapes inside its window.
cluster=$(prom_cluster)
has_data() { local res; res=$(prom_query "$1") && [[ $(jq length <<<"$res") -gt 0 ]]; }
n=0
while IFS= read -r expr; do
    q=${expr//\$cluster/$cluster}
    q=${q//\$__rate_interval/15s}
    wait_until 20 "data from the dashboard query $q" has_data "$q" || fail_test "dashboard query returns no data: $q"
    n=$((n + 1))
done < <(jq -r '.. | .expr? // empty' "$E2E_REPO_DIR/observability/dashboard.json")
((n >= 20)) || fail_test "only $n dashboard queries found"
e2e_log "dashboard: all $n queries return data"

writer_start obs

# ---------------------------------------------------------------- a second master by hand
m=$(current_master)
replicas=()
for p in $(running_redis_pods); do [[ $p == "$m" ]] || replicas+=("$p"); done
rogue=${replicas[0]}
rcli "$rogue" REPLICAOF NO ONE >/dev/null
wait_until 15 "RedisInitSplitBrain fires ($rogue made master)" prom_fires RedisInitSplitBrain ||
    fail_test "no split-brain alert with $m and $rogue master; firing: $(firing_now)"
e2e_log "split brain fires: $(firing_now)"
rcli "$rogue" REPLICAOF "$(pod_fqdn "$m")" "$E2E_REDIS_PORT" >/dev/null
wait_until 40 "$rogue a replica again and the alerts clear" prom_quiet ||
    fail_test "alerts left after $rogue became a replica again: $(firing_now)"
[[ $(redis_role "$rogue") == slave ]] || fail_test "$rogue is not a replica again"
wait_healthy 60 || fail_test "not healthy after the second master: $E2E_WHY"

# ---------------------------------------------------------------- the master and a sentinel cut off
s_cut=$(sentinel_pod 0)
rest=("${replicas[@]}")
for p in $(running_sentinel_pods); do [[ $p == "$s_cut" ]] || rest+=("$p"); done
pod_partition "$m" "${rest[@]}"
pod_partition "$s_cut" "${rest[@]}"
three() {
    local f
    f=$(prom_firing)
    grep -q '^RedisInitSplitBrain ' <<<"$f" && grep -q '^RedisInitSentinelsDisagree ' <<<"$f" &&
        grep -qx "RedisInitWritesFenced $m" <<<"$f"
}
wait_until 60 "split brain, sentinels disagree, $m fenced" three ||
    fail_test "the cut-off master: want split brain, disagreement and $m fenced; firing: $(firing_now)"
e2e_log "cut off: $(firing_now)"
pod_heal "$m"
pod_heal "$s_cut"
wait_healthy 90 || fail_test "not healthy after the heal: $E2E_WHY"
wait_until 60 "every alert clears after the heal" prom_quiet ||
    fail_test "alerts left after the heal: $(firing_now)"
e2e_log "healed: no alert"

# ---------------------------------------------------------------- a sentinel majority stopped
stopped=("$(sentinel_pod 1)" "$(sentinel_pod 2)")
for p in "${stopped[@]}"; do stop_pod "$p"; done
wait_until 30 "RedisInitQuorumUnreachable fires" prom_fires RedisInitQuorumUnreachable ||
    fail_test "no quorum alert with 2 of 3 sentinels stopped; firing: $(firing_now)"
e2e_log "quorum lost: $(firing_now)"
for p in "${stopped[@]}"; do
    start_sentinel_pod "${p##*-}"
    metrics_start_exporter "$p"
done
wait_healthy 60 || fail_test "not healthy with the sentinels back: $E2E_WHY"
prom_settled
wait_until 30 "every alert clears with the sentinels back" prom_quiet ||
    fail_test "alerts left with the sentinels back: $(firing_now)"

# ------------------------------------------- the exporter's password, live
secrets=$E2E_RUN_DIR/secrets.json
xuser=$(jq -r '.data.EXPORTER_USERNAME // "exporter"' "$secrets")
oldx=$(jq -r .data.EXPORTER_PASSWORD "$secrets")
cp -p "$secrets" "$E2E_RUN_DIR/secrets.gen1.json"
(umask 077 && X_PW="x-$(e2e_rand)-%/&# x" jq '.data.EXPORTER_PASSWORD = env.X_PW' "$secrets" >"$secrets.tmp")
mv "$secrets.tmp" "$secrets"
newx=$(jq -r .data.EXPORTER_PASSWORD "$secrets")
mapfile -t pods < <(running_redis_pods; running_sentinel_pods)
files_new() {
    local p
    for p in "${pods[@]}"; do
        jq -e --arg pw "$newx" '[.[]] | all(. == $pw)' "$(e2e_pod_dir "$p")/exporter/passwords.json" >/dev/null || return 1
    done
}
wait_until 30 "every agent rewrote its exporter's password file" files_new ||
    fail_test "an exporter password file still holds the old password"
restarted() { grep -q "exporter: its password file changed; restarting it" "$(e2e_pod_dir "$1")/exporter.log"; }
for p in "${pods[@]}"; do
    wait_until 10 "$p's exporter restarted on the new password" restarted "$p" ||
        fail_test "$p's exporter was not restarted: $(tail -3 "$(e2e_pod_dir "$p")/exporter.log")"
done
old_refused() { [[ $(rcli_as "$xuser" "$oldx" "$(current_master)" PING 2>&1) == *WRONGPASS* ]]; }
wait_until 30 "the old exporter password dropped" old_refused || fail_test "the old exporter password is still accepted"
for p in "${pods[@]}"; do rcli "$p" CLIENT KILL USER "$xuser" >/dev/null; done
exporter_up() { [[ $(pod_exec "$1" curl -s --max-time 2 "http://127.0.0.1:$E2E_EXPORTER_PORT/metrics" | grep '^redis_up ') == "redis_up 1" ]]; }
for p in "${pods[@]}"; do
    wait_until 10 "$p's exporter up on the new password" exporter_up "$p" ||
        fail_test "$p's exporter: $(tail -3 "$(e2e_pod_dir "$p")/exporter.log")"
done
for lf in "$E2E_RUN_DIR"/pods/*/log "$E2E_RUN_DIR"/pods/*/exporter.log; do
    ! grep -qF -- "$oldx" "$lf" || fail_test "the old exporter password appears in $lf"
done
e2e_log "exporter password rotated live: every password file rewritten in phase use, every sidecar restarted on it by exporter --run, redis_up 1 after the drop"

writer_stop obs
((WRITER_ACKED > 0)) || fail_test "the writer got no write acknowledged"
writer_verify obs
assert_no_secret_leaks
e2e_log "observability OK"
