#!/usr/bin/env bash
# container.sh RESTARTS_FILE CMD...: the "container runtime" of one e2e pod,
# run inside the pod's network namespace. It runs CMD and, when CMD exits,
# runs it again after a doubling backoff (1, 2, 4, 8 s), like a Kubernetes
# container with restartPolicy: Always. The restart count goes to
# RESTARTS_FILE so tests can assert that nothing crash-looped. Stopping the
# pod kills this loop together with CMD (by network namespace).
set -uo pipefail

restarts_file=$1
shift
restarts=0
backoff=1
while :; do
    "$@"
    rc=$?
    restarts=$((restarts + 1))
    echo "$restarts" >"$restarts_file"
    printf '[e2e-container %(%F %T)T] exited with status %d; restart #%d in %ds\n' -1 "$rc" "$restarts" "$backoff"
    sleep "$backoff"
    backoff=$((backoff < 8 ? backoff * 2 : 8))
done
