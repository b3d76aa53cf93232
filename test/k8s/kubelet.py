#!/usr/bin/python3
# kubelet.py: plays the kubelet, the StatefulSet and Deployment controllers
# and the Services' DNS for rendered manifests, on a Docker engine
# (DOCKER_HOST: the private engine of test/docker/lib.sh). No cluster exists
# on these machines; this runs the manifests as deployed, field by field.
#
# A pod is a "pause" container that holds the network namespace (its
# hostname, the Services' DNS names as network aliases, resolv.conf with the
# pod's search domains and ndots 5); its init containers run one after the
# other to exit 0, then its containers start, all in that namespace, with
# exactly the manifest's image, command, args, env (downward API and $(VAR)
# expansion as the kubelet does), mounts (Secret and ConfigMap as files with
# their modes and fsGroup, the kubelet's ..data layout; emptyDir; one
# directory per PVC that outlives the pod) and securityContext (UID/GID,
# fsGroup as a supplementary group, read-only root, capabilities, no new
# privileges). Startup, readiness and liveness exec probes run on their
# schedule; a container that exits is restarted (back-off 0, 10, 20... s);
# deleting a pod runs the preStop hooks within the grace period, then
# SIGTERM, then SIGKILL at its end.
#
# Any field this file does not implement stops it (Unsupported), so no field
# reaches users untested; fields that only affect scheduling are accepted and
# listed in NOT_EXERCISED. With openshift=True it plays the restricted SCC:
# a pod that asks for a UID, GID or fsGroup is refused; every pod runs as
# SCC_UID with GID 0 and fsGroup SCC_UID.
import base64
import os
import random
import re
import shutil
import string
import subprocess
import threading
import time

SCC_UID = 1000770000
DOCKER = "/usr/bin/docker"
NOT_EXERCISED = [
    "affinity (podAntiAffinity)", "topologySpreadConstraints", "PodDisruptionBudget",
    "resources.requests (limits.memory is applied)", "volumeClaimTemplates accessModes/storage",
    "containerPort (a pod's ports are all reachable on the test network)",
    "Ingress", "Route", "Service ClusterIP (DNS gives the pods' addresses)",
    "NetworkPolicy (not enforced: every pod reaches every port; policy.py checks that"
    " each pod is selected and each Service port admitted)",
    "cert-manager Issuer and Certificate (no cert-manager here: the TLS run mounts a Secret"
    " of tools/tls-certs.sh with the Certificate's names)",
    "terminationMessagePolicy FallbackToLogsOnError (the message file is read; the log never stands in)",
    "Services whose endpoints follow readiness (the metrics Services, found by Prometheus's"
    " endpoint discovery): no DNS name here; the tests scrape the pods by their own names",
    "emptyDir sizeLimit on disk (eviction; medium: Memory is a tmpfs of that size)",
    "pod template annotations (the chart's checksum/* roll the pods when the settings or secrets"
    " change; a rendering here is applied once)",
    "ServiceMonitor and PrometheusRule (no Prometheus Operator here; make e2e runs the same rules"
    " on a real Prometheus, test_observability.sh)",
]


class Unsupported(Exception):
    pass


def log(msg):
    print("[kubelet %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def dk(*args, timeout=120, check=True, env=None, input=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([DOCKER] + list(args), capture_output=True, text=True, timeout=timeout, env=e,
                       input=input)
    if check and p.returncode != 0:
        raise RuntimeError("docker %s: %s" % (" ".join(args[:3]), p.stderr.strip()[-400:]))
    return p


# ---------------------------------------------------------------- fields

def only(obj, where, implemented, ignored=()):
    """Every key of obj must be implemented or a known scheduling-only field."""
    for k in obj or {}:
        if k not in implemented and k not in ignored:
            raise Unsupported("%s.%s is not implemented by the kubelet stand-in" % (where, k))


POD_FIELDS = {"containers", "initContainers", "volumes", "securityContext", "enableServiceLinks",
              "automountServiceAccountToken", "terminationGracePeriodSeconds", "restartPolicy"}
POD_SCHEDULING = {"affinity", "topologySpreadConstraints"}
CONTAINER_FIELDS = {"name", "image", "command", "args", "env", "ports", "startupProbe", "readinessProbe",
                    "livenessProbe", "lifecycle", "securityContext", "resources", "volumeMounts",
                    "terminationMessagePath", "terminationMessagePolicy"}
PROBE_FIELDS = {"exec", "periodSeconds", "timeoutSeconds", "failureThreshold", "initialDelaySeconds",
                "successThreshold"}
CSC_FIELDS = {"allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsNonRoot", "capabilities",
              "runAsUser", "runAsGroup", "privileged", "seccompProfile"}
PSC_FIELDS = {"runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile"}


def check_pod_spec(spec, where, restart="Always"):
    only(spec, where, POD_FIELDS, POD_SCHEDULING)
    if spec.get("restartPolicy", "Always") != restart:
        raise Unsupported("%s: restartPolicy %s (only %s here)" % (where, spec.get("restartPolicy"), restart))
    if spec.get("enableServiceLinks") is not False:
        raise Unsupported("%s: service link variables are not implemented (set enableServiceLinks: false)" % where)
    if spec.get("automountServiceAccountToken") is not False:
        raise Unsupported("%s: no service account token can be mounted (set automountServiceAccountToken: false)" % where)
    only(spec.get("securityContext"), where + ".securityContext", PSC_FIELDS)
    check_seccomp(spec.get("securityContext", {}).get("seccompProfile"), where)
    for c in spec.get("initContainers", []) + spec["containers"]:
        cw = "%s.container[%s]" % (where, c["name"])
        only(c, cw, CONTAINER_FIELDS)
        for p in ("startupProbe", "readinessProbe", "livenessProbe"):
            if p in c:
                only(c[p], cw + "." + p, PROBE_FIELDS)
                only(c[p]["exec"], cw + "." + p + ".exec", {"command"})
                if c[p].get("successThreshold", 1) != 1:
                    raise Unsupported("%s.%s.successThreshold other than 1" % (cw, p))
        if "lifecycle" in c:
            only(c["lifecycle"], cw + ".lifecycle", {"preStop"})
            only(c["lifecycle"]["preStop"], cw + ".lifecycle.preStop", {"exec"})
        if c in spec.get("initContainers", []) and set(c) & {"startupProbe", "readinessProbe", "livenessProbe", "lifecycle"}:
            raise Unsupported("%s: probes or lifecycle on an init container" % cw)
        sc = c.get("securityContext", {})
        only(sc, cw + ".securityContext", CSC_FIELDS)
        only(sc.get("capabilities"), cw + ".securityContext.capabilities", {"drop", "add"})
        check_seccomp(sc.get("seccompProfile"), cw)
        if sc.get("privileged"):
            raise Unsupported("%s: privileged containers" % cw)
        only(c.get("resources"), cw + ".resources", {"limits", "requests"})
        only(c.get("resources", {}).get("limits"), cw + ".resources.limits", {"memory"})
        for e in c.get("env", []):
            only(e, cw + ".env", {"name", "value", "valueFrom"})
            if "valueFrom" in e:
                only(e["valueFrom"], cw + ".env.valueFrom", {"fieldRef"})
                fp = e["valueFrom"]["fieldRef"].get("fieldPath")
                if fp not in ("metadata.name", "metadata.namespace"):
                    raise Unsupported("%s.env %s: fieldRef %s" % (cw, e["name"], fp))
        for m in c.get("volumeMounts", []):
            only(m, cw + ".volumeMounts", {"name", "mountPath", "readOnly"})
        for p in c.get("ports", []):
            only(p, cw + ".ports", {"name", "containerPort", "protocol"})
    for v in spec.get("volumes", []):
        vw = "%s.volume[%s]" % (where, v["name"])
        only(v, vw, {"name", "emptyDir", "configMap", "secret", "persistentVolumeClaim"})
        if "emptyDir" in v:
            only(v["emptyDir"], vw + ".emptyDir", {"medium", "sizeLimit"})
            if v["emptyDir"].get("medium", "") not in ("", "Memory"):
                raise Unsupported("%s.emptyDir.medium %s" % (vw, v["emptyDir"]["medium"]))
        if "configMap" in v:
            only(v["configMap"], vw + ".configMap", {"name", "defaultMode"})
        if "secret" in v:
            only(v["secret"], vw + ".secret", {"secretName", "defaultMode"})


def check_seccomp(p, where):
    if p and p.get("type") != "RuntimeDefault":
        raise Unsupported("%s: seccompProfile %s (only RuntimeDefault, Docker's default profile)" % (where, p))


def expand(value, env):
    """$(VAR) from earlier variables, $$ escapes, unknown references kept (as the kubelet does)."""
    def sub(m):
        if m.group(0).startswith("$$"):
            return m.group(0)[1:]
        return env.get(m.group(1), m.group(0))
    return re.sub(r"\$\$\(?|\$\(([A-Za-z_][A-Za-z0-9_]*)\)", sub, value)


# ---------------------------------------------------------------- pods

class Container:
    def __init__(self, pod, spec):
        self.pod, self.spec, self.name = pod, spec, spec["name"]
        self.cid = "%s.%s" % (pod.name, self.name)
        self.started = self.ready = False
        self.restarts = 0
        self.probe_fail = {}
        self.next_probe = {}


class Pod:
    def __init__(self, kl, name, template, owner, hostname=None, subdomain=None, claims=None):
        self.kl, self.name, self.owner = kl, name, owner
        self.labels = template["metadata"].get("labels", {})
        self.spec = template["spec"]
        self.hostname, self.subdomain, self.claims = hostname, subdomain, claims or {}
        self.dir = os.path.join(kl.root, "pods", name)
        self.containers = [Container(self, c) for c in self.spec["containers"]]
        self.deleting = False
        self.running = False
        self.prestop = {}        # container -> (exit code, seconds, output)
        self.tmpfs = []          # emptyDir medium: Memory, unmounted when the pod goes
        self.thread = None

    # ------------------------------------------------------------ identity
    def ids(self, c):
        psc = self.spec.get("securityContext", {})
        sc = c.get("securityContext", {})
        uid = sc.get("runAsUser", psc.get("runAsUser"))
        gid = sc.get("runAsGroup", psc.get("runAsGroup"))
        fsg = psc.get("fsGroup")
        if self.kl.openshift:
            if uid is not None or gid is not None or fsg is not None:
                raise Unsupported("pod %s: the restricted SCC refuses runAsUser/runAsGroup/fsGroup outside its range" % self.name)
            uid, gid, fsg = SCC_UID, 0, SCC_UID
        if uid is None:
            user = dk("image", "inspect", "-f", "{{.Config.User}}", c["image"]).stdout.strip()
            m = re.match(r"^(\d+)(?::(\d+))?$", user)
            if not m:
                raise Unsupported("container %s: no runAsUser and image user %r is not numeric" % (c["name"], user))
            uid = int(m.group(1))
            gid = gid if gid is not None else int(m.group(2) or 0)
        if gid is None:
            gid = 0
        if sc.get("runAsNonRoot", psc.get("runAsNonRoot")) and uid == 0:
            raise Unsupported("container %s: runAsNonRoot but UID 0 (CreateContainerConfigError)" % c["name"])
        return uid, gid, fsg

    # ------------------------------------------------------------ volumes
    def volumes(self, fsg):
        paths = {}
        for v in self.spec.get("volumes", []):
            p = os.path.join(self.dir, "volumes", v["name"])
            if "emptyDir" in v:
                os.makedirs(p, exist_ok=True)
                if v["emptyDir"].get("medium") == "Memory":     # as the kubelet: a tmpfs
                    size = v["emptyDir"].get("sizeLimit", "")
                    opts = "size=" + size.replace("Mi", "m").replace("Gi", "g") if size else "size=50%"
                    subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", p], check=True)
                    self.tmpfs.append(p)
                os.chmod(p, 0o777)
                if fsg is not None:
                    os.chown(p, 0, fsg)
                    os.chmod(p, 0o2777)
            elif "configMap" in v or "secret" in v:
                if "configMap" in v:
                    data = {k: x.encode() for k, x in self.kl.get("ConfigMap", v["configMap"]["name"]).get("data", {}).items()}
                    mode = v["configMap"].get("defaultMode", 0o644)
                else:
                    s = self.kl.get("Secret", v["secret"]["secretName"])
                    data = {k: base64.b64decode(x.replace("\n", "")) for k, x in s.get("data", {}).items()}
                    mode = v["secret"].get("defaultMode", 0o644)
                atomic_write(p, data, mode, fsg)
            elif "persistentVolumeClaim" in v:
                raise Unsupported("volume %s: a pod-level persistentVolumeClaim" % v["name"])
            paths[v["name"]] = p
        for claim, p in self.claims.items():
            if not os.path.isdir(p):
                os.makedirs(p)
                os.chmod(p, 0o755)
            if fsg is not None:       # the kubelet applies fsGroup to the volume at every mount
                os.chown(p, os.stat(p).st_uid, fsg)
                os.chmod(p, 0o2775)
            paths[claim] = p
        return paths

    # ------------------------------------------------------------ docker
    def run_args(self, c, paths, init):
        uid, gid, fsg = self.ids(c)
        sc = c.get("securityContext", {})
        a = ["--name", "%s.%s" % (self.name, c["name"]), "--network", "container:" + self.name + ".pause",
             "--user", "%d:%d" % (uid, gid), "--label", "ri-kubelet=1"]
        if fsg is not None:
            a += ["--group-add", str(fsg)]
        if sc.get("readOnlyRootFilesystem"):
            a.append("--read-only")
        if sc.get("allowPrivilegeEscalation") is False:
            a += ["--security-opt", "no-new-privileges"]
        for cap in sc.get("capabilities", {}).get("drop", []):
            a += ["--cap-drop", cap]
        for cap in sc.get("capabilities", {}).get("add", []):
            a += ["--cap-add", cap]
        mem = c.get("resources", {}).get("limits", {}).get("memory")
        if mem:
            a += ["--memory", mem.replace("Mi", "m").replace("Gi", "g")]
        env = {}
        for e in c.get("env", []):
            if "value" in e:
                env[e["name"]] = expand(e["value"], env)
            else:
                env[e["name"]] = {"metadata.name": self.name, "metadata.namespace": self.kl.ns}[e["valueFrom"]["fieldRef"]["fieldPath"]]
        for k, v in env.items():
            a += ["-e", "%s=%s" % (k, v)]
        # The termination message: a file of the pod's, mounted where the
        # container writes it (the kubelet's default path if none is given),
        # read back by termination_message().
        tm = self.termination_file(c)
        if not os.path.exists(tm):
            open(tm, "w").close()
            os.chown(tm, uid, gid)
        a += ["-v", "%s:%s" % (tm, c.get("terminationMessagePath", "/dev/termination-log"))]
        for m in c.get("volumeMounts", []):
            if m["name"] not in paths:
                raise Unsupported("container %s mounts unknown volume %s" % (c["name"], m["name"]))
            a += ["-v", "%s:%s%s" % (paths[m["name"]], m["mountPath"], ":ro" if m.get("readOnly") else "")]
        # command replaces the image's ENTRYPOINT, args its CMD; $(VAR) expanded in both
        if "command" in c:
            cmd = [expand(x, env) for x in c["command"]]
            a += ["--entrypoint", cmd[0]]
            rest = cmd[1:] + [expand(x, env) for x in c.get("args", [])]
        else:
            rest = [expand(x, env) for x in c.get("args", [])]
        return a + [c["image"]] + rest

    def termination_file(self, c):
        return os.path.join(self.dir, "%s.termination-log" % c["name"])

    def termination_message(self, container):
        """What `kubectl describe pod` shows as the container's message."""
        with open(self.termination_file({"name": container})) as f:
            return f.read()

    def start(self):
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self._create()
        except Exception as e:           # noqa: BLE001 - reported, and the test fails on it
            self.kl.errors.append("pod %s: %s" % (self.name, e))
            log("pod %s: %s" % (self.name, e))

    def _create(self):
        os.makedirs(self.dir, exist_ok=True)
        _, _, fsg = self.ids(self.spec["containers"][0])
        paths = self.volumes(fsg)
        aliases = self.kl.aliases(self)
        a = ["run", "-d", "--name", self.name + ".pause", "--hostname", self.hostname or self.name,
             "--network", self.kl.net, "--dns", self.kl.dns_ip, "--label", "ri-kubelet=1",
             "--dns-option", "ndots:5"]
        for d in ("%s.svc.cluster.local" % self.kl.ns, "svc.cluster.local", "cluster.local"):
            a += ["--dns-search", d]
        for al in aliases:
            a += ["--network-alias", al]
        a += [self.kl.pause_image, "sleep", "infinity"]
        dk(*a)
        for c in self.spec.get("initContainers", []):
            for attempt in range(6):
                if self.deleting:
                    return
                p = dk("run", *self.run_args(c, paths, True), timeout=300, check=False)
                rc = dk("wait", "%s.%s" % (self.name, c["name"]), check=False).stdout.strip()
                out = dk("logs", "%s.%s" % (self.name, c["name"]), check=False)
                self.kl.logs.append((self.name, c["name"], out.stdout + out.stderr + p.stderr))
                dk("rm", "-f", "%s.%s" % (self.name, c["name"]), check=False)
                if p.returncode == 0 and rc == "0":
                    break
                log("pod %s: init container %s failed (exit %s), retrying" % (self.name, c["name"], rc))
                time.sleep(10 * (attempt + 1))
            else:
                raise RuntimeError("init container %s never succeeded" % c["name"])
        for c in self.containers:
            dk("run", "-d", *self.run_args(c.spec, paths, False))
        self.running = True
        log("pod %s: containers started" % self.name)

    # ------------------------------------------------------------ state
    def is_ready(self):
        return self.running and not self.deleting and all(c.ready for c in self.containers)

    def delete(self):
        """preStop hooks (in parallel) within the grace period, then SIGTERM, SIGKILL at its end."""
        self.deleting = True
        grace = self.spec.get("terminationGracePeriodSeconds", 30)
        t0 = time.time()
        hooks = []
        for c in self.containers:
            pre = c.spec.get("lifecycle", {}).get("preStop")
            if pre and self.running:
                def hook(c=c, cmd=pre["exec"]["command"]):
                    s = time.time()
                    p = dk("exec", c.cid, *cmd, check=False, timeout=grace + 5)
                    self.prestop[c.name] = (p.returncode, time.time() - s, p.stdout + p.stderr)
                    self.kl.logs.append((self.name, c.name + " preStop", p.stdout + p.stderr))
                th = threading.Thread(target=hook, daemon=True)
                th.start()
                hooks.append(th)
        for th in hooks:
            th.join(max(0, grace - (time.time() - t0)))
        left = max(1, int(grace - (time.time() - t0)))
        for c in self.containers:
            self.kl.collect_logs(self, c)
        ids = [c.cid for c in self.containers]
        dk("stop", "-t", str(left), *ids, check=False, timeout=left + 30)
        dk("rm", "-f", *(ids + [self.name + ".pause"]), check=False)
        self.unmount()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.running = False

    def unmount(self):
        for p in self.tmpfs:
            subprocess.run(["umount", p], check=False)
        self.tmpfs = []


def atomic_write(p, data, mode, fsg):
    """The kubelet's AtomicWriter layout: ..<ts>/files, ..data -> ..<ts>, name -> ..data/name."""
    os.makedirs(p, exist_ok=True)
    ts = "..%s" % time.strftime("%Y_%m_%d_%H_%M_%S")
    d = os.path.join(p, ts)
    os.makedirs(d)
    for k, v in data.items():
        f = os.path.join(d, k)
        with open(f, "wb") as fh:
            fh.write(v)
        os.chown(f, 0, fsg if fsg is not None else 0)
        os.chmod(f, mode | (0o440 if fsg is not None else 0))
        os.symlink(os.path.join("..data", k), os.path.join(p, k))
    os.symlink(ts, os.path.join(p, "..data"))
    if fsg is not None:
        for x in (p, d):
            os.chown(x, 0, fsg)
    os.chmod(d, 0o755)
    os.chmod(p, 0o755)


# ---------------------------------------------------------------- the node

class Kubelet:
    """The objects of one rendering, their pods, probes and restarts."""

    KINDS = {"StatefulSet", "Deployment", "Service", "ConfigMap", "Secret", "Pod",
             "PodDisruptionBudget", "Ingress", "Route", "Issuer", "Certificate", "NetworkPolicy",
             "ServiceMonitor", "PrometheusRule"}

    def __init__(self, objs, ns, net, dns_ip, root, pause_image, openshift=False):
        self.objs, self.ns, self.net, self.dns_ip = objs, ns, net, dns_ip
        self.root, self.pause_image, self.openshift = root, pause_image, openshift
        self.pods = {}
        self.errors = []
        self.logs = []            # (pod, container, text): every log line any container wrote
        self.lock = threading.Lock()
        self.stop = False
        for o in objs:
            if o["kind"] not in self.KINDS:
                raise Unsupported("kind %s is not implemented" % o["kind"])
            if o["kind"] in ("StatefulSet", "Deployment"):
                self.check_workload(o)
            if o["kind"] == "Pod":
                self.check_test_pod(o)

    def get(self, kind, name):
        for o in self.objs:
            if o["kind"] == kind and o["metadata"]["name"] == name:
                return o
        raise Unsupported("no %s %s in the manifests" % (kind, name))

    def check_workload(self, o):
        w = "%s/%s" % (o["kind"], o["metadata"]["name"])
        spec = o["spec"]
        if o["kind"] == "StatefulSet":
            only(spec, w + ".spec", {"serviceName", "replicas", "podManagementPolicy", "selector",
                                     "template", "volumeClaimTemplates"})
            if spec.get("podManagementPolicy") != "Parallel":
                raise Unsupported("%s: only podManagementPolicy Parallel is implemented" % w)
        else:
            only(spec, w + ".spec", {"replicas", "selector", "template"})
        only(spec["selector"], w + ".selector", {"matchLabels"})
        labels = spec["template"]["metadata"].get("labels", {})
        if any(labels.get(k) != v for k, v in spec["selector"]["matchLabels"].items()):
            raise Unsupported("%s: the selector does not select its template" % w)
        only(spec["template"]["metadata"], w + ".template.metadata", {"labels", "annotations"})
        check_pod_spec(spec["template"]["spec"], w)

    def check_test_pod(self, o):
        """A bare Pod is a `helm test` hook, run to its end by run_test_pod()."""
        w = "Pod/%s" % o["metadata"]["name"]
        only(o["metadata"], w + ".metadata", {"name", "labels", "annotations"})
        if (o["metadata"].get("annotations") or {}).get("helm.sh/hook") != "test":
            raise Unsupported("%s: a bare Pod that is no helm test hook" % w)
        check_pod_spec(o["spec"], w, restart="Never")

    def run_test_pod(self, name, timeout=120):
        """helm test: the hook Pod NAME runs to its end; (exit code, log)."""
        o = self.get("Pod", name)
        pod = Pod(self, name, o, o)
        pod._create()
        cid = pod.containers[0].cid
        try:
            rc = dk("wait", cid, timeout=timeout).stdout.strip()
        except subprocess.TimeoutExpired:
            rc = "timeout after %d s" % timeout
        out = dk("logs", cid, check=False)
        text = out.stdout + out.stderr
        self.logs.append((name, pod.containers[0].name, text))
        dk("rm", "-f", *([c.cid for c in pod.containers] + [name + ".pause"]), check=False)
        pod.unmount()
        return rc, text

    def aliases(self, pod):
        """The DNS names that resolve to this pod: Services whose selector matches it."""
        names = []
        for s in self.objs:
            if s["kind"] != "Service":
                continue
            only(s["spec"], "Service/%s.spec" % s["metadata"]["name"],
                 {"selector", "ports", "clusterIP", "publishNotReadyAddresses"})
            sel = s["spec"].get("selector") or {}
            if not sel or any(pod.labels.get(k) != v for k, v in sel.items()):
                continue
            svc = s["metadata"]["name"]
            probes = any("readinessProbe" in c for c in pod.spec["containers"])
            if probes and not s["spec"].get("publishNotReadyAddresses"):
                continue        # no DNS name here (NOT_EXERCISED)
            names.append("%s.%s.svc.cluster.local" % (svc, self.ns))
            if s["spec"].get("clusterIP") == "None" and pod.subdomain == svc:
                names.append("%s.%s.%s.svc.cluster.local" % (pod.hostname, svc, self.ns))
        return names

    # ------------------------------------------------------------ controllers
    def apply(self):
        for o in self.objs:
            if o["kind"] == "StatefulSet":
                for i in range(o["spec"].get("replicas", 1)):
                    self.create_sts_pod(o, i)
            elif o["kind"] == "Deployment":
                h = "".join(random.choice("0123456789abcdef") for _ in range(10))
                for _ in range(o["spec"].get("replicas", 1)):
                    self.create_deploy_pod(o, h)
        threading.Thread(target=self.loop, name="kubelet", daemon=True).start()

    def create_sts_pod(self, sts, i):
        name = "%s-%d" % (sts["metadata"]["name"], i)
        claims = {}
        for t in sts["spec"].get("volumeClaimTemplates", []):
            claims[t["metadata"]["name"]] = os.path.join(self.root, "pvc", "%s-%s" % (t["metadata"]["name"], name))
        pod = Pod(self, name, sts["spec"]["template"], sts, hostname=name,
                  subdomain=sts["spec"]["serviceName"], claims=claims)
        with self.lock:
            self.pods[name] = pod
        pod.start()
        return pod

    def create_deploy_pod(self, d, h):
        sfx = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(5))
        pod = Pod(self, "%s-%s-%s" % (d["metadata"]["name"], h, sfx), d["spec"]["template"], d)
        with self.lock:
            self.pods[pod.name] = pod
        pod.start()

    def delete_pod(self, name):
        """kubectl delete pod NAME: the hooks, the stop, and the controller's new pod of that name."""
        pod = self.pods[name]
        pod.delete()
        if pod.owner["kind"] != "StatefulSet":
            raise Unsupported("re-creating a Deployment's pod is not implemented")
        i = int(name.rsplit("-", 1)[1])
        return pod, self.create_sts_pod(pod.owner, i)

    # ------------------------------------------------------------ probes, restarts
    def loop(self):
        while not self.stop:
            t = time.time()
            states = {}
            p = dk("ps", "-a", "--filter", "label=ri-kubelet=1", "--format", "{{.Names}} {{.State}}", check=False)
            for line in p.stdout.splitlines():
                n, _, s = line.partition(" ")
                states[n] = s
            with self.lock:
                pods = [x for x in self.pods.values() if x.running and not x.deleting]
            for pod in pods:
                for c in pod.containers:
                    self.tend(pod, c, states.get(c.cid), t)
            time.sleep(max(0.1, 0.5 - (time.time() - t)))

    def tend(self, pod, c, state, now):
        if state is None:
            return
        if state != "running":
            c.started = c.ready = False
            delay = 0 if c.restarts == 0 else min(300, 10 * 2 ** (c.restarts - 1))
            if now < c.next_probe.get("restart", 0):
                return
            if "restart" not in c.next_probe:
                c.next_probe["restart"] = now + delay
                if delay:
                    return
            self.collect_logs(pod, c)
            c.restarts += 1
            c.next_probe = {}
            c.probe_fail = {}
            log("pod %s: container %s exited (%s), restart %d" % (pod.name, c.name, state, c.restarts))
            dk("start", c.cid, check=False)
            return
        spec = c.spec
        if not c.started:
            if "startupProbe" in spec:
                self.probe(pod, c, "startupProbe", now, on_ok=lambda: setattr(c, "started", True))
                return
            c.started = True
        if "livenessProbe" in spec:
            self.probe(pod, c, "livenessProbe", now)
        if "readinessProbe" in spec:
            self.probe(pod, c, "readinessProbe", now, on_ok=lambda: setattr(c, "ready", True),
                       on_fail=lambda: setattr(c, "ready", False))
        else:
            c.ready = True

    def probe(self, pod, c, kind, now, on_ok=None, on_fail=None):
        pr = c.spec[kind]
        if kind not in c.next_probe:
            c.next_probe[kind] = now + pr.get("initialDelaySeconds", 0)
        if now < c.next_probe[kind]:
            return
        c.next_probe[kind] = now + pr.get("periodSeconds", 10)
        to = pr.get("timeoutSeconds", 1)
        try:
            p = dk("exec", c.cid, *pr["exec"]["command"], check=False, timeout=to + 1)
            ok = p.returncode == 0
            out = p.stdout + p.stderr
        except subprocess.TimeoutExpired:
            ok, out = False, "timeout"
        if ok:
            c.probe_fail[kind] = 0
            if on_ok:
                on_ok()
            return
        c.probe_fail[kind] = c.probe_fail.get(kind, 0) + 1
        if c.probe_fail[kind] >= pr.get("failureThreshold", 3):
            if on_fail:
                on_fail()
            if kind in ("livenessProbe", "startupProbe"):
                log("pod %s: %s of %s failed %d times, killing it: %s" % (pod.name, kind, c.name, c.probe_fail[kind], out.strip()[-200:]))
                dk("kill", c.cid, check=False)
                c.probe_fail[kind] = 0

    def collect_logs(self, pod, c):
        p = dk("logs", c.cid, check=False)
        self.logs.append((pod.name, c.name, p.stdout + p.stderr))

    def shutdown(self):
        self.stop = True
        with self.lock:
            pods = list(self.pods.values())
        for p in pods:
            for c in p.containers:
                if p.running:
                    self.collect_logs(p, c)
        for p in pods:
            if p.tmpfs:
                dk("rm", "-f", *([c.cid for c in p.containers] + [p.name + ".pause"]), check=False)
                p.unmount()


if __name__ == "__main__":
    # kubelet.py --check [--openshift] RENDERED.yaml: only the field check,
    # no Docker (make k8s runs it on every rendering and on a broken one).
    import sys
    import yaml
    args = [x for x in sys.argv[1:] if not x.startswith("--")]
    if "--check" not in sys.argv or len(args) != 1:
        print("usage: kubelet.py --check [--openshift] RENDERED.yaml", file=sys.stderr)
        sys.exit(64)
    objs = [o for o in yaml.safe_load_all(open(args[0])) if o]
    try:
        kl = Kubelet(objs, "ns", "-", "-", "-", "-", openshift="--openshift" in sys.argv)
        for o in objs:
            if o["kind"] in ("StatefulSet", "Deployment"):
                kl.aliases(Pod(kl, "x-0", o["spec"]["template"], o))
    except Unsupported as e:
        print("UNSUPPORTED " + str(e))
        sys.exit(1)
    print("kubelet stand-in: every field of %d objects implemented or listed as not exercised" % len(objs))
