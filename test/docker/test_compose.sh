#!/usr/bin/env bash
# The repository's docker-compose.yml brought up for real with Debian's
# docker-compose (1.29) on a private engine (lib.sh), with local stand-ins
# for the official images it names (redis:7.0, haproxy:2.6,
# nicolas/webdis:0.1.22) and the redis-init image built from ./Dockerfile:
#   1. the seed service installs the binaries and exits 0; the 3 redis and 3
#      sentinels turn healthy through `redis-init check` / `sentinel-init check`;
#   2. one master and two replicas (INFO replication), all three sentinels
#      name the master and reach quorum (SENTINEL CKQUORUM);
#   3. the router reaches the master (its run_id) and a write through it
#      lands there; Webdis SET/GET over HTTP; a command outside Webdis's
#      allow-list is refused (an --internal network publishes no port on the
#      host, so clients are a container on the network);
#   4. every container of the stack: non-root (999:0), read-only root, no
#      capabilities, no-new-privileges; the health checks are `check`;
#      webdis.json on a tmpfs, 0600; no password in any container's
#      environment, command line, labels (docker inspect), /proc/1/cmdline,
#      logs, or in the rendered compose configuration;
#   5. failover: the master container killed, the sentinels promote a
#      replica, the router and Webdis follow (writes continue), the old
#      master started again rejoins as a replica of the new one with the data;
#   6. RedisInsight (profile "insight"): its configuration validated
#      (`docker-compose --profile insight config`), not run (its image cannot
#      be pulled here); its ACL user works through the router with exactly
#      the documented privileges;
#   6b. metrics (profile "metrics"): an exporter per member and Prometheus
#      brought up beside the running stack: hardened, the password file
#      0400 on an in-memory volume and in no environment, every target
#      scraped, one master, every exporter logged in, the quorum, one
#      router backend, the rules loaded and none firing;
#   7. docker-compose.valkey.yml: validated (only the members' image and
#      [server] flavour change), not run;
#   8. docker-compose.tls.yml: validated (only [tls] and the /tls mounts
#      change), then brought up for real: healthy over TLS, the quorum, the
#      router (its name verified) and Webdis over TLS, no plain text.
# Prints "  ok"/"  FAIL" lines and "docker: N passed, M failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VERSION=$(cat "$DK_REPO_DIR/VERSION")
IMAGE=redis-init:$VERSION
COMPOSE_FILE_SRC=$DK_REPO_DIR/docker-compose.yml
t_start=$SECONDS
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }

dk_engine_start
dk_stack_images
dk_our_image "$IMAGE" || die "docker build of ./Dockerfile failed"

# ---------------------------------------------------------------- project
# The project directory holds what a user puts next to the compose file:
# secrets/config.json and secrets/redisinsight.json (README), mode 0440,
# group 0. docker-compose.yml itself is used from the repository as is.
proj=ri-compose-$$
pdir=$DK_RUN/project
mkdir -p "$pdir/secrets"
pw() { printf '%s' "$1-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
# Passwords with characters that break quoting (never a leading '$': Webdis).
PW_ADMIN="$(pw adm)%&\"x'" PW_SERVICE="$(pw svc) #;\\" PW_WEBDIS="$(pw web)/&?="
PW_INSIGHT="$(pw ins)\"}{" PW_EXPORTER="$(pw exp)\"\\/"
jq -n --arg a "$PW_ADMIN" --arg s "$PW_SERVICE" --arg w "$PW_WEBDIS" --arg i "$PW_INSIGHT" --arg e "$PW_EXPORTER" \
    --arg r "$(pw rep)" --arg sn "$(pw sen)" --arg sy "$(pw syn)" '{data: {
    ADMIN_USERNAME: "admin", ADMIN_PASSWORD: $a,
    REPLICA_USERNAME: "replica-user", REPLICA_PASSWORD: $r,
    SENTINEL_USERNAME: "sentinel-user", SENTINEL_PASSWORD: $sn,
    SENTINEL_SYNC_USERNAME: "sentinel-sync", SENTINEL_SYNC_PASSWORD: $sy,
    SERVICE_USERNAME: "api_service", SERVICE_PASSWORD: $s,
    WEBDIS_USERNAME: "webdis", WEBDIS_PASSWORD: $w,
    REDISINSIGHT_PASSWORD: $i, EXPORTER_PASSWORD: $e}}' >"$pdir/secrets/config.json"
# RedisInsight's connection, as README "RedisInsight" makes it.
jq '[{id: "redis-init-router", name: "redis-init (router)", host: "router", port: 6379,
      username: "redisinsight", password: .data.REDISINSIGHT_PASSWORD, connectionType: "STANDALONE"}]' \
    "$pdir/secrets/config.json" >"$pdir/secrets/redisinsight.json"
chown 0:0 "$pdir"/secrets/*.json && chmod 0440 "$pdir"/secrets/*.json
mapfile -t SECRETS < <(jq -r '.data | to_entries[] | select(.key | endswith("PASSWORD")) | .value' "$pdir/secrets/config.json")

# Test-only overlay: an --internal network with a subnet of our own, and a
# DNS server on it answering NXDOMAIN for every name Docker's embedded DNS
# does not know (as a host's resolver would for a stopped container's name;
# with none, such a lookup hangs for 20 s). Nothing else is changed.
subnet=10.234.$((RANDOM % 200 + 20))
over=$pdir/test-overlay.yml
services=$(dkc -f "$COMPOSE_FILE_SRC" --project-directory "$pdir" config --services)
# What a plain `up` starts: the services of no profile (insight, metrics).
default_services=$(dkc -f "$COMPOSE_FILE_SRC" --project-directory "$pdir" config |
    python3 -c 'import sys, yaml; print("\n".join(n for n, s in yaml.safe_load(sys.stdin)["services"].items() if not s.get("profiles")))')
{
    printf 'networks:\n  redis-init:\n    internal: true\n    ipam:\n      config: [{subnet: "%s.0/24"}]\n' "$subnet"
    printf 'services:\n  dns:\n    image: ri-test/dnsmasq\n'
    printf '    entrypoint: [dnsmasq, --conf-file=/dev/null, --keep-in-foreground, --user=root, --group=root,\n'
    printf '      --no-resolv, --no-hosts, --no-poll, "--local=/#/", --domain-needed, --cache-size=0, --neg-ttl=0]\n'
    printf '    networks: {redis-init: {ipv4_address: "%s.53"}}\n' "$subnet"
    for s in $services; do
        [[ $s == seed ]] && continue
        printf '  %s:\n    dns: ["%s.53"]\n' "$s" "$subnet"
    done
} >"$over"
# Never a fixed port of the host, should an engine publish on --internal.
export REDIS_INIT_ROUTER_PUBLISH=127.0.0.1: REDIS_INIT_WEBDIS_PUBLISH=127.0.0.1:
compose() { dkc -p "$proj" --project-directory "$pdir" -f "$COMPOSE_FILE_SRC" -f "$over" "$@"; }
c() { printf '%s_%s_1' "$proj" "$1"; }   # the container of a service
dk_test_cleanup() {
    if ((FAIL)); then
        local s
        for s in $services; do dk inspect "$(c "$s")" >/dev/null 2>&1 || continue
            echo "---------- logs of $s ----------"; dk logs --tail 25 "$(c "$s")" 2>&1; done
    fi
    compose down -v --remove-orphans >/dev/null 2>&1
    ip netns delete "$proj-client" 2>/dev/null
    rm -rf "/etc/netns/$proj-client"
}

# ---------------------------------------------------------------- 1. up
t_up=$(date +%s.%N)
if compose up -d >"$DK_RUN/up.log" 2>&1; then ok "docker-compose up -d"; else
    fail "docker-compose up -d"; tail -30 "$DK_RUN/up.log"; summary docker; fi
seed_rc=$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$(c seed)")
check "seed: installed the binaries and exited 0 ($seed_rc)" test "$seed_rc" = "exited 0"
REDIS=(redis-0 redis-1 redis-2) SENTINELS=(sentinel-0 sentinel-1 sentinel-2)
health() { dk inspect -f '{{.State.Health.Status}}' "$(c "$1")"; }
all_healthy() { local s; for s in "${REDIS[@]}" "${SENTINELS[@]}"; do [[ $(health "$s") == healthy ]] || return 1; done; }
if wait_for 120 all_healthy; then
    ok "3 redis + 3 sentinels healthy through redis-init check / sentinel-init check ($(elapsed "$t_up") s after up)"
else
    fail "not all healthy: $(for s in "${REDIS[@]}" "${SENTINELS[@]}"; do printf '%s=%s ' "$s" "$(health "$s")"; done)"
fi

# ---------------------------------------------------------------- 2. roles
admin() { dk_cli "$(c "$1")" 6379 admin "$PW_ADMIN" "${@:2}"; }
sadmin() { dk_cli "$(c "$1")" 26379 admin "$PW_ADMIN" "${@:2}"; }
field() { sed -n "s/^$1://p"; }
role() { admin "$1" INFO replication | field role; }
master() {  # the one member that answers role:master (none or several: fail)
    local s m=() r
    for s in "${REDIS[@]}"; do
        r=$(role "$s" 2>/dev/null) || continue
        [[ $r == master ]] && m+=("$s")
    done
    ((${#m[@]} == 1)) && echo "${m[0]}"
}
M0=$(master) || M0=
check "exactly one master (${M0:-none})" test -n "$M0"
for s in "${REDIS[@]}"; do
    [[ $s == "$M0" ]] && continue
    info=$(admin "$s" INFO replication)
    check "$s is a replica of $M0, link up" test "$(field role <<<"$info") $(field master_host <<<"$info") $(field master_link_status <<<"$info")" = "slave $M0 up"
done
check "$M0 has 2 connected replicas" test "$(admin "$M0" INFO replication | field connected_slaves)" = 2
named() { sadmin "$1" SENTINEL get-master-addr-by-name mymaster | head -1; }
for s in "${SENTINELS[@]}"; do
    check "$s names $M0 as master" test "$(named "$s")" = "$M0"
done
q=$(sadmin sentinel-0 SENTINEL ckquorum mymaster)
check "sentinel majority: $q" bash -c '[[ $1 == "OK 3 usable Sentinels"* ]]' _ "$q"
check "sentinel-0 sees 2 other sentinels and 2 replicas" test \
    "$(sadmin sentinel-0 SENTINEL master mymaster | sed -n '/^num-slaves$/{n;p}; /^num-other-sentinels$/{n;p}' | tr '\n' ' ')" = "2 2 "

# ---------------------------------------------------------------- 3. clients
# A client container on the network (the redis image for redis-cli, bash's
# /dev/tcp for HTTP): what an application container would be.
net=${proj}_redis-init
dk run -d --name "$proj-client" --network "$net" --dns "$subnet.53" --read-only --user 999:0 --cap-drop ALL \
    --entrypoint sleep redis:7.0 infinity >/dev/null
svc() { dk_cli "$proj-client" 6379 api_service "$PW_SERVICE" -h router "$@"; }
run_id() { admin "$1" INFO server | field run_id; }
routed() { [[ $(svc INFO server | field run_id) == "$(run_id "$1")" ]]; }
check "the router reaches the master $M0 (run_id)" wait_for 20 routed "$M0"
check "SET through the router as the service user" test "$(svc SET k1 v1)" = OK
check "the write is on $M0" test "$(admin "$M0" GET k1)" = v1
# http PATH: Webdis inside the network.
# get HOST PORT PATH: an HTTP/1.0 GET from the client container, headers
# and body (bash's /dev/tcp: the image has no HTTP client).
get() {
    dk exec "$proj-client" timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" &&
        printf "GET %s HTTP/1.0\r\n\r\n" "$3" >&3 && cat <&3' _ "$@" 2>&1 | tr -d '\r'
}
http() { get webdis 7379 "/$1"; }
body() { http "$1" | sed '1,/^$/d'; }
set_get() { [[ $(body "SET/$1/$2") == '{"SET":[true,"OK"]}' && $(body "GET/$1") == "{\"GET\":\"$2\"}" ]]; }
check "Webdis SET/GET over HTTP through the router" wait_for 30 set_get greeting hello
check "the HTTP write is on $M0" test "$(admin "$M0" GET greeting)" = hello
forbidden() { [[ $(http "$1" | head -1) == HTTP/1.[01]" 403"* ]]; }
check "Webdis refuses FLUSHALL (HTTP 403)" forbidden FLUSHALL
check "Webdis refuses CONFIG GET (HTTP 403)" forbidden CONFIG/GET/dir
# ---------------------------------------------------------------- 4. hardening, secrets
for s in $default_services; do
    cn=$(c "$s")
    h=$(dk inspect -f '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}' "$cn")
    check "$s: user 999:0, read-only root, no capabilities, no-new-privileges ($h)" \
        test "$h" = "999:0 true [ALL] [no-new-privileges:true]"
    if [[ $s != seed ]]; then
        uid=$(dk exec "$cn" sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/1/status 2>&1)
        check "$s: PID 1 runs as UID 999 ($uid)" test "$uid" = 999
    fi
done
for s in "${REDIS[@]}" "${SENTINELS[@]}"; do
    t=$(dk inspect -f '{{json .Config.Healthcheck.Test}}' "$(c "$s")")
    tool=redis-init; [[ $s == sentinel-* ]] && tool=sentinel-init
    check "$s: the health check is $tool check ($t)" test "$t" = "[\"CMD\",\"/redis-init/$tool\",\"check\"]"
done
wconf=$(dk exec "$(c webdis)" sh -c 'stat -c "%a %u" /conf/webdis.json; grep " /conf " /proc/mounts | cut -d" " -f3' 2>&1 | tr '\n' ' ')
check "webdis.json (Webdis's password) is 0600, UID 999, on a tmpfs ($wconf)" test "$wconf" = "600 999 tmpfs "
leaks() {  # leaks TEXT: which passwords TEXT holds (none: empty)
    local p
    for p in "${SECRETS[@]}"; do [[ $1 != *"$p"* ]] || echo "(a password)"; done
}
for s in $default_services dns; do
    cn=$(c "$s")
    meta=$(dk inspect -f '{{json .Config.Env}} {{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Args}} {{json .Path}} {{json .Config.Labels}}' "$cn")
    logs=$(dk logs "$cn" 2>&1)
    argv=
    [[ $s == seed ]] || argv=$(dk exec "$cn" cat /proc/1/cmdline 2>&1 | tr '\0' ' ')
    check "$s: no password in env, args, labels, PID 1's argv or the logs" test -z "$(leaks "$meta $argv $logs")"
done
check "no password in the rendered compose configuration" test -z "$(leaks "$(compose config 2>&1)")"

# ---------------------------------------------------------------- 5. failover
t_kill=$(date +%s.%N)
dk kill "$(c "$M0")" >/dev/null
new_master() {
    local m n=0 s
    m=$(master) && [[ $m != "$M0" ]] || return 1
    for s in "${SENTINELS[@]}"; do [[ $(named "$s") == "$m" ]] && n=$((n + 1)); done
    ((n >= 2))
}
if wait_for 90 new_master; then
    M1=$(master); failover_s=$(elapsed "$t_kill")
    ok "failover: $M0 killed, $M1 promoted and named by a sentinel majority (${failover_s} s)"
else
    M1=; failover_s=-; fail "no failover within 90 s of killing $M0"
fi
if [[ -n $M1 ]]; then
    check "the router reaches the new master $M1" wait_for 30 routed "$M1"
    router_s=$(elapsed "$t_kill")
    check "SET through the router after the failover" test "$(svc SET k2 v2)" = OK
    check "it is on $M1" test "$(admin "$M1" GET k2)" = v2
    check "Webdis SET/GET after the failover" wait_for 30 set_get after failover
    check "the HTTP write is on $M1" test "$(admin "$M1" GET after)" = failover
    check "the writes from before the failover are there" test "$(body GET/greeting)$(svc GET k1)" = '{"GET":"hello"}v1'
    compose start "$M0" >/dev/null 2>&1
    rejoined() {
        local info; info=$(admin "$M0" INFO replication)
        [[ "$(field role <<<"$info") $(field master_host <<<"$info") $(field master_link_status <<<"$info")" == "slave $M1 up" ]]
    }
    if wait_for 90 rejoined; then ok "old master $M0 started again: a replica of $M1, link up"; else
        fail "old master $M0 did not rejoin as a replica of $M1: $(admin "$M0" INFO replication | grep -E '^(role|master_host|master_link_status)' | tr '\n' ' ')"; fi
    has_after() { [[ $(admin "$M0" GET after) == failover ]]; }
    check "$M0 has the writes made while it was down" wait_for 20 has_after
    is_healthy() { [[ $(health "$1") == healthy ]]; }
    check "$M0 healthy again" wait_for 60 is_healthy "$M0"
    check "the router still reaches $M1" routed "$M1"
fi

# ---------------------------------------------------------------- 5b. docker-compose stop on the master
# `docker-compose stop` sends SIGTERM to the master's PID 1, redis-init run,
# which hands the role over first (the prestop steps, docs/lifecycle.md).
# A WAIT 1 writer (the host's build of test/tools/ri-writer) runs meanwhile
# in the client container's network namespace, with its resolver.
stop_s=- stop_gap=-
if [[ -n $M1 ]]; then
    wns=$proj-client
    ip netns attach "$wns" "$(dk inspect -f '{{.State.Pid}}' "$wns")"
    mkdir -p "/etc/netns/$wns"
    dk exec "$wns" cat /etc/resolv.conf >"/etc/netns/$wns/resolv.conf"
    writer() {
        ip netns exec "$wns" "$DK_REPO_DIR/build/tools/ri-writer" "$1" -s "$pdir/secrets/config.json" \
            -S sentinel-0:26379,sentinel-1:26379,sentinel-2:26379 -m mymaster -p stop -a "$DK_RUN/stop.acked" "${@:2}"
    }
    writer write -x "$DK_RUN/stop.halt" >"$DK_RUN/stop.out" 2>&1 &
    wpid=$!
    check "a WAIT 1 writer gets writes acknowledged by $M1" wait_for 20 test -s "$DK_RUN/stop.acked"
    sleep 1
    t_stop=$(date +%s.%N)
    compose stop "$M1" >/dev/null 2>&1
    stop_s=$(elapsed "$t_stop")
    M2=$(master) || M2=
    check "docker-compose stop $M1 (${stop_s} s): $M2 is the master" test -n "$M2" -a "$M2" != "$M1"
    # Not `dk logs | grep -q`: with pipefail, grep leaving at the match
    # makes a log longer than the pipe's buffer fail the pipeline (EPIPE).
    handed_over() { grep -q 'msg="handover done; stopping the server"' < <(dk logs "$(c "$M1")" 2>&1); }
    if handed_over; then ok "$M1's init handed over before the server stopped"; else
        fail "$M1's init did not log its handover; its last lines: $(dk logs "$(c "$M1")" 2>&1 | grep -F 'prog=redis-init' | tail -n 8)"; fi
    check "$M1's container exited 0" test "$(dk inspect -f '{{.State.ExitCode}}' "$(c "$M1")")" = 0
    sleep 1
    touch "$DK_RUN/stop.halt"
    wait "$wpid" || true
    line=$(tail -n 1 "$DK_RUN/stop.out")
    if [[ $line =~ issued=([0-9]+)\ acked=([0-9]+)\ max_gap_ms=([0-9]+) ]]; then
        stop_gap=${BASH_REMATCH[3]}
        vout=$(writer verify 2>&1) && vrc=0 || vrc=$?
        check "docker-compose stop on the master: 0 of ${BASH_REMATCH[2]} acknowledged writes lost ($vout)" test "$vrc" = 0
        check "the write gap of the switchover is under 2 s (${stop_gap} ms)" test "$stop_gap" -lt 2000
    else
        fail "the writer's summary: $(tail -3 "$DK_RUN/stop.out")"
    fi
    compose start "$M1" >/dev/null 2>&1
    back() { [[ $(admin "$M1" INFO replication | field master_host) == "$M2" ]]; }
    check "$M1 started again: a replica of $M2" wait_for 90 back
fi

# ---------------------------------------------------------------- 6. RedisInsight
ins() { compose --profile insight "$@"; }
no_insight() { local s; for s in redisinsight exporter-redis-0 exporter-sentinel-0 prometheus; do ! dk inspect "$(c "$s")" >/dev/null 2>&1 || return 1; done; }
check "docker-compose up without profiles started no redisinsight, exporter or prometheus container" no_insight
ri_json=$(ins config | python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))')
rij() { jq -e "$1" <<<"$ri_json" >/dev/null; }
check "redisinsight: profile insight, non-root, read-only root, no capabilities" \
    rij '.services.redisinsight | .profiles == ["insight"] and (.user | test("^[1-9][0-9]*:")) and .read_only == true and .cap_drop == ["ALL"]'
check "redisinsight: its connection from the compose secret, nothing secret in its environment" \
    rij '.services.redisinsight | .environment.RI_PRE_SETUP_DATABASES_PATH == "/run/secrets/redisinsight" and (.secrets | map(if type == "string" then . else .source end) == ["redisinsight"]) and ([.environment | keys[] | select(test("PASSWORD|KEY"))] == [])'
check "redisinsight: on the cluster's network, after the router" \
    rij '.services.redisinsight | (.networks | has("redis-init")) and (.depends_on | has("router"))'
check "redisinsight: the secret is the file README says" \
    rij ".secrets.redisinsight.file == \"$pdir/secrets/redisinsight.json\""
check "its connection points at the router as the user redisinsight" \
    jq -e '.[0] | .host == "router" and .port == 6379 and .username == "redisinsight"' "$pdir/secrets/redisinsight.json"
check "no password in the rendered insight configuration" test -z "$(leaks "$(ins config 2>&1)")"
# The user itself, live through the router.
insight() { dk_cli "$proj-client" 6379 redisinsight "$PW_INSIGHT" -h router "$@"; }
if [[ -n $M1 ]]; then
    svc HSET h f v >/dev/null
    for cmd in "PING" "INFO keyspace" "DBSIZE" "SCAN 0" "TYPE h" "TTL h" "MEMORY USAGE h" "HGETALL h" \
        "SET ri v" "GET ri" "DEL ri" "PUBLISH ch x"; do
        read -ra w <<<"$cmd"
        out=$(insight "${w[@]}")
        check "redisinsight may $cmd (through the router)" bash -c '[[ -n $1 && $1 != *NOPERM* && $1 != ERR* ]]' _ "$out"
    done
    for cmd in "CONFIG GET dir" "FLUSHALL" "KEYS *" "ACL LIST" "EVAL return 1 0"; do
        read -ra w <<<"$cmd"
        out=$(insight "${w[@]}")
        check "redisinsight is refused $cmd through the router (NOPERM)" bash -c '[[ $1 == *NOPERM* ]]' _ "$out"
    done
    # What must not even be tried (it would act): the ACL's verdict itself.
    for cmd in "CONFIG SET maxmemory 1" "CLIENT LIST" "CLIENT KILL ID 1" "MONITOR" "DEBUG SLEEP 0" \
        "SHUTDOWN" "FLUSHDB" "SWAPDB 0 1" "REPLICAOF NO ONE" "SCRIPT FLUSH"; do
        read -ra w <<<"$cmd"
        out=$(admin "$M1" ACL DRYRUN redisinsight "${w[@]}")
        check "ACL DRYRUN: redisinsight may not $cmd" bash -c '[[ $1 == *"no permissions"* ]]' _ "$out"
    done
    [[ $(admin "$M1" ACL DRYRUN redisinsight GET k) == OK ]] || fail "ACL DRYRUN does not answer OK for an allowed command"
fi

# ---------------------------------------------------------------- 6b. metrics
# docker-compose --profile metrics up -d beside the running stack, from a
# project directory that holds observability/ as the repository does.
cp -r "$DK_REPO_DIR/observability" "$pdir/"
export REDIS_INIT_PROMETHEUS_PUBLISH=127.0.0.1:
mx() { compose --profile metrics "$@"; }
EXPORTERS=(exporter-redis-0 exporter-redis-1 exporter-redis-2 exporter-sentinel-0 exporter-sentinel-1 exporter-sentinel-2)
if mx up -d >"$DK_RUN/metrics-up.log" 2>&1; then ok "docker-compose --profile metrics up -d"; else
    fail "docker-compose --profile metrics up -d"; tail -20 "$DK_RUN/metrics-up.log"; fi
for s in "${EXPORTERS[@]}" prometheus; do
    h=$(dk inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}' "$(c "$s")" 2>&1)
    check "$s: read-only root, no capabilities, no-new-privileges ($h)" test "$h" = "true [ALL] [no-new-privileges:true]"
    meta=$(dk inspect -f '{{json .Config.Env}} {{json .Args}}' "$(c "$s")" 2>&1)
    check "$s: no password in its environment or arguments" test -z "$(leaks "$meta")"
done
check "the exporters run as the members' user 999:0 (the password file is theirs)" \
    test "$(dk inspect -f '{{.Config.User}}' "$(c exporter-redis-0)")" = "999:0"
pf=$(dk exec "$(c redis-0)" sh -c 'stat -c "%a %u" /exporter/passwords.json; grep " /exporter " /proc/mounts | cut -d" " -f3' 2>&1 | tr '\n' ' ')
check "redis-0's passwords.json: 0400, UID 999, in memory (tmpfs) ($pf)" test "$pf" = "400 999 tmpfs "
# prom PATH: the body of a GET of Prometheus's API.
prom() { get prometheus 9090 "$1" | sed '1,/^$/d'; }
q() { prom "/api/v1/query?query=$(jq -rn --arg q "$1" '$q | @uri')" | jq -r '.data.result[0].value[1] // empty'; }
targets_up() { [[ $(prom /api/v1/targets | jq '[.data.activeTargets[] | select(.health == "up")] | length') == 13 ]]; }
check "Prometheus scrapes 13 targets: 6 agents, 6 exporters, the router" wait_for 60 targets_up
check "one master (redis_init_server_role)" test "$(q 'sum(redis_init_server_role{role="master"})')" = 1
check "every exporter logged in with the password file (redis_up 1 on 6)" test "$(q 'sum(redis_up)')" = 6
cg=$(dk_cli "$(c redis-0)" 6379 exporter "$PW_EXPORTER" CONFIG GET masterauth 2>&1)
check "the exporter user cannot CONFIG GET masterauth (${cg:0:60})" grep -q NOPERM <<<"$cg"
check "the sentinels' exporters: SENTINEL CKQUORUM passes on 3" \
    test "$(q 'sum(redis_sentinel_master_ckquorum_status)')" = 3
check "the router routes to one master (HAProxy's own metrics)" \
    test "$(q 'max(haproxy_backend_active_servers{proxy="master"})')" = 1
check "observability/rules.yml loaded: 2 groups, 17 rules" \
    test "$(prom /api/v1/rules | jq '[.data.groups | length, ([.[].rules[]] | length)] | join(" ")' -r)" = "2 17"
check "no alert fires" test "$(prom /api/v1/alerts | jq '[.data.alerts[] | select(.state == "firing")] | length')" = 0
mx rm -sf "${EXPORTERS[@]}" prometheus >/dev/null 2>&1 || true

# ---------------------------------------------------------------- 7. Valkey
# docker-compose.valkey.yml (README "Valkey"): one documented change,
# validated, not run (no Valkey image is made here; make matrix runs Valkey).
dkc -f "$COMPOSE_FILE_SRC" --project-directory "$pdir" config >"$pdir/config-base.yml"
dkc -f "$COMPOSE_FILE_SRC" -f "$DK_REPO_DIR/docker-compose.valkey.yml" --project-directory "$pdir" \
    config >"$pdir/config-valkey.yml"
check "docker-compose.valkey.yml changes only the members' image (valkey/valkey:8.1) and flavour" \
    python3 "$DK_REPO_DIR/test/docker/compose_one_change.py" "$pdir/config-base.yml" "$pdir/config-valkey.yml"
dkc -f "$COMPOSE_FILE_SRC" -f "$DK_REPO_DIR/docker-compose.tls.yml" --project-directory "$pdir" \
    config >"$pdir/config-tls.yml"
check "docker-compose.tls.yml changes only [tls] and the /tls mounts" \
    python3 "$DK_REPO_DIR/test/docker/compose_one_change.py" --tls "$pdir/config-base.yml" "$pdir/config-tls.yml"

# ---------------------------------------------------------------- 8. TLS
# docker-compose.tls.yml brought up for real (README "TLS"): the folders of
# `tools/tls-certs.sh compose`, every member healthy through `check` over
# TLS, the sentinels' quorum over TLS, a client with a certificate of the
# CA reaches the master through the router (whose certificate `router
# --run` checked names "router"), a plain-text client gets nothing, Webdis
# answers through the TLS router.
t8=$(date +%s.%N)
# The client container first: attached to the network, it would keep
# `down` from removing it.
dk rm -f "$proj-client" >/dev/null 2>&1 || true
compose down -v --remove-orphans >"$DK_RUN/down.log" 2>&1 ||
    { fail "docker-compose down of the plain-text stack"; tail -5 "$DK_RUN/down.log"; summary docker; }
"$DK_REPO_DIR/tools/tls-certs.sh" ca "$pdir/tls/ca" >/dev/null
"$DK_REPO_DIR/tools/tls-certs.sh" compose "$pdir/tls/ca" "$pdir/tls" >/dev/null
"$DK_REPO_DIR/tools/tls-certs.sh" cert "$pdir/tls/ca" "$pdir/tls/app" app >/dev/null
chgrp -R 0 "$pdir/tls/app" && chmod -R g+rX "$pdir/tls/app"
compose() { dkc -p "$proj" --project-directory "$pdir" -f "$COMPOSE_FILE_SRC" -f "$DK_REPO_DIR/docker-compose.tls.yml" -f "$over" "$@"; }
if compose up -d >"$DK_RUN/up-tls.log" 2>&1; then ok "TLS: docker-compose -f docker-compose.tls.yml up -d"; else
    fail "TLS: docker-compose up -d"; tail -30 "$DK_RUN/up-tls.log"; summary docker; fi
check "TLS: 3 redis + 3 sentinels healthy through check over TLS" wait_for 120 all_healthy
tls=(--tls --cacert /tls/ca.crt --cert /tls/tls.crt --key /tls/tls.key)
sadmin() { dk_cli "$(c "$1")" 26379 admin "$PW_ADMIN" "${tls[@]}" --sni "$1" -h "$1" "${@:2}"; }
q=$(sadmin sentinel-0 SENTINEL ckquorum mymaster)
check "TLS: sentinel majority over TLS: $q" bash -c '[[ $1 == "OK 3 usable Sentinels"* ]]' _ "$q"
dk run -d --name "$proj-client" --network "$net" --dns "$subnet.53" --read-only --user 999:0 --cap-drop ALL \
    -v "$pdir/tls/app:/tls:ro" --entrypoint sleep redis:7.0 infinity >/dev/null
tsvc() { dk_cli "$proj-client" 6379 api_service "$PW_SERVICE" "${tls[@]}" --sni router -h router "$@"; }
routed_tls() { [[ $(tsvc SET tls-k v) == OK && $(tsvc GET tls-k) == v ]]; }
check "TLS: SET/GET through the router with a client certificate" wait_for 30 routed_tls
plain=$(dk_cli "$proj-client" 6379 api_service "$PW_SERVICE" -h router PING)
check "TLS: a plain-text client gets no answer from the router" bash -c '[[ $1 != *PONG* ]]' _ "$plain"
check "TLS: Webdis SET/GET over HTTP through the TLS router" wait_for 30 set_get tls-greeting hello
tls_only() {
    local s f
    for s in "${REDIS[@]}" "${SENTINELS[@]}"; do
        f=/conf/redis.conf; [[ $s == sentinel-* ]] && f=/conf/sentinel.conf
        dk exec "$(c "$s")" grep -qx "port 0" "$f" || return 1
    done
}
check "TLS: every member's config listens on TLS only (port 0)" tls_only
echo "docker compose TLS: up and checked in $(elapsed "$t8") s"

echo "docker compose: failover ${failover_s} s (router on the new master after ${router_s:--} s), stop on the master ${stop_s} s (write gap ${stop_gap} ms), total $((SECONDS - t_start)) s"
summary docker
