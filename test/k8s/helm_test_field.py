#!/usr/bin/python3
"""helm_test_field.py RENDERED.yaml: the `helm test` pod's field() (its reader
of /secrets/config.json, in the pod's own sh and awk) on the passwords a
shell reader gets wrong: quotes, backslashes, Helm's \\u0026-style escapes,
UTF-8, a trailing newline, a value that looks like a key; pretty, compact
and Go-escaped JSON. Runs with this machine's sh and awk (Debian's dash and
mawk, as in the official Debian-based images). Exit 1 on any wrong value."""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

pod = next(o for o in yaml.safe_load_all(open(sys.argv[1])) if o and o["kind"] == "Pod")
script = pod["spec"]["containers"][0]["args"][0]
m = re.search(r"^field\(\) \{\n.*?^\}\n", script, re.M | re.S)
if not m:
    sys.exit("helm_test_field.py: no field() { ... } in the test pod's script")
PASSWORDS = {"plain": "pw-abc123", "quote and backslash": 'a"b\\c', "HTML characters": "x&y<z>'",
             "UTF-8": "pässwörd€", "trailing newline": "abc\n", "spaces, colon": ' a: "b" , c ',
             "a key's text": '"SERVICE_PASSWORD": "x"'}
STYLES = {
    "pretty": lambda d: json.dumps(d, indent=2),
    "compact": lambda d: json.dumps(d, separators=(",", ":"), ensure_ascii=False),
    # Helm's toPrettyJson (Go): & < > as \u0026 \u003c \u003e
    "Go": lambda d: json.dumps(d, indent=2).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"),
}
bad = 0
with tempfile.TemporaryDirectory() as tmp:
    cfg = os.path.join(tmp, "config.json")
    reader = m.group(0).replace("/secrets/config.json", cfg)
    for name, pw in PASSWORDS.items():
        for style, dump in STYLES.items():
            d = {"data": {"ADMIN_PASSWORD": "SERVICE_PASSWORD", "SERVICE_USERNAME": "app", "SERVICE_PASSWORD": pw}}
            with open(cfg, "w") as f:
                f.write(dump(d))
            sh = reader + 'v=$(field SERVICE_PASSWORD && echo .) || exit 9\nprintf %s "${v%.}"\n'
            p = subprocess.run(["/bin/sh", "-c", sh], capture_output=True)
            got = p.stdout.decode("utf-8", "replace")
            if p.returncode or got != pw:
                bad += 1
                print("wrong: %s, %s JSON: got %r (exit %d), want %r" % (name, style, got, p.returncode, pw))
    with open(cfg, "w") as f:
        f.write('{"data": {"SERVICE_PASSWORD": 5}}')
    p = subprocess.run(["/bin/sh", "-c", reader + "field SERVICE_PASSWORD"], capture_output=True)
    if p.returncode != 1:
        bad += 1
        print("wrong: a number for SERVICE_PASSWORD: exit %d, want 1" % p.returncode)
n = len(PASSWORDS) * len(STYLES) + 1
print("field(): %d of %d cases right" % (n - bad, n))
sys.exit(1 if bad else 0)
