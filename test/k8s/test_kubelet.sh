#!/usr/bin/env bash
# make k8s-kubelet: the rendered manifests run as deployed, on the kubelet
# stand-in (kubelet.py) on a private Docker engine (test/docker/lib.sh):
# k8s/ with a fixed UID, then k8s/overlays/openshift as an arbitrary UID.
# The images are exactly the manifests': redis-init:VERSION built from the
# Dockerfile, and the stand-ins (dk_image_redis, _haproxy, _webdis) tagged
# as the official images. The secrets replace the placeholders the way the
# README tells users to: an overlay with secretGenerator behavior: replace.
# Cases: test_kubelet.py. Prints "  ok"/"  FAIL" lines and a total.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../docker/lib.sh"
KUBECTL=${K8S_KUBECTL:-$DK_CACHE/kubernetes-client/usr/bin/kubectl}
[[ -x $KUBECTL ]] || die "$KUBECTL missing (tools/install-deps.sh unpacks Debian's kubernetes-client there)"
VERSION=$(cat "$DK_REPO_DIR/VERSION")
t_start=$SECONDS
rc=0

dk_engine_start
dk_stack_images
dk_our_image "redis-init:$VERSION" || die "docker build of ./Dockerfile failed"

# Random passwords, as a user sets them; the file never leaves $DK_RUN.
secrets=$DK_RUN/config.json
(umask 077; /usr/bin/python3 - "$secrets" <<'PY'
import json, secrets, sys
keys = ["REPLICA", "SENTINEL", "SENTINEL_SYNC", "ADMIN", "SERVICE", "WEBDIS"]
d = {}
for k in keys:
    d[k + "_USERNAME"] = k.lower().replace("_", "-") + "-user"
    d[k + "_PASSWORD"] = "pw-" + secrets.token_hex(12)
d["DEFAULT_USER_PASS"] = "pw-" + secrets.token_hex(12)
json.dump({"data": d}, open(sys.argv[1], "w"), indent=2)
PY
)

for variant in k8s openshift; do
    base=$DK_REPO_DIR/k8s; [[ $variant == openshift ]] && base=$DK_REPO_DIR/k8s/overlays/openshift
    ov=$DK_RUN/overlay-$variant
    mkdir -p "$ov" && cp "$secrets" "$ov/config.json"
    cat >"$ov/kustomization.yaml" <<EOF2
bases:
  - $(realpath --relative-to="$ov" "$base")
secretGenerator:
  - name: redis-init-secrets
    behavior: replace
    files: [config.json]
EOF2
    "$KUBECTL" kustomize "$ov" >"$DK_RUN/$variant.yaml" || die "kubectl kustomize $ov failed"
    net=ri-kl-$variant-$$
    subnet=10.233.$((RANDOM % 200 + 20))
    dk_network "$net" "$subnet.0/24"
    # The cluster DNS's answer for every name that is no pod or Service:
    # NXDOMAIN, as CoreDNS gives for a deleted pod (docker's embedded DNS
    # answers the aliases itself and forwards the rest here).
    dk run -d --name "dns-$variant" --network "$net" --ip "$subnet.253" ri-test/dnsmasq \
        dnsmasq -k --no-resolv --no-hosts --address=/#/ --log-facility=- >/dev/null
    echo "kubelet: $variant ($(grep -c '^kind:' "$DK_RUN/$variant.yaml") objects)"
    flag=(); [[ $variant == openshift ]] && flag=(--openshift)
    DOCKER_HOST="unix://$DK_ENGINE/docker.sock" DOCKER_CONFIG="$DK_ENGINE/cli" PYTHONPATH="$here" \
        timeout -k 10 900 /usr/bin/python3 "$here/test_kubelet.py" "${flag[@]}" --ns "redis-$variant" \
        --net "$net" --dns "$subnet.253" --root "$DK_RUN/kubelet-$variant" "$DK_RUN/$variant.yaml" "$secrets" || rc=1
    ids=$(dk ps -aq)
    # shellcheck disable=SC2086
    [[ -n $ids ]] && dk rm -f $ids >/dev/null
    dk network rm "$net" >/dev/null
done
echo "kubelet: total $((SECONDS - t_start)) s"
exit "$rc"
