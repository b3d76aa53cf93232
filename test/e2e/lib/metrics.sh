# shellcheck shell=bash
# e2e/lib/metrics.sh: the metrics stack of docs/observability.md around a
# run: each pod's agent metrics ([metrics] port), a redis_exporter sidecar
# per pod, and a real Prometheus scraping them every second with the rules
# of observability/rules.yml. Part of test/e2e/lib.sh, which sources it.
#
# E2E_METRICS=on before cluster_create: the secrets get the exporter user,
# the settings the metrics port, each pod an exporter-dir (its
# passwords.json). Then metrics_start_exporters and prom_start. Debian's
# prometheus and prometheus-redis-exporter, unpacked (not installed) by
# tools/install-deps.sh.

E2E_METRICS_CACHE=${DK_CACHE:-/var/cache/redis-init-test}
E2E_PROMETHEUS=${E2E_PROMETHEUS:-$E2E_METRICS_CACHE/prometheus/usr/bin/prometheus}
E2E_EXPORTER=${E2E_EXPORTER:-$E2E_METRICS_CACHE/prometheus-redis-exporter/usr/bin/prometheus-redis-exporter}
E2E_METRICS_PORT=${E2E_METRICS_PORT:-9188}
E2E_EXPORTER_PORT=${E2E_EXPORTER_PORT:-9121}
E2E_PROM_PORT=${E2E_PROM_PORT:-9090}

metrics_on() { [[ ${E2E_METRICS:-off} == on ]]; }

# The settings' [metrics] section (e2e_write_settings appends it).
metrics_settings() {
    metrics_on || return 0
    printf '\n[metrics]\nport = %s\n' "$E2E_METRICS_PORT"
}

# A pod's exporter-dir, the volume its exporter sidecar shares (ri_flags).
metrics_flags() {
    metrics_on || return 0
    printf '%s\n' --set "metrics.exporter-dir=$(e2e_pod_dir "$1")/exporter"
}

# metrics_start_exporter NAME: the redis_exporter sidecar of pod NAME, in
# its namespace, as the manifests run it: under `redis-init exporter --run`
# (which restarts it when its password file changes), the user by name, the
# password from the file `run` wrote, its own server (or sentinel) on
# localhost. It dies with the pod (stop_pod empties the namespace): start
# it again then.
metrics_start_exporter() {
    local name=$1 dir
    dir=$(e2e_pod_dir "$name")
    [[ -x $E2E_EXPORTER ]] || die "$E2E_EXPORTER missing (tools/install-deps.sh unpacks it)"
    wait_until 30 "$name wrote its exporter password file" test -s "$dir/exporter/passwords.json" ||
        fail_test "$name has no $dir/exporter/passwords.json"
    setsid ip netns exec "$(e2e_netns_of "$name")" env -i PATH="$E2E_POD_PATH" \
        REDIS_USER=exporter REDIS_PASSWORD_FILE="$dir/exporter/passwords.json" \
        "$(ri_bin redis-init)" exporter --run --set "metrics.exporter-dir=$dir/exporter" -- "$E2E_EXPORTER" \
        -redis.addr "redis://localhost:$(pod_port "$name")" -web.listen-address ":$E2E_EXPORTER_PORT" \
        </dev/null >>"$dir/exporter.log" 2>&1 &
    disown "$!"
}
metrics_start_exporters() {
    local i
    for ((i = 0; i < E2E_REDIS_N; i++)); do metrics_start_exporter "$(redis_pod "$i")"; done
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do metrics_start_exporter "$(sentinel_pod "$i")"; done
}

# The cluster label every target gets, as docs/observability.md asks.
prom_cluster() { printf '%s/%s' "$E2E_K8S_NS" "$E2E_MASTER_NAME"; }

# prom_start [FOR]: Prometheus in the run's network namespace (on the
# bridge's address, which every pod reaches), scraping each pod's agent and
# exporter by DNS name every second, evaluating observability/rules.yml
# every second; with FOR, every `for:` set to it (the tests give 0s: the
# expressions are what a live cluster tests, promtool tests the `for:`
# boundaries), else as shipped (METRICS=1 make up).
prom_start() {
    local d=$E2E_RUN_DIR/prometheus for=${1:-} i targets_a=() targets_e=() p
    [[ -x $E2E_PROMETHEUS ]] || die "$E2E_PROMETHEUS missing (tools/install-deps.sh unpacks it)"
    mkdir -p "$d/data"
    for ((i = 0; i < E2E_REDIS_N; i++)); do p=$(pod_fqdn "$(redis_pod "$i")"); targets_a+=("'$p:$E2E_METRICS_PORT'"); targets_e+=("'$p:$E2E_EXPORTER_PORT'"); done
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do p=$(pod_fqdn "$(sentinel_pod "$i")"); targets_a+=("'$p:$E2E_METRICS_PORT'"); targets_e+=("'$p:$E2E_EXPORTER_PORT'"); done
    if [[ -n $for ]]; then
        sed -E "s/^( *)for: .*/\\1for: $for/" "$E2E_REPO_DIR/observability/rules.yml" >"$d/rules.yml"
    else
        cp "$E2E_REPO_DIR/observability/rules.yml" "$d/rules.yml"
    fi
    local IFS=,
    cat >"$d/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s}
rule_files: ['$d/rules.yml']
scrape_configs:
  - job_name: redis-init
    static_configs: [{targets: [${targets_a[*]}], labels: {cluster: '$(prom_cluster)'}}]
    relabel_configs: &pod
      - {source_labels: [__address__], regex: '([^.]+)\\..*', target_label: instance}
  - job_name: redis-exporter
    static_configs: [{targets: [${targets_e[*]}], labels: {cluster: '$(prom_cluster)'}}]
    relabel_configs: *pod
EOF
    unset IFS
    setsid ip netns exec "$E2E_NETNS" "$E2E_PROMETHEUS" --config.file="$d/prometheus.yml" \
        --storage.tsdb.path="$d/data" --web.listen-address="$E2E_GW:$E2E_PROM_PORT" \
        --log.level=warn </dev/null >>"$d/log" 2>&1 &
    disown "$!"
    wait_until 30 "Prometheus is ready" prom_get /-/ready ||
        fail_test "Prometheus did not start: $(tail -5 "$d/log")"
}

# prom_get PATH [CURL-ARGS]: GET Prometheus's PATH from the bridge's namespace.
prom_get() {
    ip netns exec "$E2E_NETNS" curl -sf --max-time 5 "${@:2}" "http://$E2E_GW:$E2E_PROM_PORT$1"
}

# prom_query EXPR: the instant query's result array (JSON).
prom_query() { prom_get /api/v1/query -G --data-urlencode "query=$1" | jq -c .data.result; }

# prom_targets_down: the scrape targets not up now ("job instance" lines),
# or one line saying why none can be trusted yet: Prometheus not answering,
# or fewer active targets than configured (the scrape manager loads them
# after /-/ready: an empty list is not "all up").
prom_targets_down() {
    local t want=$((2 * (E2E_REDIS_N + E2E_SENTINEL_N)))
    t=$(prom_get /api/v1/targets) || { echo "prometheus: /api/v1/targets did not answer"; return 0; }
    jq -r --argjson want "$want" '.data.activeTargets as $a
        | if ($a | length) != $want then "prometheus: \($a | length) of \($want) targets loaded"
          else ($a[] | select(.health != "up") | "\(.labels.job) \(.labels.instance)") end' <<<"$t"
}

# prom_evaluated_after T: every rule group was last evaluated after the Unix
# time T (whole seconds).
prom_evaluated_after() {
    local r
    r=$(prom_get /api/v1/rules) || return 1
    jq -e --argjson t "$1" '[.data.groups[].lastEvaluation | sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z")
        | fromdateiso8601] | length > 0 and all(. > $t)' <<<"$r" >/dev/null
}

# prom_settled: every target scraped and up, then every rule evaluated
# after that: only then does "no alert" mean something.
prom_settled() {
    wait_until 30 "Prometheus scrapes every agent and exporter" prom_all_up ||
        fail_test "targets not up: $(prom_targets_down | tr '\n' ';')"
    local t
    t=$(date +%s)
    wait_until 15 "the rules evaluated with every target scraped" prom_evaluated_after "$t" ||
        fail_test "Prometheus did not evaluate its rules after the targets were up"
}
prom_all_up() { [[ -z $(prom_targets_down) ]]; }

# prom_firing: the alerts firing now, one "name instance" line each, sorted.
prom_firing() {
    prom_get /api/v1/alerts | jq -r '.data.alerts[] | select(.state == "firing") | "\(.labels.alertname) \(.labels.instance // "")"' | sort -u
}

# prom_fires ALERT: ALERT is firing now (for wait_until).
prom_fires() { prom_firing | grep -q "^$1 "; }
# prom_alerts: every alert firing or pending, one line of JSON
# ([{a: name, i: instance, s: state}]; [] when there is none).
prom_alerts() {
    prom_get /api/v1/alerts | jq -c '[.data.alerts[] | {a: .labels.alertname, i: (.labels.instance // ""), s: .state}]'
}
# prom_recent_gaps: for an unexpected alert, what the last 30 s held, one
# line per agent target: samples scraped (30 at 1 s), its lowest `up`, and
# for servers the lowest and highest role=master value. A missed scrape
# and a role that flipped read differently here.
prom_recent_gaps() {
    local q
    q='label_replace(count_over_time(up{job="redis-init"}[30s]), "what", "scrapes", "", "")
       or label_replace(min_over_time(up{job="redis-init"}[30s]), "what", "min_up", "", "")
       or label_replace(min_over_time(redis_init_server_role{role="master"}[30s]), "what", "min_master", "", "")
       or label_replace(max_over_time(redis_init_server_role{role="master"}[30s]), "what", "max_master", "", "")'
    prom_query "$q" | jq -r 'group_by(.metric.instance)[] | "\(.[0].metric.instance): " +
        (map("\(.metric.what)=\(.value[1])") | sort | join(" "))' || true
}
# prom_quiet: no alert is firing or pending.
prom_quiet() { [[ $(prom_alerts) == "[]" ]]; }
