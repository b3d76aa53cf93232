#!/usr/bin/env bash
# container.sh RESTARTS_FILE CMD...: the "container runtime" of one e2e pod,
# run inside the pod's network namespace. It runs CMD and, when CMD exits,
# runs it again after a doubling backoff (1, 2, 4, 8 s), like a Kubernetes
# container with restartPolicy: Always. The restart count goes to
# RESTARTS_FILE so tests can assert that nothing crash-looped; CMD's pid
# (the container's PID 1, redis-init run) goes to init.pid beside it, for
# stop_pod to send SIGTERM to it alone, as the kubelet does.
set -uo pipefail

restarts_file=$1
shift
restarts=0
backoff=1
while :; do
    # In the background, so that its pid is known; SIGINT and SIGQUIT are
    # then ignored in it, and redis-init takes them back (supervise.c).
    "$@" &
    echo "$!" >"$(dirname "$restarts_file")/init.pid"
    wait "$!"
    rc=$?
    restarts=$((restarts + 1))
    echo "$restarts" >"$restarts_file"
    printf '[e2e-container %(%F %T)T] exited with status %d; restart #%d in %ds\n' -1 "$rc" "$restarts" "$backoff"
    sleep "$backoff"
    backoff=$((backoff < 8 ? backoff * 2 : 8))
done
