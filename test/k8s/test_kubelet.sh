#!/usr/bin/env bash
# make k8s-kubelet: the Helm chart run as deployed, on the kubelet stand-in
# (kubelet.py) on a private Docker engine (test/docker/lib.sh), twice:
#   chart                   the default values (k8s/base is that rendering,
#                           tools/k8s-base.py), fixed UIDs;
#   openshift-tls-metrics   openshift.enabled (an arbitrary UID), TLS end to
#                           end with a Secret of tools/tls-certs.sh, and the
#                           metrics sidecars.
# The kustomize renderings are the same objects (chart_parity.py in make k8s).
# The images are exactly the manifests': redis-init:VERSION built from the
# Dockerfile, and the stand-ins (dk_image_redis, _haproxy, _webdis,
# _exporter) tagged as the official images. The secrets are a Secret of the
# user's own (auth.existingSecret), as the chart's NOTES tell users; its
# service password holds the characters shell readers get wrong.
# Cases: test_kubelet.py. Prints "  ok"/"  FAIL" lines and a total.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../docker/lib.sh"
HELM=${K8S_TOOLS:-$DK_CACHE/k8s-tools/bin}/helm
[[ -x $HELM ]] || die "$HELM missing (tools/install-deps.sh runs tools/k8s-tools.sh)"
VERSION=$(cat "$DK_REPO_DIR/VERSION")
t_start=$SECONDS
rc=0

dk_engine_start
dk_stack_images
dk_our_image "redis-init:$VERSION" || die "docker build of ./Dockerfile failed"

# Random passwords, as a user sets them; the file never leaves $DK_RUN. The
# service password has a quote, a backslash, a non-ASCII letter and an &
# (written \u0026, as Helm's toJson writes it): the helm test pod must read
# it as JSON.
secrets=$DK_RUN/config.json
(umask 077; /usr/bin/python3 - "$secrets" <<'PY'
import json, secrets, sys
keys = ["REPLICA", "SENTINEL", "SENTINEL_SYNC", "ADMIN", "SERVICE", "WEBDIS", "EXPORTER"]
d = {}
for k in keys:
    d[k + "_USERNAME"] = k.lower().replace("_", "-") + "-user"
    d[k + "_PASSWORD"] = "pw-" + secrets.token_hex(12)
d["SERVICE_PASSWORD"] += '"\\\u00e9&'
d["DEFAULT_USER_PASS"] = "pw-" + secrets.token_hex(12)
open(sys.argv[1], "w").write(json.dumps({"data": d}, indent=2).replace("&", "\\u0026"))
PY
)

# secret NAME KEY=FILE...: a Secret manifest of those files.
secret() {
    local name=$1 kv
    shift
    printf -- '---\napiVersion: v1\nkind: Secret\nmetadata: {name: %s}\ntype: Opaque\ndata:\n' "$name"
    for kv in "$@"; do printf '  %s: %s\n' "${kv%%=*}" "$(base64 -w0 "${kv#*=}")"; done
}

for variant in chart openshift-tls-metrics; do
    ns=redis-$variant
    sets=(--set auth.existingSecret=redis-init-secrets) flag=() tls=()
    if [[ $variant == openshift-tls-metrics ]]; then
        # The exporter's user as the Secret names it (redis-init refuses a
        # sidecar REDIS_USER that differs, [metrics] exporter-user).
        sets+=(--set openshift.enabled=true --set metrics.enabled=true --set auth.exporter.username=exporter-user
               --set tls.enabled=true --set tls.existingSecret=redis-init-tls)
        flag=(--openshift --metrics)
        # One certificate for every pod, as the chart's cert-manager
        # Certificate would issue it (templates/tls.yaml's names).
        certs=$DK_RUN/tls-$variant
        "$DK_REPO_DIR/tools/tls-certs.sh" ca "$certs/ca" >/dev/null
        "$DK_REPO_DIR/tools/tls-certs.sh" cert "$certs/ca" "$certs/pod" \
            "*.redis-cluster-server.$ns.svc.cluster.local" "*.redis-cluster-sentinel.$ns.svc.cluster.local" \
            "redis-cluster-router.$ns.svc.cluster.local" "redis-cluster-router.$ns.svc" \
            "redis-cluster-router.$ns" redis-cluster-router >/dev/null
        chmod 0644 "$certs/pod/tls.key"      # the client container's copy (runs as another UID)
        tls=(--tls "$certs/pod")
    fi
    rendered=$DK_RUN/$variant.yaml
    "$HELM" template redis-cluster "$DK_REPO_DIR/k8s/chart/redis-init" --namespace "$ns" "${sets[@]}" \
        >"$rendered" || die "helm template ($variant) failed"
    secret redis-init-secrets "config.json=$secrets" >>"$rendered"
    [[ -z ${tls[*]} ]] || secret redis-init-tls "tls.crt=$certs/pod/tls.crt" "tls.key=$certs/pod/tls.key" \
        "ca.crt=$certs/pod/ca.crt" >>"$rendered"
    net=ri-kl-$variant-$$
    subnet=10.233.$((RANDOM % 200 + 20))
    dk_network "$net" "$subnet.0/24"
    # The cluster DNS's answer for every name that is no pod or Service:
    # NXDOMAIN, as CoreDNS gives for a deleted pod (docker's embedded DNS
    # answers the aliases itself and forwards the rest here).
    dk run -d --name "dns-$variant" --network "$net" --ip "$subnet.253" ri-test/dnsmasq \
        dnsmasq -k --no-resolv --no-hosts --address=/#/ --log-facility=- >/dev/null
    echo "kubelet: $variant ($(grep -c '^kind:' "$rendered") objects)"
    DOCKER_HOST="unix://$DK_ENGINE/docker.sock" DOCKER_CONFIG="$DK_ENGINE/cli" PYTHONPATH="$here" \
        timeout -k 10 900 /usr/bin/python3 "$here/test_kubelet.py" "${flag[@]}" "${tls[@]}" --tag "$variant" \
        --ns "$ns" --net "$net" --dns "$subnet.253" --root "$DK_RUN/kubelet-$variant" "$rendered" "$secrets" || rc=1
    ids=$(dk ps -aq)
    # shellcheck disable=SC2086
    [[ -n $ids ]] && dk rm -f $ids >/dev/null
    dk network rm "$net" >/dev/null
done
echo "kubelet: total $((SECONDS - t_start)) s"
exit "$rc"
