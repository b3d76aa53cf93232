#!/usr/bin/env bash
# make k8s: the k8s/ manifests rendered and checked offline.
#   1. kubectl kustomize of Debian's kubernetes-client 1.20 (kustomize 2.0.3,
#      the oldest we support; tools/install-deps.sh unpacks it into the test
#      cache, never over /usr/bin/kubectl) renders k8s/ (Kubernetes),
#      k8s/overlays/openshift and k8s/overlays/redisinsight;
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
PY=/usr/bin/python3       # Debian's, with python3-yaml
out=$(mktemp -d /tmp/ri-k8s.XXXXXX)
trap 'rm -rf "$out"' EXIT

PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); printf '  ok    %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf '  FAIL  %s\n' "$*"; }
t0=$SECONDS

[[ -x $KUBECTL ]] || { echo "k8s: $KUBECTL missing (tools/install-deps.sh unpacks Debian's kubernetes-client there)" >&2; exit 1; }
$PY -c 'import yaml' 2>/dev/null || { echo "k8s: python3-yaml missing (tools/install-deps.sh)" >&2; exit 1; }
kver=$("$KUBECTL" version --client --short 2>/dev/null || "$KUBECTL" version --client)
if [[ ! -f $here/node_modules/kubernetes-models/package.json ]]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "k8s: npm ci in test/k8s failed" >&2; exit 1; }
fi
echo "k8s: rendering with $KUBECTL (${kver//$'\n'/ })"

# render NAME DIR: kubectl kustomize DIR > $out/NAME.yaml
render() {
    if "$KUBECTL" kustomize "$2" >"$out/$1.yaml" 2>"$out/$1.err"; then
        ok "renders: kubectl kustomize ${2#"$repo"/} ($(grep -c '^kind:' "$out/$1.yaml") objects)"
    else
        fail "renders: kubectl kustomize ${2#"$repo"/}: $(head -3 "$out/$1.err")"
        return 1
    fi
}
# expect_pass WHAT CMD...: CMD exits 0 (its output shown on failure)
expect_pass() {
    local what=$1; shift
    if "$@" >"$out/log" 2>&1; then ok "$what ($(tail -1 "$out/log"))"; else fail "$what"; grep -v '^ok ' "$out/log" | head -20; fi
}
# expect_reject WHAT MESSAGE CMD...: CMD exits non-zero and says MESSAGE
expect_reject() {
    local what=$1 msg=$2; shift 2
    if "$@" >"$out/log" 2>&1; then
        fail "$what: accepted"
    elif grep -qF -- "$msg" "$out/log"; then
        ok "$what: rejected ($(grep -F -- "$msg" "$out/log" | head -1 | cut -c1-150))"
    else
        fail "$what: rejected, but not with \"$msg\""; grep -v '^ok ' "$out/log" | head -10
    fi
}

# ---------------------------------------------------------------- the manifests
for r in "k8s:$repo/k8s:" "openshift:$repo/k8s/overlays/openshift:--openshift" \
         "redisinsight:$repo/k8s/overlays/redisinsight:"; do
    IFS=: read -r name dir flag <<<"$r"
    render "$name" "$dir" || continue
    expect_pass "$name: every object matches the API schema" node "$here/validate.mjs" "$out/$name.yaml"
    # shellcheck disable=SC2086 # flag is empty or one word
    expect_pass "$name: policy${flag:+ ($flag)}" "$PY" "$here/policy.py" $flag "$out/$name.yaml"
    # shellcheck disable=SC2086
    expect_pass "$name: the kubelet stand-in implements every field" "$PY" "$here/kubelet.py" --check $flag "$out/$name.yaml"
done

# ---------------------------------------------------------------- broken manifests
# case | the check that must reject it | the words of its message
while IFS='|' read -r case check msg; do
    [[ -n $case ]] || continue
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
unimplemented-field|kubelet|dnsPolicy is not implemented by the kubelet stand-in
EOF_CASES
n_cases=$(find "$here/broken" -mindepth 1 -maxdepth 1 -type d | wc -l)
[[ $n_cases -eq 7 ]] && ok "every broken/ case is in the table ($n_cases)" || fail "broken/ has $n_cases cases, the table 7"

echo "k8s: $PASS passed, $FAIL failed ($((SECONDS - t0)) s)"
((FAIL == 0))
