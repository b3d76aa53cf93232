#!/usr/bin/python3
"""chart_parity.py REPO: the chart's renderings against kustomize's, object by
object, field by field, after the documented differences are taken out.

  pair                      kustomize                 helm values (+ placeholder passwords)
  default                   k8s/                      (none)
  tls                       k8s/overlays/tls          tls.enabled=true
  metrics                   k8s/overlays/metrics      metrics.enabled=true
  openshift                 k8s/overlays/openshift    openshift.enabled=true
  valkey                    k8s/overlays/valkey       server.flavour=valkey
  redisinsight              k8s/overlays/redisinsight redisinsight.enabled=true

Documented differences (each is counted and listed, never an error):
  D1 names: kustomize's generated ConfigMap/Secret names carry a hash suffix
     (redis-init-settings-h6ff2m44hb); the chart's do not.
  D2 labels: the chart adds Helm's labels (helm.sh/chart, managed-by,
     version, instance) to objects' metadata; every kustomize label must be
     there with its value. Selectors, pod templates and volumeClaimTemplates
     are compared exactly.
  D3 pod template annotations checksum/settings, checksum/secrets (the
     chart's names are fixed, so these roll the pods on a change, as
     kustomize's suffixes do).
  D4 settings.ini is compared as INI (sections, keys, values): comments and
     blank lines differ.
  D5 Secret config.json is compared as JSON (the chart writes it with
     toPrettyJson: sorted keys).
  (D6, NetworkPolicy only in the chart, is gone: k8s/base has the same
     policies, on by default, and they are compared like everything else.)
  D7 overlays only: the order of env, ports, volumes (kustomize 5 puts a
     patch's items first; the chart appends them) and of volumeMounts (as
     test/k8s/run.sh already ignores). Containers and init containers keep
     their order. readOnly: false == absent.
Anything else is a difference: printed with its path; exit 1.
"""
import base64
import configparser
import json
import os
import re
import subprocess
import sys

import yaml

REPO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "/work/main")
TOOLS = os.environ.get("K8S_TOOLS", "/var/cache/redis-init-test/k8s-tools/bin")
HELM, KUBECTL = os.path.join(TOOLS, "helm"), os.path.join(TOOLS, "kubectl")
CHART = os.path.join(REPO, "k8s/chart/redis-init")
PASSWORDS = {
    "auth.replica.password": "REPLACE-ME-replica-password",
    "auth.sentinel.password": "REPLACE-ME-sentinel-password",
    "auth.sentinelSync.password": "REPLACE-ME-sentinel-sync-password",
    "auth.admin.password": "REPLACE-ME-admin-password",
    "auth.service.password": "REPLACE-ME-service-password",
    "auth.webdis.password": "REPLACE-ME-webdis-password",
    "auth.exporter.password": "REPLACE-ME-exporter-password",
    "auth.defaultUserPassword": "REPLACE-ME-default-password",
}
PAIRS = [
    ("default", "k8s", []),
    ("tls", "k8s/overlays/tls", ["tls.enabled=true"]),
    ("metrics", "k8s/overlays/metrics", ["metrics.enabled=true"]),
    ("openshift", "k8s/overlays/openshift", ["openshift.enabled=true"]),
    ("valkey", "k8s/overlays/valkey", ["server.flavour=valkey"]),
    ("redisinsight", "k8s/overlays/redisinsight", ["redisinsight.enabled=true"]),
]
HELM_LABELS = {"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/version",
               "app.kubernetes.io/instance"}
SUFFIX = re.compile(r"\b(redis-init-[a-z-]+)-[a-z0-9]{10}\b")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit("chart_parity.py: %s failed:\n%s" % (" ".join(cmd), p.stderr))
    return p.stdout


def load(text, notes):
    if SUFFIX.search(text):
        notes.add("D1")
    text = SUFFIX.sub(r"\1", text)
    return {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(text) if o}


def ini(text):
    c = configparser.ConfigParser(inline_comment_prefixes=(";",), strict=False, interpolation=None)
    c.read_string(text)
    return {s: dict(c[s]) for s in c.sections()}


def pod_spec(o):
    return ((o.get("spec") or {}).get("template") or {}).get("spec")


def normalise(o, other, loose, notes):
    """o: the chart's object (other: kustomize's) or kustomize's (other None)."""
    o = json.loads(json.dumps(o))
    md = o["metadata"]
    if other is not None:   # D2: Helm's labels on top of kustomize's
        labels, want = md.get("labels") or {}, (other["metadata"].get("labels") or {})
        extra = {k for k in labels if k not in want}
        if extra:
            notes.add("D2")
        md["labels"] = {k: v for k, v in labels.items() if k in want}
        if not md["labels"] and "labels" not in other["metadata"]:
            md.pop("labels")
    if o["kind"] == "ConfigMap" and "settings.ini" in (o.get("data") or {}):
        o["data"]["settings.ini"] = ini(o["data"]["settings.ini"])   # D4
        notes.add("D4")
    if o["kind"] == "Secret":
        for k, v in (o.get("data") or {}).items():
            raw = base64.b64decode(v.replace("\n", "")).decode()
            o["data"][k] = json.loads(raw) if k.endswith(".json") else raw   # D5
            notes.add("D5")
    spec = pod_spec(o)
    if spec is not None:
        tmd = o["spec"]["template"]["metadata"]
        ann = {k: v for k, v in (tmd.get("annotations") or {}).items() if not k.startswith("checksum/")}
        if len(ann) != len(tmd.get("annotations") or {}):
            notes.add("D3")
        if ann:
            tmd["annotations"] = ann
        else:
            tmd.pop("annotations", None)
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            for m in c.get("volumeMounts", []):
                if m.get("readOnly") is False:
                    m.pop("readOnly")
            c.get("volumeMounts", []).sort(key=lambda m: m["mountPath"])
            if loose:
                for f in ("env", "ports"):
                    if f in c:
                        c[f].sort(key=lambda x: x["name"])
        if loose:
            spec.get("volumes", []).sort(key=lambda v: v["name"])
    return o


def diff(a, b, path, out):
    if type(a) != type(b):
        out.append("%s: kustomize %r, chart %r" % (path, a, b))
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append("%s/%s: only in the chart: %r" % (path, k, b[k]))
            elif k not in b:
                out.append("%s/%s: only in kustomize: %r" % (path, k, a[k]))
            else:
                diff(a[k], b[k], "%s/%s" % (path, k), out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append("%s: kustomize has %d items, the chart %d: %r vs %r" % (path, len(a), len(b), a, b))
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                diff(x, y, "%s/%d" % (path, i), out)
    elif a != b:
        out.append("%s: kustomize %r, chart %r" % (path, a, b))


def compare(name, kdir, values):
    notes = set()
    kz = load(run([KUBECTL, "kustomize", os.path.join(REPO, kdir)]), notes)
    sets = [a for kv in list(PASSWORDS.items()) for a in ("--set-string", "%s=%s" % kv)]
    sets += [a for v in values for a in ("--set", v)]
    hm = load(run([HELM, "template", "redis-init", CHART, "--skip-tests"] + sets), notes)
    loose = name != "default"
    if loose:
        notes.add("D7")
    out = []
    for key in sorted(set(kz) | set(hm)):
        if key not in hm:
            out.append("%s/%s: only in kustomize" % key)
        elif key not in kz:
            out.append("%s/%s: only in the chart" % key)
        else:
            diff(normalise(kz[key], None, loose, notes), normalise(hm[key], kz[key], loose, notes),
                 "%s/%s" % key, out)
    shared = len(set(kz) & set(hm))
    status = "equal" if not out else "%d DIFFERENCES" % len(out)
    print("%-13s %-26s %2d objects shared, %s (documented: %s)" %
          (name, kdir, shared, status, ", ".join(sorted(notes)) or "none"))
    for line in out:
        print("    " + line)
    return not out


if __name__ == "__main__":
    ok = all([compare(*p) for p in PAIRS])
    sys.exit(0 if ok else 1)
