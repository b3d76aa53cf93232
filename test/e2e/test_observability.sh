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
#  - a majority of the sentinels stopped: quorum unreachable.
# The WAIT 1 writer runs throughout: no acknowledged write may be lost.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

E2E_METRICS=on
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

writer_stop obs
((WRITER_ACKED > 0)) || fail_test "the writer got no write acknowledged"
writer_verify obs
assert_no_secret_leaks
e2e_log "observability OK"
