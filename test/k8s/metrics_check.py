"""metrics_check.py RENDERED.yaml RULES.yml DASHBOARD.json: the metrics
component (k8s/components/metrics) as rendered, wired end to end:

  - every redis and sentinel container serves the agent's metrics
    (REDIS_INIT_METRICS_PORT, a `metrics` port) and writes the exporter's
    password file into the shared volume, which the `exporter` sidecar
    reads through REDIS_PASSWORD_FILE (no password in its env or args);
  - the router's render step sets HAProxy's metrics port, after install;
  - the ServiceMonitor's endpoints name ports of the Services it selects,
    whose targetPorts are container ports of the pods they select, and it
    gives every target the `cluster` and `instance` labels;
  - the PrometheusRule holds exactly the groups of observability/rules.yml
    (written out for promtool), the ConfigMap exactly dashboard.json.
Prints one line; exits 1 naming the first flaw."""
import json
import sys

import yaml


def fail(msg):
    print("metrics component: " + msg)
    sys.exit(1)


rendered, rules_file, dash_file = sys.argv[1:4]
objs = [o for o in yaml.safe_load_all(open(rendered)) if o]
by = {}
for o in objs:
    by.setdefault(o["kind"], []).append(o)
def component(w):
    return w["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")


# By component, not by name: the chart's clusterName renames everything.
sets = {component(s): s for s in by.get("StatefulSet", [])}
for comp, main, port in (("redis", "redis", 6379), ("sentinel", "sentinel", 26379)):
    name = sets[comp]["metadata"]["name"]
    spec = sets[comp]["spec"]["template"]["spec"]
    cs = {c["name"]: c for c in spec["containers"]}
    env = {e["name"]: e.get("value") for e in cs[main].get("env", [])}
    if env.get("REDIS_INIT_METRICS_PORT") != "9188" or env.get("REDIS_INIT_METRICS_EXPORTER_DIR") != "/exporter":
        fail("%s/%s: no [metrics] port 9188 and exporter-dir /exporter in its env" % (name, main))
    if {"name": "metrics", "containerPort": 9188} not in cs[main].get("ports", []):
        fail("%s/%s: no metrics port" % (name, main))
    ex = cs.get("exporter") or fail("%s: no exporter sidecar" % name)
    xenv = {e["name"]: e for e in ex.get("env", [])}
    if xenv.get("REDIS_PASSWORD_FILE", {}).get("value") != "/exporter/passwords.json":
        fail("%s/exporter: REDIS_PASSWORD_FILE is not /exporter/passwords.json" % name)
    if any("PASSWORD" in k and k != "REDIS_PASSWORD_FILE" for k in xenv) or any("password" in a.lower() for a in ex.get("args", [])):
        fail("%s/exporter: a password in its env or args" % name)
    # Its own server: on localhost, or with TLS by the pod's name (which
    # its certificate holds).
    own = "rediss://$(POD_NAME).%s.$(POD_NAMESPACE).svc." % sets[comp]["spec"]["serviceName"]
    if "redis://localhost:%d" % port not in ex.get("args", []) and \
            not any(a.startswith(own) and a.endswith(":%d" % port) for a in ex.get("args", [])):
        fail("%s/exporter: scrapes neither redis://localhost:%d nor %s...:%d" % (name, port, own, port))
    vol = [v for v in spec["volumes"] if v["name"] == "exporter"]
    if not vol or "emptyDir" not in vol[0]:
        fail("%s: no exporter emptyDir" % name)
    for c in (cs[main], ex):
        if not any(m["name"] == "exporter" and m["mountPath"] == "/exporter" for m in c.get("volumeMounts", [])):
            fail("%s/%s: the exporter volume is not at /exporter" % (name, c["name"]))

router = [d for d in by["Deployment"] if component(d) == "router"][0]["spec"]["template"]["spec"]
inits = [c["name"] for c in router["initContainers"]]
if inits != ["install", "render"]:
    fail("router: init containers %s, want install then render" % inits)
if {"name": "REDIS_INIT_METRICS_PORT", "value": "8405"} not in router["initContainers"][1]["env"]:
    fail("router: render has no [metrics] port 8405")

def pods_of(selector):
    return [w for w in by["StatefulSet"] + by["Deployment"]
            if all(w["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in selector.items())]

mons = by.get("ServiceMonitor", [])
if len(mons) != 1:
    fail("%d ServiceMonitors, want 1" % len(mons))
mon = mons[0]["spec"]
svcs = [s for s in by["Service"]
        if all(s["metadata"].get("labels", {}).get(k) == v for k, v in mon["selector"]["matchLabels"].items())]
if sorted(s["spec"]["selector"].get("app.kubernetes.io/component") for s in svcs) != ["redis", "router", "sentinel"]:
    fail("the ServiceMonitor selects %s, want one Service per kind (redis, sentinel, router)" % [s["metadata"]["name"] for s in svcs])
for ep in mon["endpoints"]:
    targets = {r["targetLabel"] for r in ep.get("relabelings", [])}
    if not {"cluster", "instance"} <= targets:
        fail("endpoint %s does not set cluster and instance" % ep["port"])
    if not any(p["name"] == ep["port"] for s in svcs for p in s["spec"]["ports"]):
        fail("endpoint port %s is on no selected Service" % ep["port"])
for s in svcs:
    ws = pods_of(s["spec"]["selector"]) or fail("Service %s selects no pod" % s["metadata"]["name"])
    for p in s["spec"]["ports"]:
        for w in ws:
            named = {cp["name"] for c in w["spec"]["template"]["spec"]["containers"] for cp in c.get("ports", [])}
            if p["targetPort"] not in named:
                fail("Service %s: targetPort %s is no container port of %s" % (s["metadata"]["name"], p["targetPort"], w["metadata"]["name"]))

rules = by.get("PrometheusRule", [None])[0] or fail("no PrometheusRule")
if rules["spec"] != yaml.safe_load(open(rules_file)):
    fail("the PrometheusRule differs from observability/rules.yml")
with open(rendered + ".rules.yml", "w") as f:
    yaml.safe_dump(rules["spec"], f)
cm = [c for c in by["ConfigMap"] if "redis-init-ha.json" in (c.get("data") or {})]
if not cm or json.loads(cm[0]["data"]["redis-init-ha.json"]) != json.load(open(dash_file)):
    fail("the dashboard ConfigMap differs from observability/dashboard.json")
if cm[0]["metadata"].get("labels", {}).get("grafana_dashboard") != "1":
    fail("the dashboard ConfigMap lacks grafana_dashboard: \"1\"")
print("sidecars, Services, ServiceMonitor, rules and dashboard wired (%d alerts)" %
      sum(len(g["rules"]) for g in rules["spec"]["groups"]))
