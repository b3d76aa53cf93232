#!/usr/bin/env python3
"""compose_one_change.py [--tls] BASE.yml OVERRIDDEN.yml: `docker-compose
config` of docker-compose.yml alone and with an override. Passes when the
override changes exactly one thing, every other key of every service,
volume, network and secret being the same:
  docker-compose.valkey.yml: the redis and sentinel members run
    valkey/valkey:8.1 with REDIS_INIT_SERVER_FLAVOUR=valkey;
  docker-compose.tls.yml (--tls): the members, the router and Webdis get
    REDIS_INIT_TLS_MODE=on, REDIS_INIT_TLS_AUTH_CLIENTS=yes and their
    folder ./tls/<service> mounted read-only at /tls."""
import sys
import yaml

MEMBERS = {f"{k}-{i}" for k in ("redis", "sentinel") for i in range(3)}


def normal(svc):
    """What docker-compose's merge of two files changes without meaning to:
    the order of volumes, and a network given as null or {}."""
    svc = dict(svc)
    if "volumes" in svc:
        svc["volumes"] = sorted(svc["volumes"])
    if isinstance(svc.get("networks"), dict):
        svc["networks"] = {k: v or {} for k, v in svc["networks"].items()}
    return svc


def tls_change(name, svc, base):
    env = dict(svc["environment"])
    assert env.pop("REDIS_INIT_TLS_MODE", None) == "on", f"{name}: no [tls] mode = on"
    assert env.pop("REDIS_INIT_TLS_AUTH_CLIENTS", None) == "yes", f"{name}: no auth-clients = yes"
    # docker-compose 1.29 writes short syntax: SOURCE:TARGET:MODE.
    vols = [v for v in svc["volumes"] if v.split(":")[1:2] != ["/tls"]]
    tls = [v for v in svc["volumes"] if v.split(":")[1:2] == ["/tls"]]
    assert len(tls) == 1 and tls[0].endswith(f"/tls/{name}:/tls:ro"), \
        f"{name}: /tls is not its ./tls/{name} folder, read-only: {tls}"
    rest = dict(svc, environment=env, volumes=vols)
    assert rest == base, f"{name}: more than TLS differs"


def main():
    tls = "--tls" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--tls"]
    base, vk = (yaml.safe_load(open(f)) for f in args[:2])
    for top in set(base) | set(vk):
        if top != "services":
            assert base.get(top) == vk.get(top), f"top-level {top} differs"
    bs = {k: normal(v) for k, v in base["services"].items()}
    vs = {k: normal(v) for k, v in vk["services"].items()}
    assert bs.keys() == vs.keys(), f"services differ: {set(bs) ^ set(vs)}"
    changed = MEMBERS | ({"router", "webdis"} if tls else set())
    for name, svc in vs.items():
        if name not in changed:
            assert svc == bs[name], f"service {name} differs"
            continue
        if tls:
            tls_change(name, svc, bs[name])
            continue
        assert svc["image"] == "valkey/valkey:8.1", f"{name}: image {svc['image']}"
        env = dict(svc["environment"])
        assert env.pop("REDIS_INIT_SERVER_FLAVOUR", None) == "valkey", f"{name}: no flavour"
        rest = dict(svc, image=bs[name]["image"], environment=env)
        assert rest == bs[name], f"{name}: more than the image and the flavour differ"
    if tls:
        print(f"tls override: [tls] on and /tls mounted, on {len(changed)} services")
    else:
        print(f"valkey override: image and flavour only, on {len(MEMBERS)} members")


if __name__ == "__main__":
    main()
