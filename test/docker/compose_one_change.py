#!/usr/bin/env python3
"""compose_one_change.py BASE.yml OVERRIDDEN.yml: `docker-compose config` of
docker-compose.yml alone and with docker-compose.valkey.yml. Passes when
the override changes exactly one thing: the redis and sentinel members run
valkey/valkey:8.1 with REDIS_INIT_SERVER_FLAVOUR=valkey; every other key of
every service, volume, network and secret is the same."""
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


def main():
    base, vk = (yaml.safe_load(open(f)) for f in sys.argv[1:3])
    for top in set(base) | set(vk):
        if top != "services":
            assert base.get(top) == vk.get(top), f"top-level {top} differs"
    bs = {k: normal(v) for k, v in base["services"].items()}
    vs = {k: normal(v) for k, v in vk["services"].items()}
    assert bs.keys() == vs.keys(), f"services differ: {set(bs) ^ set(vs)}"
    for name, svc in vs.items():
        if name not in MEMBERS:
            assert svc == bs[name], f"service {name} differs"
            continue
        assert svc["image"] == "valkey/valkey:8.1", f"{name}: image {svc['image']}"
        env = dict(svc["environment"])
        assert env.pop("REDIS_INIT_SERVER_FLAVOUR", None) == "valkey", f"{name}: no flavour"
        rest = dict(svc, image=bs[name]["image"], environment=env)
        assert rest == bs[name], f"{name}: more than the image and the flavour differ"
    print(f"valkey override: image and flavour only, on {len(MEMBERS)} members")


if __name__ == "__main__":
    main()
