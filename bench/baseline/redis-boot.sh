#!/usr/bin/env bash
# redis-boot.sh: the role decision of the bash redis-server boot script that
# redis-init replaces (the design of docs/decision.md's "Why"),
# written the way such bash + redis-cli init scripts are written, as the
# baseline of the discovery benchmark (bench/run.sh). Not production code.
#
# That script's algorithm, sequential:
#   1. ask each sentinel in turn `SENTINEL get-master-addr-by-name`; the first
#      one that names a master wins;
#   2. else ask each other redis pod in turn `INFO replication`; the first
#      one with role:master wins;
#   3. else pod-0 becomes master (any other pod: no master, exit 1).
# Every redis-cli call is bounded by `timeout` (coreutils) with the same
# per-call budget as redis-init's probe timeout. No retries, no sleeps.
#
# Prints one line: "master" or "replicaof HOST PORT" (exit 0), or
# "no-master" (exit 1).
#
# Usage: redis-boot.sh [SECRETS_DIR]   (SECRETS_DIR: one file per key, read
# without jq; default: SECRETS_FILE, read with jq)
#
# Environment (as the init container would get it):
#   POD_NAME          e.g. redis-cluster-server-2 (ordinal = -N suffix)
#   SECRETS_FILE      the scripts' config.json ({"data": {...}}), read with jq
#   NAMESPACE DOMAIN REDIS_SVC SENTINEL_SVC REDIS_N SENTINEL_N
#   REDIS_PORT SENTINEL_PORT MASTER_NAME PROBE_TIMEOUT_MS
# Passwords reach redis-cli through REDISCLI_AUTH, never argv.
set -euo pipefail

: "${POD_NAME:?}" "${SECRETS_FILE:=/src/config.json}"
NAMESPACE=${NAMESPACE:-default}
DOMAIN=${DOMAIN:-cluster.local}
REDIS_SVC=${REDIS_SVC:-redis-cluster-server}
SENTINEL_SVC=${SENTINEL_SVC:-redis-cluster-sentinel}
REDIS_N=${REDIS_N:-3}
SENTINEL_N=${SENTINEL_N:-3}
REDIS_PORT=${REDIS_PORT:-6379}
SENTINEL_PORT=${SENTINEL_PORT:-26379}
MASTER_NAME=${MASTER_NAME:-mymaster}
PROBE_TIMEOUT_MS=${PROBE_TIMEOUT_MS:-1000}

ordinal=${POD_NAME##*-}
call_timeout=$(printf '%d.%03d' $((PROBE_TIMEOUT_MS / 1000)) $((PROBE_TIMEOUT_MS % 1000)))

if [[ -n ${1:-} ]]; then
    # A mounted Kubernetes Secret: one file per key (variant without jq).
    read -r service_user <"$1/SERVICE_USERNAME"
    read -r service_pass <"$1/SERVICE_PASSWORD"
    read -r admin_user <"$1/ADMIN_USERNAME"
    read -r admin_pass <"$1/ADMIN_PASSWORD"
else
    # Seed 000's config.json: one jq call for the four values (user names
    # and passwords hold no newline).
    {
        read -r service_user
        read -r service_pass
        read -r admin_user
        read -r admin_pass
    } < <(jq -r '.data | .SERVICE_USERNAME, .SERVICE_PASSWORD, .ADMIN_USERNAME, .ADMIN_PASSWORD' "$SECRETS_FILE")
fi

fqdn() { printf '%s-%s.%s.%s.svc.%s' "$1" "$2" "$1" "$NAMESPACE" "$DOMAIN"; }

# 1. Sentinels, one after the other.
for ((i = 0; i < SENTINEL_N; i++)); do
    host=$(fqdn "$SENTINEL_SVC" "$i")
    reply=$(REDISCLI_AUTH=$service_pass timeout "$call_timeout" \
        redis-cli --no-auth-warning --user "$service_user" -h "$host" -p "$SENTINEL_PORT" \
        SENTINEL get-master-addr-by-name "$MASTER_NAME" </dev/null 2>/dev/null) || continue
    # Two lines, host then port; anything else (nil, an error) is no answer.
    { read -r m_host && read -r m_port; } <<<"$reply" || continue
    if [[ -n $m_host && $m_port =~ ^[0-9]+$ ]]; then
        echo "replicaof $m_host $m_port"
        exit 0
    fi
done

# 2. The other redis pods, one after the other.
for ((i = 0; i < REDIS_N; i++)); do
    ((i == ordinal)) && continue
    host=$(fqdn "$REDIS_SVC" "$i")
    reply=$(REDISCLI_AUTH=$admin_pass timeout "$call_timeout" \
        redis-cli --no-auth-warning --user "$admin_user" -h "$host" -p "$REDIS_PORT" \
        INFO replication </dev/null 2>/dev/null) || continue
    if [[ $reply == *$'role:master\r'* ]]; then
        echo "replicaof $host $REDIS_PORT"
        exit 0
    fi
done

# 3. Nobody knows a master: pod-0 bootstraps.
if ((ordinal == 0)); then
    echo master
    exit 0
fi
echo no-master
exit 1
