#!/usr/bin/python3
"""The pod network's bytes, to look for what must never cross it in clear
text (test/e2e/test_tls.sh). Run inside the network namespace.

    capture.py record IFACE SECONDS OUT
        every frame on IFACE, or on every interface of the namespace with
        "any" (an AF_PACKET socket, as tcpdump does), for SECONDS; the TCP
        payloads are appended to OUT as raw bytes. Prints "frames=N
        payload_bytes=N". On a bridge, "any": frames between two pods cross
        the bridge's ports (the veths), not the bridge device itself.
    capture.py find OUT SECRETS NAME
        what OUT holds in clear text: each password of the secrets file
        (SECRETS, the seed-000 JSON), a RESP-framed AUTH, PSYNC, REPLCONF
        or SET of a writer key, and NAME (a host name the TLS handshakes
        carry in their SNI, the proof that the capture saw them). Prints
        "found: <what>" per hit, naming the secret's key, never its value,
        and "sni=yes|no".
"""
import json
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def tcp_payload(frame):
    """The payload of an IPv4/TCP frame, else b""."""
    if len(frame) < 14 or struct.unpack("!H", frame[12:14])[0] != 0x0800:
        return b""
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if len(ip) < ihl + 20 or ip[9] != 6:
        return b""
    total = struct.unpack("!H", ip[2:4])[0]
    tcp = ip[ihl:total]
    return tcp[(tcp[12] >> 4) * 4:]


def record(iface, seconds, out):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(ETH_P_ALL))
    if iface != "any":
        s.bind((iface, 0))
    s.settimeout(0.2)
    end = time.monotonic() + float(seconds)
    frames = nbytes = 0
    with open(out, "ab") as f:
        while time.monotonic() < end:
            try:
                frame, addr = s.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING:
                continue  # each frame once: as it comes in from a pod
            frames += 1
            payload = tcp_payload(frame)
            nbytes += len(payload)
            f.write(payload)
    print("frames=%d payload_bytes=%d" % (frames, nbytes))


def find(out, secrets, name):
    with open(out, "rb") as f:
        data = f.read()
    with open(secrets, encoding="utf-8") as f:
        sec = json.load(f)["data"]
    looks = {k: v.encode() for k, v in sec.items() if k.endswith("PASSWORD") and len(v) >= 6}
    for cmd in ("AUTH", "PSYNC", "REPLCONF"):
        for c in (cmd, cmd.lower()):
            looks["RESP " + c] = b"\r\n" + c.encode() + b"\r\n"
    looks["a writer key"] = b"\r\nkill:"
    for what, needle in sorted(looks.items()):
        if needle in data:
            print("found: %s" % what)
    print("sni=%s" % ("yes" if name.encode() in data else "no"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["record"] and len(sys.argv) == 5:
        record(*sys.argv[2:])
    elif sys.argv[1:2] == ["find"] and len(sys.argv) == 5:
        find(*sys.argv[2:])
    else:
        sys.exit(__doc__)
