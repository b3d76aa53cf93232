#!/usr/bin/env python3
"""hold.py HOST PORT CA CERT KEY USER GO OUT: one TLS connection to a Redis
endpoint (the router; plain TCP when CA is "-"), held open: AUTH as USER (password in REDIS_PASS,
never on argv), PING, then wait until the file GO exists, PING again on the
same connection. OUT gets "before PONG" and "after PONG" (or the error),
so a test can tell that something (a certificate renewal) happened in
between without closing the connection. Exits 0 when both PINGs answered.
"""
import os
import socket
import ssl
import sys
import time


def cmd(sock, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    sock.sendall(out)
    line = b""
    while not line.endswith(b"\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("closed")
        line += chunk
    return line.decode().strip()


def main():
    host, port, ca, cert, key, user, go, out = sys.argv[1:9]
    with open(out, "w", buffering=1) as log:
        try:
            s = socket.create_connection((host, int(port)), timeout=10)
            if ca != "-":
                ctx = ssl.create_default_context(cafile=ca)
                ctx.load_cert_chain(cert, key)
                s = ctx.wrap_socket(s, server_hostname=host)
            auth = cmd(s, "AUTH", user, os.environ["REDIS_PASS"])
            if auth != "+OK":
                log.write("auth failed\n")
                return 1
            log.write("before %s\n" % cmd(s, "PING").lstrip("+"))
            deadline = time.time() + 300
            while not os.path.exists(go) and time.time() < deadline:
                time.sleep(0.2)
            log.write("after %s\n" % cmd(s, "PING").lstrip("+"))
            return 0
        except Exception as e:  # the test reads OUT
            log.write("error %s\n" % e)
            return 1


if __name__ == "__main__":
    sys.exit(main())
