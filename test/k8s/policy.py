#!/usr/bin/python3
# policy.py: the rules every rendering of k8s/ must keep, on the rendered
# objects (what kubectl would send), not on the sources.
#
#   policy.py [--openshift] RENDERED.yaml
#
# Secrets: no value of the Secret's config.json in any other object (a
# ConfigMap, an env literal, command or args); no env literal whose name
# says it is a credential. Every container (init ones too): non-root, a
# read-only root file system, every capability dropped, no privilege
# escalation, not privileged, seccomp RuntimeDefault, memory request and
# limit. StatefulSets: Parallel, a headless Service of the same name that
# publishes not-ready addresses, a PDB, anti-affinity and topology spread,
# exec startup/readiness/liveness probes through `check`, preStop through
# `prestop`, a grace period that fits [lifecycle] prestop-timeout, and the
# settings' replica counts equal to their spec.replicas (k8s/replicas.sh
# writes the latter from the former; this catches an overlay that patches
# spec.replicas itself). No kustomize var left unsubstituted; every
# ConfigMap/Secret a pod mounts exists.
# With [tls] on: /tls mounted from a Secret as a directory, and the
# cert-manager Certificate that makes it names every pod, sentinel and the
# router's Service, with the usages client certificates need (tls_policy).
# NetworkPolicy (on by default, netpol_policy): every pod selected by an
# ingress policy, every policy selecting some pod, and every port a Service
# sends to those pods admitted by one of their policies' rules.
# --openshift: no runAsUser, runAsGroup or fsGroup anywhere, no Ingress, a
# Route to an existing Service port. Otherwise a fixed non-root runAsUser.
# Prints one line per violation; exit 1 if there is any.
import base64
import configparser
import json
import re
import sys

import yaml

WORKLOADS = ("StatefulSet", "Deployment")
violations = []


def bad(obj, msg):
    violations.append("%s/%s: %s" % (obj.get("kind"), obj.get("metadata", {}).get("name"), msg))


def strip_json5_comments(text):
    return "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))


def walk_strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from walk_strings(k)
            yield from walk_strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from walk_strings(v)


def covers(san, name):
    """A DNS SAN covers name as clients match it: exact, or a wildcard for
    the one leftmost label (no partial wildcards)."""
    if san == name:
        return True
    return san.startswith("*.") and "." in name and name.split(".", 1)[1] == san[2:]


def tls_policy(objs, by_kind, cert_secrets, setting):
    """With [tls] on (REDIS_INIT_TLS_MODE in a container's env): that
    container mounts a Secret as a directory at /tls (a subPath never
    updates), and when cert-manager makes that Secret, the Certificate
    names every pod, every sentinel and the router's Service as the
    namespace "default" has them (docs/tls.md "The certificates"), with
    serverAuth and, when client certificates are required, clientAuth."""
    dom = setting("cluster", "domain", "cluster.local")
    for w in [o for o in objs if o.get("kind") in WORKLOADS]:
        pod = w["spec"]["template"]["spec"]
        vols = {v["name"]: v for v in pod.get("volumes", [])}
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            mode = env.get("REDIS_INIT_TLS_MODE", setting("tls", "mode", "off"))
            if mode not in ("on", "dual"):
                continue
            cn = "container %s" % c["name"]
            mounts = [m for m in c.get("volumeMounts", []) if m["mountPath"] == "/tls"]
            if not mounts or "secret" not in vols.get(mounts[0]["name"], {}):
                bad(w, "%s: [tls] mode %s but no Secret mounted at /tls" % (cn, mode))
                continue
            if mounts[0].get("subPath"):
                bad(w, "%s: /tls is a subPath mount, which Kubernetes never updates" % cn)
            cert = cert_secrets.get(vols[mounts[0]["name"]]["secret"]["secretName"])
            if not cert:
                continue
            sans = cert["spec"].get("dnsNames", [])
            want = []
            for st in by_kind.get("StatefulSet", []):
                svc = st["spec"]["serviceName"]
                for i in range(st["spec"].get("replicas", 1)):
                    want.append("%s-%d.%s.default.svc.%s" % (st["metadata"]["name"], i, svc, dom))
            for d in by_kind.get("Deployment", []):
                if d["metadata"]["name"].endswith("-router"):
                    want.append("%s.default.svc.%s" % (d["metadata"]["name"], dom))
            for n in want:
                if not any(covers(san, n) for san in sans):
                    bad(cert, "dnsNames do not cover %s (used by %s)" % (n, w["metadata"]["name"]))
            usages = cert["spec"].get("usages") or []
            auth = env.get("REDIS_INIT_TLS_AUTH_CLIENTS", setting("tls", "auth-clients", "no"))
            for u in ["server auth"] + (["client auth"] if auth == "yes" else []):
                if usages and u not in usages:
                    bad(cert, "usages lack %s (auth-clients = %s)" % (u, auth))
    # Each distinct violation once (every container says the same of a Certificate).
    violations[:] = list(dict.fromkeys(violations))


def selects(selector, labels):
    """matchLabels only: our policies use nothing else, and an expression
    they do not understand must not pass silently."""
    if selector.get("matchExpressions"):
        return None
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def netpol_policy(objs, by_kind):
    pols = [p for p in by_kind.get("NetworkPolicy", [])
            if "Ingress" in (p["spec"].get("policyTypes") or ["Ingress"])]
    pods = [(w, (w["spec"]["template"].get("metadata") or {}).get("labels") or {})
            for w in objs if w.get("kind") in WORKLOADS]
    for p in pols:
        sel = p["spec"].get("podSelector") or {}
        if selects(sel, {}) is None:
            bad(p, "podSelector uses matchExpressions (not checked here)")
        elif not any(selects(sel, labels) for _, labels in pods):
            bad(p, "selects no pod of this rendering")
    for w, labels in pods:
        mine = [p for p in pols if selects(p["spec"].get("podSelector") or {}, labels)]
        if not mine:
            bad(w, "no NetworkPolicy selects its pods (k8s/base/networkpolicy.yaml)")
            continue
        ports = {}
        for c in w["spec"]["template"]["spec"]["containers"]:
            for cp in c.get("ports") or []:
                ports[cp.get("name")] = cp["containerPort"]
        rules = [r for p in mine for r in p["spec"].get("ingress") or []]
        for svc in by_kind.get("Service", []):
            sel = svc["spec"].get("selector") or {}
            if not sel or not all(labels.get(k) == v for k, v in sel.items()):
                continue
            for sp in svc["spec"].get("ports") or []:
                target = sp.get("targetPort", sp["port"])
                number = ports.get(target, target) if isinstance(target, str) else target
                if not any(not r.get("ports") or any(rp.get("port") in (target, number)
                                                     for rp in r["ports"]) for r in rules):
                    bad(svc, "port %s of %s's pods is admitted by none of their NetworkPolicies"
                        % (target, w["metadata"]["name"]))


def main(argv):
    openshift = "--openshift" in argv
    files = [a for a in argv if not a.startswith("--")]
    if len(files) != 1:
        print("usage: policy.py [--openshift] RENDERED.yaml", file=sys.stderr)
        return 64
    with open(files[0]) as f:
        objs = [o for o in yaml.safe_load_all(f) if o is not None]
    by_kind = {}
    for o in objs:
        if not isinstance(o, dict) or not o.get("kind"):
            violations.append("an object without kind: %r" % (o,))
            continue
        by_kind.setdefault(o["kind"], []).append(o)
    names = {(o["kind"], o["metadata"]["name"]) for o in objs if isinstance(o, dict) and o.get("kind")}

    # Secrets cert-manager makes (k8s/overlays/tls): a Certificate's secretName.
    cert_secrets = {c["spec"].get("secretName"): c for c in by_kind.get("Certificate", [])}

    # ------------------------------------------------------------ secrets
    secret_values = set()
    for s in by_kind.get("Secret", []):
        for k, v in (s.get("data") or {}).items():
            raw = base64.b64decode(v.replace("\n", "")).decode()
            try:
                data = json.loads(strip_json5_comments(raw)).get("data", {})
            except ValueError:
                bad(s, "%s is not JSON" % k)
                continue
            for dk, dv in data.items():
                if re.search(r"PASS", dk) and isinstance(dv, str) and dv:
                    secret_values.add(dv)
        for v in (s.get("stringData") or {}).values():
            secret_values.add(v)
    if not secret_values:
        violations.append("no Secret with passwords found (the check would prove nothing)")
    for o in objs:
        if o.get("kind") == "Secret":
            continue
        for text in walk_strings(o):
            for sv in secret_values:
                if sv in text:
                    bad(o, "holds a secret value (%d bytes) outside the Secret" % len(sv))

    settings = None
    for cm in by_kind.get("ConfigMap", []):
        ini = (cm.get("data") or {}).get("settings.ini")
        if ini is not None:
            settings = configparser.ConfigParser(inline_comment_prefixes=(";",))
            settings.read_string(ini)
    if settings is None:
        violations.append("no ConfigMap with settings.ini")
        settings = configparser.ConfigParser()

    def setting(sec, key, default):
        return settings.get(sec, key, fallback=default)

    # ------------------------------------------------------------ pods
    for w in [o for o in objs if o.get("kind") in WORKLOADS]:
        pod = w["spec"]["template"]["spec"]
        psc = pod.get("securityContext") or {}
        for f in ("hostNetwork", "hostPID", "hostIPC"):
            if pod.get(f):
                bad(w, "%s is set" % f)
        if any("hostPath" in v for v in pod.get("volumes", [])):
            bad(w, "a hostPath volume")
        if pod.get("automountServiceAccountToken") is not False:
            bad(w, "automountServiceAccountToken is not false")
        for v in pod.get("volumes", []):
            if "configMap" in v and ("ConfigMap", v["configMap"]["name"]) not in names:
                bad(w, "volume %s: no ConfigMap %s" % (v["name"], v["configMap"]["name"]))
            if "secret" in v and ("Secret", v["secret"]["secretName"]) not in names \
                    and v["secret"]["secretName"] not in cert_secrets:
                bad(w, "volume %s: no Secret %s (nor a Certificate making it)" % (v["name"], v["secret"]["secretName"]))
        # The binaries are copied in by the install init container: every
        # other container runs them, so it must come first (kustomize 3.7+
        # puts a patch's list items first: a patch naming only render
        # moves render before install).
        inits = [c["name"] for c in pod.get("initContainers", [])]
        if "install" in inits and inits[0] != "install":
            bad(w, "init containers run %s: install must be first" % inits)
        ids = [("pod", psc)]
        containers = pod.get("initContainers", []) + pod.get("containers", [])
        for c in containers:
            sc = c.get("securityContext") or {}
            ids.append((c["name"], sc))
            cn = "container %s" % c["name"]
            if not (sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True):
                bad(w, "%s: runAsNonRoot is not true" % cn)
            if sc.get("runAsUser", psc.get("runAsUser")) == 0:
                bad(w, "%s: runs as UID 0" % cn)
            if sc.get("readOnlyRootFilesystem") is not True:
                bad(w, "%s: readOnlyRootFilesystem is not true" % cn)
            if sc.get("allowPrivilegeEscalation") is not False:
                bad(w, "%s: allowPrivilegeEscalation is not false" % cn)
            if sc.get("privileged"):
                bad(w, "%s: privileged" % cn)
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                bad(w, "%s: capabilities do not drop ALL" % cn)
            if (sc.get("capabilities") or {}).get("add"):
                bad(w, "%s: adds capabilities" % cn)
            seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
            if seccomp != "RuntimeDefault":
                bad(w, "%s: seccompProfile is %s, not RuntimeDefault" % (cn, seccomp))
            res = c.get("resources") or {}
            if not (res.get("requests") or {}).get("memory") or not (res.get("limits") or {}).get("memory"):
                bad(w, "%s: no memory request and limit" % cn)
            for e in c.get("env", []):
                # A *_FILE variable naming a mounted file (the exporter's
                # REDIS_PASSWORD_FILE) points at a credential, it holds none.
                is_path = e["name"].endswith("_FILE") and str(e.get("value", "")).startswith("/")
                if "value" in e and re.search(r"PASS|SECRET|TOKEN|KEY", e["name"]) and not is_path:
                    bad(w, "%s: env %s is a literal credential" % (cn, e["name"]))
                if "$(" in str(e.get("value", "")):
                    bad(w, "%s: env %s: unsubstituted %s" % (cn, e["name"], e["value"]))
            # $(NAME) on a command line is Kubernetes' expansion when the
            # container defines NAME (the exporter's $(POD_NAME)); anything
            # else is a kustomize var left unsubstituted.
            defined = {e["name"] for e in c.get("env", [])}
            for a in (c.get("command") or []) + (c.get("args") or []):
                if any(v not in defined for v in re.findall(r"\$\(([^)]*)\)", a)):
                    bad(w, "%s: unsubstituted %s on its command line" % (cn, a))
        for who, sc in ids:
            fixed = [k for k in ("runAsUser", "runAsGroup", "fsGroup") if k in sc]
            if openshift and fixed:
                bad(w, "%s securityContext sets %s (the SCC assigns them)" % (who, ", ".join(fixed)))
        if not openshift and not isinstance(psc.get("runAsUser"), int):
            bad(w, "pod securityContext has no fixed runAsUser")

    # ------------------------------------------------------------ StatefulSets
    services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    pdbs = by_kind.get("PodDisruptionBudget", [])
    grace_needed = (int(setting("lifecycle", "prestop-timeout", "20000")) + 5000) / 1000.0
    for st in by_kind.get("StatefulSet", []):
        spec, pod = st["spec"], st["spec"]["template"]["spec"]
        labels = st["spec"]["template"]["metadata"].get("labels", {})
        if spec.get("podManagementPolicy") != "Parallel":
            bad(st, "podManagementPolicy is not Parallel")
        svc = services.get(spec.get("serviceName"))
        if not svc:
            bad(st, "no Service %s" % spec.get("serviceName"))
        else:
            if svc["spec"].get("clusterIP") != "None":
                bad(svc, "not headless")
            if svc["spec"].get("publishNotReadyAddresses") is not True:
                bad(svc, "publishNotReadyAddresses is not true")
        if not any(all(labels.get(k) == v for k, v in p["spec"]["selector"]["matchLabels"].items()) for p in pdbs):
            bad(st, "no PodDisruptionBudget selects its pods")
        if not (pod.get("affinity") or {}).get("podAntiAffinity"):
            bad(st, "no pod anti-affinity")
        if not pod.get("topologySpreadConstraints"):
            bad(st, "no topology spread")
        if pod.get("terminationGracePeriodSeconds", 30) < grace_needed:
            bad(st, "terminationGracePeriodSeconds %s < prestop-timeout + 5 s" % pod.get("terminationGracePeriodSeconds", 30))
        main = pod["containers"][0]
        binary = main["command"][0]
        if not re.search(r"/(redis|sentinel)-init$", binary) or main["command"][1:] != ["run"]:
            bad(st, "the main container does not run redis-init/sentinel-init run")
        for probe, flag in (("startupProbe", "--startup"), ("readinessProbe", "--readiness"), ("livenessProbe", "--liveness")):
            cmd = ((main.get(probe) or {}).get("exec") or {}).get("command")
            if cmd != [binary, "check", flag]:
                bad(st, "%s is not exec [%s, check, %s]: %s" % (probe, binary, flag, cmd))
        pre = (((main.get("lifecycle") or {}).get("preStop") or {}).get("exec") or {}).get("command")
        if pre != [binary, "prestop"]:
            bad(st, "preStop is not exec [%s, prestop]: %s" % (binary, pre))
        env = {e["name"]: e.get("value") for e in main.get("env", [])}
        kind = "sentinel" if binary.endswith("sentinel-init") else "redis"
        svc_key = "REDIS_INIT_CLUSTER_%s_SERVICE" % kind.upper()
        if env.get(svc_key) != spec.get("serviceName"):
            bad(st, "%s=%s, but the serviceName is %s" % (svc_key, env.get(svc_key), spec.get("serviceName")))
        want = setting("cluster", "%s-replicas" % kind, "3")
        if str(spec.get("replicas", 1)) != want:
            bad(st, "spec.replicas is %s but settings.ini [cluster] %s-replicas is %s" % (spec.get("replicas", 1), kind, want))
    if len(by_kind.get("StatefulSet", [])) != 2:
        violations.append("expected 2 StatefulSets (redis, sentinel), found %d" % len(by_kind.get("StatefulSet", [])))

    tls_policy(objs, by_kind, cert_secrets, setting)
    netpol_policy(objs, by_kind)

    # ------------------------------------------------------------ exposure
    if openshift:
        if by_kind.get("Ingress"):
            violations.append("OpenShift rendering has an Ingress (it uses a Route)")
        routes = by_kind.get("Route", [])
        if not routes:
            violations.append("OpenShift rendering has no Route")
        for r in routes:
            svc = services.get(r["spec"]["to"]["name"])
            port = (r["spec"].get("port") or {}).get("targetPort")
            if not svc or port not in [p.get("name") for p in svc["spec"]["ports"]] + [p["port"] for p in svc["spec"]["ports"]]:
                bad(r, "targets no existing Service port (%s %s)" % (r["spec"]["to"]["name"], port))
    for ing in by_kind.get("Ingress", []):
        for rule in ing["spec"].get("rules", []):
            for p in rule["http"]["paths"]:
                b = p["backend"]["service"]
                svc = services.get(b["name"])
                if not svc or b["port"].get("name") not in [x.get("name") for x in svc["spec"]["ports"]]:
                    bad(ing, "backend %s:%s is not a Service port" % (b["name"], b["port"]))

    for v in violations:
        print("VIOLATION " + v)
    print("policy: %d objects, %d violations" % (len(objs), len(violations)))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
