#!/bin/sh
# server-exec.sh ROOT PROG ARGS...: exec PROG from the root filesystem ROOT
# (test/servers.sh) in a private mount namespace: the host's /tmp (where the
# tests keep conf and data dirs) and the caller's /etc/resolv.conf and
# /etc/hosts (inside `ip netns exec`, the pod's) are bound into ROOT; then
# chroot. The network namespace is the caller's. The pid stays the same
# through every exec, so the caller can signal the server directly.
set -e
[ $# -ge 2 ] || { echo "usage: server-exec.sh ROOT PROG [ARGS]" >&2; exit 64; }
if [ "${RI_SERVER_EXEC_INNER:-}" != 1 ]; then
    RI_SERVER_EXEC_INNER=1 exec unshare --mount --propagation private "$0" "$@"
fi
unset RI_SERVER_EXEC_INNER
root=$1; shift
mount --bind /tmp "$root/tmp"
touch "$root/etc/resolv.conf" "$root/etc/hosts"
mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
mount --bind /etc/hosts "$root/etc/hosts"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
exec chroot "$root" "$@"
