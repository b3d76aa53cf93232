#!/usr/bin/python3
# test_kubelet.py: one rendering of the chart run on the kubelet stand-in
# (kubelet.py), as deployed; called by test_kubelet.sh once per value set.
#
#   test_kubelet.py [--openshift] [--metrics] [--tls DIR] --tag TAG --ns NS --net NET --dns IP
#                   --root DIR RENDERED.yaml SECRETS.json
#
#   --openshift  the restricted SCC: arbitrary UID, SCC fsGroup
#   --metrics    the exporter sidecars, the agents' and HAProxy's metrics
#   --tls DIR    TLS end to end; DIR holds the client's tls.crt, tls.key, ca.crt
#
# Cases: every redis and sentinel pod Ready; the helm test pod passes
# (discover, a write through the sentinels); the router and Webdis reach
# the master; deleting the master pod runs its preStop (exit 0: the
# switchover), no write acknowledged by a replica (WAIT 1) is lost, the
# re-created pod rejoins as a replica and is Ready; a rolling restart of the
# redis StatefulSet (an upgrade) loses no acknowledged write either; a
# container that exits is restarted and Ready again; with --metrics every
# exporter is up and every agent and the router serve metrics; no password
# in any container's argv, env or log.
# Prints "  ok"/"  FAIL" lines; exit 1 on any failure.
import argparse
import json
import sys
import time

import yaml

import kubelet as K

PASS = FAIL = 0


def ok(msg):
    global PASS
    PASS += 1
    print("  ok    " + msg, flush=True)


def fail(msg):
    global FAIL
    FAIL += 1
    print("  FAIL  " + msg, flush=True)


def wait(seconds, fn):
    end = time.time() + seconds
    while time.time() < end:
        try:
            v = fn()
            if v:
                return v
        except Exception:        # noqa: BLE001 - retried until the deadline
            pass
        time.sleep(0.5)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--openshift", action="store_true")
    ap.add_argument("--metrics", action="store_true")
    ap.add_argument("--tls")
    ap.add_argument("--tag", required=True)
    ap.add_argument("--ns", required=True)
    ap.add_argument("--net", required=True)
    ap.add_argument("--dns", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("rendered")
    ap.add_argument("secrets")
    a = ap.parse_args()
    objs = [o for o in yaml.safe_load_all(open(a.rendered)) if o]
    sec = json.load(open(a.secrets))["data"]
    admin = {"REDISCLI_AUTH": sec["ADMIN_PASSWORD"]}
    svc = {"REDISCLI_AUTH": sec["SERVICE_PASSWORD"]}
    tag = a.tag
    ns = a.ns
    # redis-cli's TLS flags: the pods mount the Secret at /tls, the client too.
    tlsf = ["--tls", "--cacert", "/tls/ca.crt", "--cert", "/tls/tls.crt", "--key", "/tls/tls.key"] if a.tls else []

    def cli(container, port, user, env, *args, input=None):
        p = K.dk("exec", "-i" if input else "-e", *(["-e"] if input else []), "REDISCLI_AUTH", container,
                 "redis-cli", *tlsf, "--no-auth-warning", "--raw", "-p", str(port), "--user", user, *args,
                 env=env, check=False, timeout=30, input=input)
        return p.stdout.strip()

    try:
        kl = K.Kubelet(objs, ns, a.net, a.dns, a.root, "redis:7.0", openshift=a.openshift)
    except K.Unsupported as e:
        fail("%s: %s" % (tag, e))
        return 1
    print("  (not exercised, scheduling only: %s)" % "; ".join(K.NOT_EXERCISED))
    t0 = time.time()
    kl.apply()
    sts = [o["metadata"]["name"] for o in objs if o["kind"] == "StatefulSet"]
    redis_sts = next(n for n in sts if "server" in n)
    sent_sts = next(n for n in sts if "sentinel" in n)
    n_redis = next(o["spec"]["replicas"] for o in objs if o["metadata"]["name"] == redis_sts and o["kind"] == "StatefulSet")
    n_sent = next(o["spec"]["replicas"] for o in objs if o["metadata"]["name"] == sent_sts and o["kind"] == "StatefulSet")
    rpods = ["%s-%d" % (redis_sts, i) for i in range(n_redis)]
    spods = ["%s-%d" % (sent_sts, i) for i in range(n_sent)]

    def all_ready():
        return all(kl.pods[p].is_ready() for p in rpods + spods) and not kl.errors

    if wait(300, all_ready):
        ok("%s: %d redis + %d sentinel pods Ready (%.0f s)" % (tag, n_redis, n_sent, time.time() - t0))
    else:
        fail("%s: not every pod Ready in 300 s: %s %s" % (tag, {p: kl.pods[p].is_ready() for p in rpods + spods}, kl.errors))
        return finish(kl, sec)

    if a.openshift:
        st = K.dk("exec", rpods[0] + ".redis", "cat", "/proc/1/status").stdout
        uid = [l.split()[1] for l in st.splitlines() if l.startswith("Uid:")][0]
        (ok if uid == str(K.SCC_UID) else fail)("%s: redis-server runs as the SCC's arbitrary UID (%s)" % (tag, uid))

    # The decision in each pod's termination message (what kubectl describe
    # pod shows): one line, the role and the rule's reason.
    msgs = {p: kl.pods[p].termination_message(c) for p, c in
            [(p, "redis") for p in rpods] + [(p, "sentinel") for p in spods]}
    roles = sorted(m.split(" (")[0].split(" of ")[0] for m in msgs.values())
    want = sorted(["redis-init: master"] + ["redis-init: replica"] * (n_redis - 1) + ["sentinel-init: sentinel"] * n_sent)
    (ok if roles == want and all(m.count("\n") <= 1 and " (" in m for m in msgs.values()) else fail)(
        "%s: every pod's termination message says its role and why (%s: %r)" % (tag, rpods[0], msgs[rpods[0]]))

    def master_by_sentinels():
        out = cli(spods[0] + ".sentinel", 26379, sec["ADMIN_USERNAME"], admin,
                  "SENTINEL", "get-master-addr-by-name", "mymaster").split("\n")[0]
        return out.split(".")[0] if out else None

    master = wait(30, master_by_sentinels)
    roles = {p: cli(p + ".redis", 6379, sec["ADMIN_USERNAME"], admin, "ROLE").split("\n")[0] for p in rpods}
    (ok if master and roles.get(master) == "master" and list(roles.values()).count("master") == 1 else fail)(
        "%s: one master (%s), the sentinels name it; roles %s" % (tag, master, roles))

    # helm test: the chart's test pod, run to its end after the install.
    tests = [o["metadata"]["name"] for o in objs if o["kind"] == "Pod"]
    for name in tests:
        t = time.time()
        rc, text = kl.run_test_pod(name)
        lines = [l for l in text.splitlines() if l.startswith(("==", "FAIL", "PASS"))]
        (ok if rc == "0" and "PASS" in lines else fail)("%s: helm test pod %s: exit %s in %.0f s (%s)" % (
            tag, name, rc, time.time() - t, " / ".join(lines)[-240:]))
    if not tests:
        fail("%s: the rendering has no helm test pod" % tag)

    # A client pod: the router and Webdis through the cluster's DNS names.
    client = "client-%s" % tag
    K.dk("run", "-d", "--name", client, "--network", a.net, "--dns", a.dns, "--dns-option", "ndots:5",
         "--dns-search", "%s.svc.cluster.local" % ns, "--label", "ri-kubelet=1",
         *(["-v", "%s:/tls:ro" % a.tls] if a.tls else []), "redis:7.0", "sleep", "infinity")
    router = "redis-cluster-router.%s.svc.cluster.local" % ns
    webdis = "redis-cluster-webdis.%s.svc.cluster.local" % ns

    def via_router_is(pod):
        rid = cli(pod + ".redis", 6379, sec["ADMIN_USERNAME"], admin, "INFO", "server")
        info = K.dk("exec", "-e", "REDISCLI_AUTH", client, "redis-cli", *tlsf, "--no-auth-warning", "-h", router,
                    "--user", sec["SERVICE_USERNAME"], "INFO", "server", env=svc, check=False, timeout=10).stdout
        run_id = [l for l in info.splitlines() if l.startswith("run_id:")]
        return run_id and run_id[0] in rid

    t = time.time()
    (ok if wait(60, lambda: via_router_is(master)) else fail)(
        "%s: the router reaches the master %s (%.1f s)" % (tag, master, time.time() - t))

    def http(path):
        script = ('exec 3<>/dev/tcp/%s/7379 && printf "GET %s HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3' % (webdis, path))
        return K.dk("exec", client, "bash", "-c", script, check=False, timeout=10).stdout

    (ok if wait(60, lambda: '{"SET":[true,"OK"]}' in http("/SET/webdis-key/hello")) else fail)(
        "%s: Webdis SET through the router" % tag)
    (ok if wait(10, lambda: '{"GET":"hello"}' in http("/GET/webdis-key")) else fail)("%s: Webdis GET" % tag)

    # The writer: SET then WAIT 1 on one connection through the router; a
    # write counts as acknowledged when a replica has it.
    def writer_start(name):
        loop = ('i=0; while [ ! -e /tmp/stop-%s ]; do i=$((i+1)); '
                'out=$(printf "SET %s:%%d %%d\\nWAIT 1 2000\\n" $i $i | timeout 5 redis-cli %s --no-auth-warning -h %s '
                '--user %s 2>&1 | tr "\\n" " "); case "$out" in "OK 1 "*|"OK 2 "*) echo "ACK $i";; *) echo "ERR $i $out";; esac; '
                'done > /tmp/%s.log 2>&1' % (name, name, " ".join(tlsf), router, sec["SERVICE_USERNAME"], name))
        K.dk("exec", "-d", "-e", "REDISCLI_AUTH", client, "sh", "-c", loop, env=svc)

    def writer_check(name, master_pod, what):
        K.dk("exec", client, "touch", "/tmp/stop-" + name)
        time.sleep(3)
        wl = K.dk("exec", client, "cat", "/tmp/%s.log" % name).stdout.splitlines()
        acked = [l.split()[1] for l in wl if l.startswith("ACK ")]
        errs = [l for l in wl if l.startswith("ERR ")]
        lost = []
        if master_pod and acked:
            res = cli(master_pod + ".redis", 6379, sec["ADMIN_USERNAME"], admin,
                      input="".join("EXISTS %s:%s\n" % (name, k) for k in acked)).split("\n")
            lost = [k for k, r in zip(acked, res) if r != "1"] + acked[len(res):]
        (ok if len(acked) >= 20 and not lost else fail)(
            "%s: %s: %d writes acknowledged (WAIT 1), %d lost; %d refused or failed meanwhile" % (
                tag, what, len(acked), len(lost), len(errs)))

    writer_start("w1")
    time.sleep(3)
    t = time.time()
    old, new = kl.delete_pod(master)
    rc, secs, out = old.prestop.get("redis", (None, 0, ""))
    (ok if rc == 0 else fail)("%s: deleting %s ran its preStop: exit %s in %.1f s (%s)" % (
        tag, master, rc, secs, " ".join(l for l in out.splitlines() if "rule=" in l)[-160:]))
    newmaster = wait(60, lambda: (lambda m: m if m and m != master else None)(master_by_sentinels()))
    (ok if newmaster else fail)("%s: the sentinels name a new master: %s (%.1f s after the delete)" % (tag, newmaster, time.time() - t))

    def rejoined():
        if not new.is_ready():
            return False
        info = cli(master + ".redis", 6379, sec["ADMIN_USERNAME"], admin, "INFO", "replication")
        return "role:slave" in info and "master_link_status:up" in info and (newmaster or "") in info
    (ok if wait(180, rejoined) else fail)("%s: the re-created %s is Ready as a replica of %s (%.0f s)" % (
        tag, master, newmaster, time.time() - t))
    t = time.time()
    (ok if newmaster and wait(60, lambda: via_router_is(newmaster)) else fail)(
        "%s: the router reaches the new master (%.1f s)" % (tag, time.time() - t))
    (ok if wait(30, lambda: '{"GET":"hello"}' in http("/GET/webdis-key")) else fail)(
        "%s: Webdis reads through the router after the switchover" % tag)

    writer_check("w1", newmaster, "the master deleted")

    if a.metrics:
        scrape_metrics(client, ns, rpods, spods, tag)

    # An upgrade: the StatefulSet's rolling update, one pod at a time from
    # the highest ordinal, each Ready before the next; writes go on.
    writer_start("w2")
    time.sleep(2)
    t = time.time()
    rolled, rcs = True, []
    for p in reversed(rpods):
        old_, np_ = kl.delete_pod(p)
        rcs.append(old_.prestop.get("redis", (None,))[0])
        if not wait(180, np_.is_ready):
            rolled = False
            break
    (ok if rolled and rcs == [0] * len(rpods) else fail)(
        "%s: rolling restart of %s, one pod at a time, each Ready again, preStop exits %s (%.0f s)" % (
            tag, redis_sts, rcs, time.time() - t))
    final = wait(60, master_by_sentinels)
    roles = {p: cli(p + ".redis", 6379, sec["ADMIN_USERNAME"], admin, "ROLE").split("\n")[0] for p in rpods}
    (ok if final and roles.get(final) == "master" and list(roles.values()).count("master") == 1 else fail)(
        "%s: after the roll one master (%s), the sentinels name it; roles %s" % (tag, final, roles))
    writer_check("w2", final, "the rolling restart")
    return container_restart(kl, sec, spods, tag)


def scrape_metrics(client, ns, rpods, spods, tag):
    """Every exporter sidecar logged in to its server (redis_up 1, over TLS
    when it is on), every agent and the router serve their metrics, as a
    Prometheus in the cluster would scrape them, by the pods' names."""
    def get(host, port):
        script = ('exec 3<>/dev/tcp/%s/%d && printf "GET /metrics HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3' % (host, port))
        return K.dk("exec", client, "bash", "-c", script, check=False, timeout=10).stdout
    fqdn = {p: "%s.%s.%s.svc.cluster.local" % (p, p.rsplit("-", 1)[0], ns) for p in rpods + spods}
    bad = []
    for p in rpods + spods:
        if not wait(30, lambda: "\nredis_up 1" in get(fqdn[p], 9121)):
            bad.append("%s:9121 redis_up" % p)
        if not wait(30, lambda: "\nredis_init_" in get(fqdn[p], 9188)):
            bad.append("%s:9188" % p)
    router_pods = [n for n in K.dk("ps", "--format", "{{.Names}}").stdout.split() if n.endswith(".haproxy")]
    for c in router_pods:
        ip = K.dk("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                  c.split(".")[0] + ".pause").stdout.strip()
        if not wait(30, lambda: "\nhaproxy_" in get(ip, 8405)):
            bad.append("%s:8405" % c)
    (ok if not bad and router_pods else fail)(
        "%s: metrics of %d pods (exporter redis_up 1, the agent's) and %d routers; failing: %s" % (
            tag, len(rpods + spods), len(router_pods), bad or "none"))


def container_restart(kl, sec, spods, tag):
    """A container that exits is restarted, decides again, and is Ready."""
    victim = spods[-1]
    c = kl.pods[victim].containers[0]
    K.dk("kill", c.cid)
    t = time.time()
    (ok if wait(120, lambda: c.restarts >= 1 and kl.pods[victim].is_ready()) else fail)(
        "%s: %s's container killed: restarted (%d) and Ready again (%.0f s)" % (tag, victim, c.restarts, time.time() - t))
    return finish(kl, sec)


def finish(kl, sec):
    kl.shutdown()
    pw = [v for k, v in sec.items() if "PASS" in k and v]
    leaks = []
    for pod, cname, text in kl.logs:
        if any(p in text for p in pw):
            leaks.append("%s/%s log" % (pod, cname))
    ids = K.dk("ps", "-aq", "--filter", "label=ri-kubelet=1").stdout.split()
    if ids:
        cfg = K.dk("inspect", "-f", "{{.Name}} {{json .Config.Env}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}", *ids).stdout
        for line in cfg.splitlines():
            if any(p in line for p in pw):
                leaks.append(line.split()[0] + " argv/env")
    (ok if not leaks and kl.logs else fail)("no password in any container's argv, env or log (%d logs read): %s" % (
        len(kl.logs), leaks or "none"))
    if kl.errors:
        fail("kubelet errors: %s" % kl.errors)
    if FAIL:
        for pod, cname, text in kl.logs[-40:]:
            print("---------- %s/%s ----------\n%s" % (pod, cname, "\n".join(text.splitlines()[-15:])))
    print("kubelet: %d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
