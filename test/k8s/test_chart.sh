#!/usr/bin/env bash
# make k8s: the Helm chart (k8s/chart/redis-init) with Helm 3.17
# (tools/k8s-tools.sh), offline:
#   1. helm lint --strict; Chart.yaml's version and appVersion are VERSION;
#   2. helm template under each value set below, every rendering through
#      the checks of k8s/'s renderings (validate.mjs, policy.py [--openshift],
#      metrics_check.py with metrics on);
#   3. with the matching values, the chart renders what kustomize renders
#      of k8s/ and each overlay (chart_parity.py: the differences it
#      allows are listed there);
#   4. values it must refuse, each with the message that names the value
#      (values.schema.json for one value, templates/_validate.tpl between
#      values), and the ones next to them it must accept.
# Prints "  ok"/"  FAIL" lines and "chart: N passed, M failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${DK_CACHE:-/var/cache/redis-init-test}
export K8S_TOOLS=${K8S_TOOLS:-$cache/k8s-tools/bin}
HELM=$K8S_TOOLS/helm
PY=/usr/bin/python3
chart=$repo/k8s/chart/redis-init
out=$(mktemp -d /tmp/ri-chart.XXXXXX)
trap 'rm -rf "$out"' EXIT
# shellcheck source=../lib/assert.sh
. "$repo/test/lib/assert.sh"
# shellcheck source=lib.sh
. "$here/lib.sh"
t0=$SECONDS
[[ -x $HELM ]] || { echo "chart: $HELM missing (tools/install-deps.sh runs tools/k8s-tools.sh)" >&2; exit 1; }
k8s_npm

# Placeholder passwords, as a user passes them (never a generated one).
PW=(--set-string auth.admin.password=adm-Q9x --set-string auth.service.password=svc-Q9x
    --set-string auth.replica.password=rep-Q9x --set-string auth.sentinel.password=sen-Q9x
    --set-string auth.sentinelSync.password=ssy-Q9x --set-string auth.webdis.password=wds-Q9x
    --set-string auth.exporter.password=exp-Q9x)

# ---------------------------------------------------------------- 1. lint, version
expect_pass "helm lint --strict" "$HELM" lint --strict "$chart" "${PW[@]}"
version=$(cat "$repo/VERSION")
check "Chart.yaml: version and appVersion are VERSION ($version)" \
    bash -c 'grep -qx "version: $2" "$1" && grep -qx "appVersion: \"$2\"" "$1"' _ "$chart/Chart.yaml" "$version"

# ---------------------------------------------------------------- 2. value sets
# The Secret a user made, as auth.existingSecret names it.
user_secret() {
    printf -- '---\napiVersion: v1\nkind: Secret\nmetadata: {name: my-redis-secrets}\ndata:\n  config.json: %s\n' \
        "$(base64 -w0 "$repo/k8s/base/secrets/config.json")"
}
while IFS='|' read -r name flag sets; do
    [[ -n $name ]] || continue
    # shellcheck disable=SC2086 # sets: --set arguments, word-split on purpose
    if ! "$HELM" template redis-init "$chart" --namespace default "${PW[@]}" $sets >"$out/$name.yaml" 2>"$out/$name.err"; then
        fail "$name: helm template: $(head -3 "$out/$name.err")"
        continue
    fi
    [[ $name != existing-secret ]] || user_secret >>"$out/$name.yaml"
    ok "$name: helm template ($(grep -c '^kind:' "$out/$name.yaml") objects)"
    expect_pass "$name: every object matches the API schema" node "$here/validate.mjs" "$out/$name.yaml"
    # shellcheck disable=SC2086 # flag is empty or one word
    expect_pass "$name: policy${flag:+ ($flag)}" "$PY" "$here/policy.py" $flag "$out/$name.yaml"
    if grep -q '^kind: ServiceMonitor' "$out/$name.yaml"; then
        expect_pass "$name: the metrics are wired" "$PY" "$here/metrics_check.py" "$out/$name.yaml" \
            "$repo/observability/rules.yml" "$repo/observability/dashboard.json"
    fi
done <<'SETS'
default||
tls||--set tls.enabled=true
metrics||--set metrics.enabled=true
tls-metrics||--set tls.enabled=true --set metrics.enabled=true
openshift|--openshift|--set openshift.enabled=true
openshift-metrics|--openshift|--set openshift.enabled=true --set metrics.enabled=true
valkey||--set server.flavour=valkey
scaled-5-5||--set replica.replicaCount=5 --set sentinel.replicaCount=5
redisinsight||--set redisinsight.enabled=true
hard-no-persistence||--set podAntiAffinityPreset=hard --set persistence.enabled=false --set sentinel.persistence.enabled=false
second-cluster||--set clusterName=cache --set metrics.enabled=true
existing-secret||--set auth.existingSecret=my-redis-secrets
SETS

# The helm test pod reads the service password from config.json with its
# image's sh and awk: any JSON layout and escape (test_kubelet.sh runs it).
expect_pass "helm test pod: its config.json reader decodes JSON" "$PY" "$here/helm_test_field.py" "$out/default.yaml"

# ---------------------------------------------------------------- 3. the same objects as kustomize
expect_pass "the chart renders what kubectl kustomize renders (k8s/ and 5 overlays)" "$PY" "$here/chart_parity.py" "$repo"

# ---------------------------------------------------------------- 4. values refused
refused() { expect_reject "$1" "$2" "$HELM" template r "$chart" "${@:3}"; } # refused WHAT MESSAGE ARGS...
accepted() { # accepted WHAT ARGS...
    expect_pass "accepts $1" bash -c '"$@" >/dev/null && echo rendered' _ "$HELM" template r "$chart" "${@:2}"
}
P6=("${PW[@]:0:12}") # every password but the exporter's
refused "no passwords" "no password for auth.admin.password, auth.service.password"
refused "metrics without the exporter's password" "no password for auth.exporter.password" "${P6[@]}" --set metrics.enabled=true
refused "the default user on without its password" "no password for auth.defaultUserPassword (settings.acl.default-user is on)" "${P6[@]}" --set settings.acl.default-user=on
refused "an even sentinel count without a quorum" "sentinel.replicaCount is 4, an even count: set sentinel.quorum explicitly" "${P6[@]}" --set sentinel.replicaCount=4
accepted "an even sentinel count with a quorum" "${P6[@]}" --set sentinel.replicaCount=4 --set sentinel.quorum=3
refused "a quorum above the sentinel count" "sentinel.quorum is 4, more than sentinel.replicaCount (3)" "${P6[@]}" --set sentinel.quorum=4
refused "fencing on with one server" "fencing needs at least 2 servers" "${P6[@]}" --set replica.replicaCount=1 --set replica.minReplicasToWrite=1
accepted "one server with the fence left to redis-init (off)" "${P6[@]}" --set replica.replicaCount=1
refused "a fence above the replicas" "replica.minReplicasToWrite is 3 but replica.replicaCount is 3" "${P6[@]}" --set replica.minReplicasToWrite=3
refused "a grace period shorter than prestop-timeout + 5 s" "replica.terminationGracePeriodSeconds is 20, but settings.lifecycle.prestop-timeout (20000 ms) needs at least 25 s" "${P6[@]}" --set replica.terminationGracePeriodSeconds=20
refused "a prestop-timeout beyond the sentinels' grace period" "sentinel.terminationGracePeriodSeconds is 30, but settings.lifecycle.prestop-timeout (40000 ms)" "${P6[@]}" --set settings.lifecycle.prestop-timeout=40000 --set replica.terminationGracePeriodSeconds=45
refused "a settings key the chart owns" "settings.cluster.redis-replicas: the chart writes [cluster] redis-replicas itself; set replica.replicaCount instead" "${P6[@]}" --set settings.cluster.redis-replicas=5
refused "a port the Services and policies would not follow" "settings.cluster.redis-port: the chart writes [cluster] redis-port itself" "${P6[@]}" --set settings.cluster.redis-port=6380
refused "Webdis without the router" "webdis.enabled needs router.enabled" "${P6[@]}" --set router.enabled=false
refused "TLS without a certificate" "tls.enabled needs a certificate" "${P6[@]}" --set tls.enabled=true --set tls.certManager.enabled=false
refused "two roles with one user name" 'auth.admin.username and auth.service.username are both "admin"' "${P6[@]}" --set auth.service.username=admin
refused "a Webdis password starting with \$" "auth.webdis.password starts with \$" "${P6[@]}" --set-string 'auth.webdis.password=$HOME'
refused "a negative data size" "persistence.size" "${P6[@]}" --set persistence.size=-1Gi
refused "a zero sentinel volume" "sentinel.persistence.size" "${P6[@]}" --set sentinel.persistence.size=0
refused "a negative memory limit" "replica.resources.limits.memory" "${P6[@]}" --set replica.resources.limits.memory=-512Mi
refused "no memory limit" "replica.resources: limits is required" "${P6[@]}" --set replica.resources.limits=null
refused "0 servers" "replica.replicaCount" "${P6[@]}" --set replica.replicaCount=0
refused "65 sentinels" "sentinel.replicaCount" "${P6[@]}" --set sentinel.replicaCount=65
refused "a quorum of 0" "sentinel.quorum" "${P6[@]}" --set sentinel.quorum=0
refused "down-after 0" "sentinel.downAfterMilliseconds" "${P6[@]}" --set sentinel.downAfterMilliseconds=0
refused "an unknown flavour" "server.flavour" "${P6[@]}" --set server.flavour=keydb
refused "an anti-affinity preset typo" "podAntiAffinityPreset" "${P6[@]}" --set podAntiAffinityPreset=strict
refused "a Bitnami value with no equivalent here" "master" "${P6[@]}" --set master.count=1
refused "a master name with a space" "sentinel.masterSet" "${P6[@]}" --set "sentinel.masterSet=my master"
refused "an unknown settings section" "settings" "${P6[@]}" --set settings.clustr.domain=x
refused "a clusterName that is no DNS label" "clusterName" "${P6[@]}" --set clusterName=My_Cache
refused "a tls.authClients typo" "tls.authClients" "${P6[@]}" --set tls.authClients=required
# YAML numbers where strings are meant: 8.10 would become the tag 8.1, and
# the password 0123 the password 123. Quantities may be numbers (cpu: 1).
refused "an unquoted numeric image tag" "server.image.tag" "${P6[@]}" --set server.image.tag=8
refused "an unquoted numeric password" "auth.extra.APP_PASSWORD" "${P6[@]}" --set auth.extra.APP_PASSWORD=123
accepted "a CPU request written as a number" "${P6[@]}" --set replica.resources.requests.cpu=1
# Without persistence the data live in an emptyDir bounded by persistence.size.
no_pv_limits() {
    "$HELM" template r "$chart" "${P6[@]}" --set persistence.enabled=false \
        --set sentinel.persistence.enabled=false | "$PY" -c '
import sys, yaml
lim = {}
for o in yaml.safe_load_all(sys.stdin):
    if o and o["kind"] == "StatefulSet":
        for v in o["spec"]["template"]["spec"]["volumes"]:
            if v["name"] in ("data", "conf") and "emptyDir" in v:
                lim[(o["metadata"]["name"], v["name"])] = v["emptyDir"].get("sizeLimit")
want = {("redis-cluster-server", "data"): "1Gi", ("redis-cluster-sentinel", "conf"): "64Mi"}
got = {k: lim.get(k) for k in want}
print(got)
sys.exit(0 if got == want else 1)'
}
expect_pass "without persistence, data and sentinel state are emptyDirs bounded by their sizes" no_pv_limits

summary chart "($((SECONDS - t0)) s)"
