#!/usr/bin/python3
"""A real redis-py (Debian's python3-redis) application behind Sentinel.

    sentinel_client.py probe  SENTINELS MASTER_NAME
    sentinel_client.py run    SENTINELS MASTER_NAME PREFIX STATUS_FILE STOP_FILE

SENTINELS is "host:port,host:port,...". The service user's credentials come
from the secrets file named by $RI_SECRETS (the seed-000 JSON, as a mounted
Secret would be), never from argv. With $RI_TLS_DIR set, every connection
(sentinels and servers) is TLS with that folder's ca.crt, tls.crt and
tls.key, and the servers' host names are verified.

probe: discover the master through the sentinels (SENTINEL MASTERS), write
and read a key, PSUBSCRIBE on a sentinel, and require NOPERM for every
state-changing SENTINEL command. Prints one JSON line; exit 0 only if all
of it held.

run: write PREFIX:i (acknowledged by a replica with WAIT) and read it back,
over and over, until STOP_FILE exists; errors (a failover in progress) are
counted and retried. STATUS_FILE is rewritten after every operation with
{"ok": writes, "errors": n, "master": "host:port"}. At the end every
acknowledged key is read back; prints a JSON summary, exit 0 if none is
missing.
"""
import json
import os
import sys
import time

import redis
from redis.sentinel import Sentinel

REFUSED = [
    ("SENTINEL", "FAILOVER", "{m}"),
    ("SENTINEL", "SET", "{m}", "quorum", "1"),
    ("SENTINEL", "MONITOR", "other", "127.0.0.1", "6379", "2"),
    ("SENTINEL", "REMOVE", "{m}"),
    ("SENTINEL", "RESET", "{m}"),
    ("SENTINEL", "CONFIG", "SET", "resolve-hostnames", "no"),
    ("SENTINEL", "DEBUG"),
]


def credentials():
    with open(os.environ["RI_SECRETS"], encoding="utf-8") as f:
        data = json.load(f)["data"]
    return data["SERVICE_USERNAME"], data["SERVICE_PASSWORD"]


def tls():
    d = os.environ.get("RI_TLS_DIR")
    if not d:
        return {}
    return {"ssl": True, "ssl_ca_certs": d + "/ca.crt", "ssl_certfile": d + "/tls.crt",
            "ssl_keyfile": d + "/tls.key", "ssl_cert_reqs": "required",
            "ssl_check_hostname": True}


def connect(sentinels, user, password):
    addrs = [(h, int(p)) for h, p in (s.rsplit(":", 1) for s in sentinels.split(","))]
    auth = dict({"username": user, "password": password}, **tls())
    return Sentinel(addrs, socket_timeout=0.5, socket_connect_timeout=0.5,
                    sentinel_kwargs=dict(auth, socket_timeout=0.5, socket_connect_timeout=0.5),
                    **auth)


def probe(sentinels, name):
    user, password = credentials()
    s = connect(sentinels, user, password)
    out = {"master": "%s:%d" % s.discover_master(name), "tls": bool(tls())}
    out["replicas"] = len(s.discover_slaves(name))
    m = s.master_for(name)
    m.set("py:probe", "ok")
    out["read"] = m.get("py:probe").decode()
    # The event channels, on one sentinel directly.
    ps = s.sentinels[0].pubsub()
    ps.psubscribe("*")
    msg = None
    for _ in range(20):
        msg = ps.get_message(timeout=0.1)
        if msg:
            break
    out["psubscribe"] = bool(msg and msg["type"] == "psubscribe")
    ps.close()
    out["refused"] = {}
    for cmd in REFUSED:
        args = [a.format(m=name) for a in cmd]
        try:
            s.sentinels[0].execute_command(*args)
            out["refused"][" ".join(args[:2])] = "ALLOWED"
        except redis.exceptions.NoPermissionError:  # a NOPERM reply
            out["refused"][" ".join(args[:2])] = "NOPERM"
        except redis.exceptions.ResponseError as e:
            out["refused"][" ".join(args[:2])] = str(e)
    ok = (out["read"] == "ok" and out["psubscribe"] and out["replicas"] >= 1 and
          all(v == "NOPERM" for v in out["refused"].values()))
    print(json.dumps(out))
    return 0 if ok else 1


def write_status(path, st):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(st, f)
    os.replace(tmp, path)


def run(sentinels, name, prefix, status_file, stop_file):
    user, password = credentials()
    s = connect(sentinels, user, password)
    m = s.master_for(name, socket_timeout=0.5, socket_connect_timeout=0.5)
    st = {"ok": 0, "errors": 0, "master": "", "last_error": ""}
    acked = []
    i = 0
    deadline = time.monotonic() + 240
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        key, val = "%s:%d" % (prefix, i), "v%d" % i
        try:
            m.set(key, val)
            replicas = m.execute_command("WAIT", 1, 1000)
            if m.get(key) != val.encode():
                raise RuntimeError("read back a different value for " + key)
            if replicas >= 1:
                acked.append(key)
            st["ok"] += 1
            st["master"] = "%s:%d" % s.discover_master(name)
            i += 1
        except (redis.exceptions.RedisError, OSError, RuntimeError) as e:
            st["errors"] += 1
            st["last_error"] = type(e).__name__ + ": " + str(e)[:120]
            time.sleep(0.2)
        write_status(status_file, st)
        time.sleep(0.05)
    missing = []
    for key in acked:
        for _ in range(20):
            try:
                got = m.get(key)
                break
            except (redis.exceptions.RedisError, OSError):
                time.sleep(0.2)
        else:
            got = None
        if got != ("v" + key.rsplit(":", 1)[1]).encode():
            missing.append(key)
    st.update(acked=len(acked), missing=missing[:10], n_missing=len(missing))
    print(json.dumps(st))
    return 0 if not missing and st["ok"] > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "probe":
        sys.exit(probe(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 7 and sys.argv[1] == "run":
        sys.exit(run(*sys.argv[2:]))
    sys.exit("usage: sentinel_client.py probe SENTINELS NAME | run SENTINELS NAME PREFIX STATUS STOP")
